"""Rules within one table: balances, row sums, column sums, the 科目代码 hierarchy, 三公.

科目代码 = classification code: 3 digits for a 类 (class), 5 for a 款, 7 for a 项
(functional codes 201 / 20103 / 2010301; economic codes 301 / 30101 in the
基本支出 detail table).
"""

from __future__ import annotations

import re
from functools import partial

from extractor.reconcile.columns import (
    coded_rows,
    first_amount,
    is_enumerated,
    is_total_name,
    is_two_sided,
    norm,
    path,
    row_label,
    side_rows,
    sum_groups,
    total_row,
    value_columns,
)
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.figures import Figure, cell_ref, table_figure
from extractor.reconcile.sangong import sangong_groups
from extractor.tables.roles import Role, role_of
from schemas import Column, Location, Table, TableRow

SUM_TOLERANCE = "½ unit of the last printed decimal per printed figure (total included), e.g. 0.005 × k"
_CURRENT_YEAR = re.compile(r"^本年(收入|支出)(合计)?$")
_GRAND_TOTAL = re.compile(r"^(收入|支出)?总计$")
_ADJUSTMENT = re.compile(r"结转|结余|使用非财政")
# Economic classes (经济分类) that make up 人员经费; every other class of the
# 基本支出 detail table is 公用经费.
PERSONNEL_CLASSES = ("301", "303")


@rule("table.missing", severity="info", reads="every table announced by the report",
      tolerance="none: a missing table is reported, never checked as zeros")
def missing(ctx: Context, out: Reporter) -> None:
    """A table the report announces (contents or heading) but whose body is not in the text."""
    for table in ctx.result.tables:
        if table.status == "missing":
            where = Location(kind="table", ref=table.id, line_start=table.line_start, line_end=table.line_end)
            out.flag(f"{table.id} {table.title}: announced but its body is not in the text; not checked",
                     locations=[where], classification="extraction")


def _side_pairs(table: Table) -> list[tuple[Column, Column]]:
    """收入 and 支出 columns to compare: same header path, else first with first."""
    income, spending = value_columns(table, "收入"), value_columns(table, "支出")
    if not income or not spending:
        return []
    by_path = {tuple(path(c)): c for c in spending}
    pairs = [(c, by_path[tuple(path(c))]) for c in income if tuple(path(c)) in by_path]
    return pairs or [(income[0], spending[0])]


def _grand_total(rows: list[TableRow]) -> TableRow | None:
    return next((r for r in rows if _GRAND_TOTAL.match(row_label(r.name))), None)


def _current_year(rows: list[TableRow]) -> TableRow | None:
    return next((r for r in rows if _CURRENT_YEAR.match(row_label(r.name))), None)


@rule("table.total_balance", reads="two-sided tables (收支总表, 财政拨款收支总表): 总计 of 收入 and of 支出",
      tolerance="½ unit of the last decimal per figure (the two totals): 0.01 at 2 decimals")
def total_balance(ctx: Context, out: Reporter) -> None:
    """The 收入 side's 总计 equals the 支出 side's 总计, column by column."""
    for table in ctx.tables:
        if not is_two_sided(table):
            continue
        income = _grand_total(side_rows(table, "收入"))
        spending = _grand_total(side_rows(table, "支出"))
        if income is None or spending is None:
            continue
        for left, right in _side_pairs(table):
            out.equal(table_figure(table, income, left), table_figure(table, spending, right),
                      f"{table.id}: 收入总计 vs 支出总计")


@rule("table.side_total", reads="two-sided tables: 本年收入合计/本年支出合计, the 结转/结余 rows, 总计",
      tolerance=SUM_TOLERANCE)
def side_total(ctx: Context, out: Reporter) -> None:
    """On each side, 总计 = 本年合计 + the 结转/结余 rows printed between them
    (使用非财政拨款结余, 年初结转和结余; 结余分配, 年末结转和结余)."""
    for table in ctx.tables:
        if not is_two_sided(table):
            continue
        for side in ("收入", "支出"):
            rows = side_rows(table, side)
            current, total = _current_year(rows), _grand_total(rows)
            if current is None or total is None:
                continue
            start, end = rows.index(current), rows.index(total)
            extra = [r for r in rows[start + 1:end] if _ADJUSTMENT.search(norm(r.name)) and not r.code]
            for column in value_columns(table, side):
                parts = [table_figure(table, r, column) for r in [current, *extra]]
                out.sum(table_figure(table, total, column), parts,
                        f"{table.id} {side} / {'/'.join(path(column))}: 总计 vs 本年合计 + 结转结余")


@rule("table.side_items", reads="two-sided tables: numbered items (一、… 二十六、) and 本年收入合计/本年支出合计",
      tolerance=SUM_TOLERANCE)
def side_items(ctx: Context, out: Reporter) -> None:
    """On each side, 本年合计 = the sum of the numbered items (收入 kinds or 支出 功能分类 classes)."""
    for table in ctx.tables:
        if not is_two_sided(table):
            continue
        for side in ("收入", "支出"):
            rows = side_rows(table, side)
            current = _current_year(rows)
            if current is None:
                continue
            # the items above 本年合计 when it closes them (the items of 年初结转和结余 below it
            # are numbered again); all of them when it heads them (一、本年支出 first)
            above = rows[: next(i for i, r in enumerate(rows) if r is current)]
            items = [r for r in (above if any(is_enumerated(r.name) for r in above) else rows)
                     if r is not current and is_enumerated(r.name)
                     and not _ADJUSTMENT.search(norm(r.name)) and not is_total_name(row_label(r.name))
                     and not _CURRENT_YEAR.match(row_label(r.name))]
            if not items:
                continue
            for column in value_columns(table, side):
                parts = [table_figure(table, r, column) for r in items]
                out.sum(table_figure(table, current, column), parts,
                        f"{table.id} {side} / {'/'.join(path(column))}: 本年合计 vs numbered items")


@rule("table.row_sum", reads="every row of every table: a 合计/小计 column and its sibling columns "
      "(本年支出合计 = 基本支出 + 项目支出 + …, 基本支出 = 人员经费 + 公用经费)", tolerance=SUM_TOLERANCE)
def row_sum(ctx: Context, out: Reporter) -> None:
    """Across a row, each total column equals the sum of the columns under the same header."""
    for table in ctx.tables:
        if role_of(table) is Role.SANGONG:
            continue  # the 三公 table has its own rule
        groups = [(group, " + ".join(_short(p) for p in group.parts)) for group in sum_groups(table)]
        for row in table.rows:
            for group, names in groups:
                if group.total.key not in row.cells and not any(p.key in row.cells for p in group.parts):
                    continue
                total = table_figure(table, row, group.total)
                parts = [table_figure(table, row, p) for p in group.parts]
                # cell_ref is the figure's location ref, without building the Location; the
                # text is written only for a finding (most rows add up).
                out.sum(total, parts, partial(_sum_text, table, row, group.total, names))


def _sum_text(table: Table, row: TableRow, total: Column, names: str) -> str:
    return f"{cell_ref(table, row, total)} vs {names}"


def _hierarchy_text(table: Table, parent: TableRow, column: Column, children: int) -> str:
    return f"{table.id} / {parent.code or ''} {parent.name} / {'/'.join(path(column))} vs its {children} sub-items"


def _short(column: Column) -> str:
    """The last header word, with its parent when the word is only 小计/合计."""
    parts = path(column)
    return "/".join(parts[-2:]) if len(parts) > 1 and is_total_name(parts[-1]) else (parts[-1] if parts else "")


@rule("table.column_total", reads="tables with 科目代码 rows: the 合计 row and the top-level (类) rows",
      tolerance=SUM_TOLERANCE)
def column_total(ctx: Context, out: Reporter) -> None:
    """Down a column, the 合计 row equals the sum of the rows of the top code level (3-digit 类)."""
    for table in ctx.tables:
        rows = coded_rows(table)
        total = total_row(table)
        if not rows or total is None:
            continue
        level = min(len(r.code or "") for r in rows)
        top = [r for r in rows if len(r.code or "") == level]
        for column in value_columns(table):
            out.sum(table_figure(table, total, column), [table_figure(table, r, column) for r in top],
                    f"{table.id} / 合计 / {'/'.join(path(column))} vs {len(top)} row(s) of {level}-digit codes")


@rule("table.code_hierarchy", reads="tables with 科目代码 rows: each 类 (3 digits) and 款 (5) with its children",
      tolerance=SUM_TOLERANCE)
def code_hierarchy(ctx: Context, out: Reporter) -> None:
    """A 3-digit 类 equals the sum of its 5-digit 款; a 5-digit 款 the sum of its 7-digit 项."""
    for table in ctx.tables:
        rows = coded_rows(table)
        children_of: dict[str, list[TableRow]] = {}
        for row in rows:
            code = row.code or ""
            if len(code) > 3:
                children_of.setdefault(code[:-2], []).append(row)
        for parent in rows:
            code = parent.code or ""
            children = children_of.get(code, [])
            if not children:
                continue
            for column in value_columns(table):
                out.sum(table_figure(table, parent, column), [table_figure(table, r, column) for r in children],
                        partial(_hierarchy_text, table, parent, column, len(children)))


def _named_total(table: Table, word: str) -> TableRow | None:
    """A row named 人员经费合计 / 人员经费 (printed without a code)."""
    for row in table.rows:
        label = row_label(row.name)
        if not row.code and label in (f"{word}合计", word, f"{word}小计"):
            return row
    return None


@rule("table.basic_split", reads="基本支出 detail table (公开06表 / 预算表6): 人员经费合计, 公用经费合计 "
      "and the 3-digit economic classes", tolerance=SUM_TOLERANCE)
def basic_split(ctx: Context, out: Reporter) -> None:
    """人员经费合计 = classes 301 工资福利支出 + 303 对个人和家庭的补助; 公用经费合计 = every
    other class (302 商品和服务支出, 310 资本性支出, …)."""
    table = ctx.table(Role.BASIC_DETAIL)
    if table is None:
        return
    classes = [r for r in coded_rows(table) if len(r.code or "") == 3]
    for word, wanted in (("人员经费", True), ("公用经费", False)):
        total = _named_total(table, word)
        if total is None or not classes:
            continue
        found = first_amount(table, total)
        column = found[0] if found else None
        parts = []
        for row in classes:
            if ((row.code or "") in PERSONNEL_CLASSES) != wanted:
                continue
            amount = first_amount(table, row)
            parts.append(table_figure(table, row, amount[0] if amount else None))
        out.sum(table_figure(table, total, column), parts, f"{table.id} / {word}合计 vs its economic classes")


@rule("table.sangong", reads="三公 table (公开09表, 一般公共预算\"三公\"经费支出表): 合计, 因公出国(境)费, "
      "公务用车购置及运行维护费 (小计, 购置费, 运行维护费), 公务接待费", tolerance=SUM_TOLERANCE)
def sangong(ctx: Context, out: Reporter) -> None:
    """合计 = 因公出国(境)费 + 公务用车购置及运行维护费 + 公务接待费, and the 公务用车 小计 =
    购置费 + 运行维护费, for the 预算数 and the 决算数 alike."""
    table = ctx.table(Role.SANGONG)
    if table is None:
        return
    for _, group in sangong_groups(table):
        car: Figure | None = group.get("car")
        parts_of_car = [group[k] for k in ("car_purchase", "car_operation") if k in group]
        if car is not None and parts_of_car:
            out.sum(car, parts_of_car, f"{table.id}: 公务用车 小计 vs 购置费 + 运行维护费")
        total = group.get("total")
        if total is None:
            continue
        car_part = car if car is not None else None
        parts = [group[k] for k in ("abroad", "reception") if k in group]
        if car_part is not None:
            parts.append(car_part)
        else:
            parts.extend(parts_of_car)
        if parts:
            out.sum(total, parts, f"{table.id}: 合计 vs 因公出国(境)费 + 公务用车 + 公务接待费")
