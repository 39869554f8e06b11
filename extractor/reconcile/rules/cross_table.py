"""Rules across tables: the same figure printed in two fixed tables must agree.

Roles, not ids (see :mod:`extractor.tables.roles`): 收支总表 (公开01表 /
预算表1), 收入表 (02), 支出表 (03), 财政拨款收支总表 (04), 一般公共预算支出表
(05), 基本支出表 (06), 政府性基金表 (07), 国有资本经营表 (08), 三公 (09).
When a two-sided table prints several value columns on a side (a budget's
编制预算 | 上年结转), its figure is their sum.
"""

from __future__ import annotations

from extractor.reconcile.columns import (
    coded_rows,
    find_column,
    find_row,
    first_amount,
    is_enumerated,
    main_column,
    path,
    row_label,
    side_rows,
    total_row,
    value_columns,
)
from extractor.reconcile.engine import Context, Relation, Reporter, rule
from extractor.reconcile.figures import Figure, table_figure
from extractor.reconcile.sangong import sangong_groups
from extractor.reconcile.units import alike
from extractor.tables.roles import Role
from schemas import Column, Table, TableRow

SAME = "½ unit of the last printed decimal per printed figure: 0.01 for two figures at 2 decimals"


def _side_figures(table: Table, side: str, *labels: str) -> list[Figure]:
    """The figures of a side's row (one per value column of that side)."""
    row = find_row(side_rows(table, side), *labels)
    if row is None:
        return []
    return [table_figure(table, row, c) for c in value_columns(table, side)]


def _side_cell(table: Table, side: str, column: Column | None, *labels: str) -> Figure | None:
    row = find_row(side_rows(table, side), *labels)
    if row is None or column is None:
        return None
    return table_figure(table, row, column)


def _total(table: Table, column: Column | None) -> Figure | None:
    """The 合计 row's figure in ``column``."""
    row = total_row(table)
    if row is None or column is None:
        return None
    return table_figure(table, row, column)


def _classes(table: Table) -> dict[str, TableRow]:
    """3-digit 类 rows by their label."""
    return {row_label(r.name): r for r in coded_rows(table) if len(r.code or "") == 3}


def _basic_total(table: Table, word: str) -> Figure | None:
    """人员经费合计 / 公用经费合计 of a 基本支出 table, whichever layout it prints:
    a named row (公开06表) or a column of the 合计 row (预算表6)."""
    for row in table.rows:
        if not row.code and row_label(row.name) in (f"{word}合计", word):
            found = first_amount(table, row)
            return table_figure(table, row, found[0] if found else None)
    return _total(table, find_column(table, word))


@rule("cross_table.income_total", reads="收支总表 本年收入合计; 收入表 合计 row, first column", tolerance=SAME)
def income_total(ctx: Context, out: Reporter) -> None:
    """本年收入合计 of the 收支总表 equals the 合计 of the 收入表."""
    overview, income = ctx.table(Role.OVERVIEW), ctx.table(Role.INCOME)
    if overview is None or income is None:
        return
    stated = _total(income, main_column(income))
    parts = _side_figures(overview, "收入", "本年收入合计", "本年收入")
    if stated is not None and parts:
        out.equal(stated, parts, f"{income.id} 合计 vs {overview.id} 本年收入合计")


@rule("cross_table.expenditure_total", reads="收支总表 本年支出合计; 支出表 合计 row, first column",
      tolerance=SAME)
def expenditure_total(ctx: Context, out: Reporter) -> None:
    """本年支出合计 of the 收支总表 equals the 合计 of the 支出表."""
    overview, spending = ctx.table(Role.OVERVIEW), ctx.table(Role.EXPENDITURE)
    if overview is None or spending is None:
        return
    stated = _total(spending, main_column(spending))
    parts = _side_figures(overview, "支出", "本年支出合计", "本年支出")
    if stated is not None and parts:
        out.equal(stated, parts, f"{spending.id} 合计 vs {overview.id} 本年支出合计")


@rule("cross_table.expenditure_classes", reads="收支总表 支出 classes (一、一般公共服务支出 …); 支出表 "
      "3-digit rows of the same name, first column", tolerance=SAME)
def expenditure_classes(ctx: Context, out: Reporter) -> None:
    """Each 功能分类 class on the 支出 side of the 收支总表 equals that class in the 支出表."""
    overview, spending = ctx.table(Role.OVERVIEW), ctx.table(Role.EXPENDITURE)
    if overview is None or spending is None:
        return
    classes, column = _classes(spending), main_column(spending)
    for row in side_rows(overview, "支出"):
        target = classes.get(row_label(row.name))
        if target is None or not is_enumerated(row.name):
            continue
        parts = [table_figure(overview, row, c) for c in value_columns(overview, "支出")]
        out.equal(table_figure(spending, target, column), parts,
                  f"{spending.id} {target.code} {target.name} vs {overview.id} {row.name}")


@rule("cross_table.appropriation_income", reads="财政拨款收支总表 本年收入合计; 收入表 合计 row, "
      "财政拨款收入 column", tolerance=SAME)
def appropriation_income(ctx: Context, out: Reporter) -> None:
    """本年收入合计 of the 财政拨款收支总表 equals 财政拨款收入 of the 收入表's 合计 row."""
    appropriation, income = ctx.table(Role.APPROPRIATION), ctx.table(Role.INCOME)
    if appropriation is None or income is None:
        return
    stated = _total(income, find_column(income, "财政拨款收入", "财政拨款"))
    parts = _side_figures(appropriation, "收入", "本年收入合计", "本年收入")
    if stated is not None and parts:
        out.equal(stated, parts, f"{income.id} 合计/财政拨款收入 vs {appropriation.id} 本年收入合计")


_FUND_KINDS = ("一般公共预算", "政府性基金", "国有资本经营")


def _first_row_with(table: Table, side: str, word: str) -> TableRow | None:
    """The first row of a side naming a fund kind (later ones break down 结转 rows)."""
    return next((r for r in side_rows(table, side) if word in row_label(r.name)), None)


@rule("cross_table.appropriation_kinds", reads="收支总表 and 财政拨款收支总表, 收入 side: the 一般公共预算 / "
      "政府性基金 / 国有资本经营 财政拨款 rows", tolerance=SAME)
def appropriation_kinds(ctx: Context, out: Reporter) -> None:
    """Each kind of 财政拨款 income is printed twice: on the 收支总表 and on the 财政拨款收支总表."""
    overview, appropriation = ctx.table(Role.OVERVIEW), ctx.table(Role.APPROPRIATION)
    if overview is None or appropriation is None:
        return
    left, right = value_columns(overview, "收入"), value_columns(appropriation, "收入")
    by_path = {tuple(path(c)): c for c in right}
    pairs = [(c, by_path[tuple(path(c))]) for c in left if tuple(path(c)) in by_path]
    pairs = pairs or ([(left[0], right[0])] if left and right else [])
    for word in _FUND_KINDS:
        mine, theirs = _first_row_with(overview, "收入", word), _first_row_with(appropriation, "收入", word)
        if mine is None or theirs is None:
            continue
        for a, b in pairs:
            out.equal(table_figure(appropriation, theirs, b), table_figure(overview, mine, a),
                      f"{appropriation.id} {theirs.name} vs {overview.id} {mine.name}")


@rule("cross_table.general_budget", reads="财政拨款收支总表 支出 side, 一般公共预算财政拨款 column "
      "(本年支出合计 and classes), or all its columns when it prints no such column (a budget's 编制预算 | "
      "上年结转); 一般公共预算支出表 合计 and 3-digit rows, first column", tolerance=SAME)
def general_budget(ctx: Context, out: Reporter) -> None:
    """The 一般公共预算 column of the 财政拨款收支总表 equals the 一般公共预算支出表:
    本年支出合计 against its 合计, each class against the class row. A table without
    that column (a budget's) covers every 财政拨款, so it is at least the 一般公共预算 figure."""
    appropriation, general = ctx.table(Role.APPROPRIATION), ctx.table(Role.GENERAL_BUDGET)
    total_column = main_column(general) if general is not None else None
    if appropriation is None or general is None or total_column is None:
        return
    column = find_column(appropriation, "一般公共预算财政拨款", "一般公共预算", side="支出")
    columns = [column] if column is not None else value_columns(appropriation, "支出")
    relation: Relation = "=" if column is not None else "<="
    stated = _total(general, total_column)
    current = find_row(side_rows(appropriation, "支出"), "本年支出合计", "本年支出")
    if stated is not None and current is not None:
        out.equal(stated, [table_figure(appropriation, current, c) for c in columns],
                  f"{general.id} 合计 vs {appropriation.id} 本年支出合计 (一般公共预算)", relation=relation)
    classes = _classes(general)
    for row in side_rows(appropriation, "支出"):
        target = classes.get(row_label(row.name))
        if target is not None and is_enumerated(row.name):
            out.equal(table_figure(general, target, total_column),
                      [table_figure(appropriation, row, c) for c in columns],
                      f"{general.id} {target.code} {target.name} vs {appropriation.id} {row.name}", relation=relation)


@rule("cross_table.basic_split", reads="一般公共预算支出表 合计 row: 基本支出, 人员经费, 公用经费; "
      "基本支出表: 人员经费合计, 公用经费合计", tolerance=SAME)
def basic_split(ctx: Context, out: Reporter) -> None:
    """基本支出 of the 一般公共预算支出表 equals 人员经费合计 + 公用经费合计 of the 基本支出
    table, and its 人员经费 / 公用经费 columns equal those totals."""
    general, basic = ctx.table(Role.GENERAL_BUDGET), ctx.table(Role.BASIC_DETAIL)
    if general is None or basic is None:
        return
    personnel, public = _basic_total(basic, "人员经费"), _basic_total(basic, "公用经费")
    basic_column = find_column(general, "小计", "合计", under="基本支出") or find_column(general, "基本支出")
    stated = _total(general, basic_column)
    if stated is not None and personnel is not None and public is not None:
        out.equal(stated, [personnel, public], f"{general.id} 合计/基本支出 vs {basic.id} 人员经费 + 公用经费")
    for word, figure in (("人员经费", personnel), ("公用经费", public)):
        own = _total(general, find_column(general, word))
        if own is not None and figure is not None:
            out.equal(own, figure, f"{general.id} 合计/{word} vs {basic.id} {word}合计")


def _fund_check(ctx: Context, out: Reporter, role: Role, words: tuple[str, ...], name: str) -> None:
    table, appropriation = ctx.table(role), ctx.table(Role.APPROPRIATION)
    if table is None or appropriation is None:
        return
    column = find_column(table, "小计", "合计", under="本年支出") or find_column(table, "本年支出", "合计")
    stated = _total(table, column)
    source = _side_cell(appropriation, "支出", find_column(appropriation, *words, side="支出"),
                        "本年支出合计", "本年支出")
    if stated is not None and source is not None:
        out.equal(stated, source, f"{table.id} 合计/本年支出 vs {appropriation.id} 本年支出合计/{name}")


@rule("cross_table.fund_expenditure", reads="政府性基金表 合计 row, 本年支出; 财政拨款收支总表 "
      "本年支出合计, 政府性基金预算财政拨款 column", tolerance=SAME)
def fund_expenditure(ctx: Context, out: Reporter) -> None:
    """本年支出 of the 政府性基金 table equals the 政府性基金 column of the 财政拨款收支总表."""
    _fund_check(ctx, out, Role.FUND, ("政府性基金预算财政拨款", "政府性基金预算", "政府性基金"), "政府性基金")


@rule("cross_table.state_capital_expenditure", reads="国有资本经营表 合计 row, 本年支出; 财政拨款收支总表 "
      "本年支出合计, 国有资本经营预算财政拨款 column", tolerance=SAME)
def state_capital_expenditure(ctx: Context, out: Reporter) -> None:
    """本年支出 of the 国有资本经营 table equals the 国有资本经营 column of the 财政拨款收支总表."""
    _fund_check(ctx, out, Role.STATE_CAPITAL, ("国有资本经营预算财政拨款", "国有资本经营预算", "国有资本经营"),
                "国有资本经营")


@rule("cross_table.within_total", reads="支出表 and 一般公共预算支出表: 合计 and coded rows, columns "
      "本年支出合计/小计, 基本支出, 项目支出", tolerance=SAME)
def within_total(ctx: Context, out: Reporter) -> None:
    """一般公共预算 spending is part of all spending: each figure of the 一般公共预算支出表
    is at most the same figure of the 支出表 (合计 and every 科目代码 row)."""
    spending, general = ctx.table(Role.EXPENDITURE), ctx.table(Role.GENERAL_BUDGET)
    if spending is None or general is None:
        return
    pairs = [(main_column(spending), main_column(general))]
    for word in ("基本支出", "项目支出"):
        pairs.append((find_column(spending, word),
                      find_column(general, "小计", "合计", under=word) or find_column(general, word)))
    by_code = {r.code: r for r in coded_rows(spending)}
    rows = [(total_row(spending), total_row(general))]
    rows += [(by_code.get(r.code), r) for r in coded_rows(general)]
    for mine, theirs in rows:
        if mine is None or theirs is None:
            continue
        for big, small in pairs:
            if big is None or small is None:
                continue
            out.equal(table_figure(spending, mine, big), table_figure(general, theirs, small),
                      f"{spending.id} vs {general.id} {theirs.code or ''} {theirs.name}", relation=">=")


_SANGONG_LINES = {
    "abroad": ("因公出国(境)费用", "因公出国(境)费"),
    "reception": ("公务接待费",),
    "car_operation": ("公务用车运行维护费",),
    "car_purchase": ("公务用车购置", "公务用车购置费"),
}


@rule("cross_table.sangong_basic", reads="三公 table (决算数, or a budget's 预算数); 基本支出 detail table "
      "lines 因公出国(境)费用, 公务接待费, 公务用车运行维护费, 公务用车购置", tolerance=SAME)
def sangong_basic(ctx: Context, out: Reporter) -> None:
    """A 三公 item covers basic and project spending, so it is at least the same line of
    the 基本支出 detail table (which covers basic spending only)."""
    sangong, basic = ctx.table(Role.SANGONG), ctx.table(Role.BASIC_DETAIL)
    if sangong is None or basic is None:
        return
    groups = sangong_groups(sangong)
    wanted = "预算" if ctx.kind == "budget" else "决算"
    chosen = [g for name, g in groups if wanted in name] or ([groups[0][1]] if len(groups) == 1 else [])
    for group in chosen[:1]:
        for item, labels in _SANGONG_LINES.items():
            figure = group.get(item)
            line = find_row(basic.rows, *labels)
            if figure is None or line is None:
                continue
            found = first_amount(basic, line)
            # the 三公 table is often in 万元 and the 基本支出 table in 元: compared in 万元
            stated, detail = alike(figure, sangong.unit, table_figure(basic, line, found[0] if found else None),
                                   basic.unit)
            out.equal(stated, detail, f"{sangong.id} {labels[0]} vs {basic.id} {line.name}", relation=">=")


@rule("cross_table.budget_balance", reads="a budget's 收入表 and 支出表: 合计 rows, first column",
      tolerance=SAME)
def budget_balance(ctx: Context, out: Reporter) -> None:
    """A budget balances: the 合计 of the 收入总表 equals the 合计 of the 支出总表."""
    if ctx.kind != "budget":
        return
    income, spending = ctx.table(Role.INCOME), ctx.table(Role.EXPENDITURE)
    if income is None or spending is None:
        return
    left, right = _total(income, main_column(income)), _total(spending, main_column(spending))
    if left is not None and right is not None:
        out.equal(left, right, f"{income.id} 合计 vs {spending.id} 合计")
