"""Rules of a budget's (预算) tables that the final-account rules do not cover.

A 预算's 收支总表 (财务收支预算总表) closes each side with 收入总计 / 支出总计 and no
本年收入合计 row when nothing is carried over (no 上年结转): those totals are then the
收入总表's and the 支出总表's 合计. The other budget checks (the 收入 and 支出 tables
balance, 财政拨款 kinds, function classes against the 一般公共预算 table, 基本支出 =
人员经费 + 公用经费, the 三公 table against the 基本支出 table and the narrative) are the
family-wide rules of :mod:`extractor.reconcile.rules.cross_table` and ``narrative``.
"""

from __future__ import annotations

import re

from extractor.reconcile.columns import (
    find_row,
    main_column,
    norm,
    row_label,
    side_rows,
    total_row,
    value_columns,
)
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.figures import table_figure
from extractor.reconcile.rules.cross_table import SAME
from extractor.tables.roles import Role
from schemas import Table

_CARRIED = re.compile(r"结转|结余")


@rule("cross_table.budget_overview_totals",
      reads="a budget's 收支总表 收入总计 / 支出总计 (no 上年结转 printed); 收入总表 and 支出总表 合计 rows",
      tolerance=SAME)
def budget_overview_totals(ctx: Context, out: Reporter) -> None:
    """A budget's 收支总表 收入总计 equals its 收入总表 合计, and 支出总计 its 支出总表 合计,
    when the 收支总表 prints no 上年结转 / 结余 (which reports add to one side's total or the other's)."""
    overview = ctx.table(Role.OVERVIEW)
    if ctx.kind != "budget" or overview is None:
        return
    for side, role in (("收入", Role.INCOME), ("支出", Role.EXPENDITURE)):
        other = ctx.table(role)
        if other is None or overview.unit != other.unit:
            continue
        rows = side_rows(overview, side)
        total = find_row(rows, f"{side}总计")
        if total is None or _carries_over(overview):
            continue
        columns = value_columns(overview, side)
        other_total, other_column = total_row(other), main_column(other)
        if not columns or other_total is None or other_column is None:
            continue
        out.equal(table_figure(overview, total, columns[0]), table_figure(other, other_total, other_column),
                  f"{overview.id} {side}总计 vs {other.id} 合计")


def _carries_over(table: Table) -> bool:
    """True when the table prints a 结转 / 结余 row or column (its 总计 then adds them)."""
    return (any(_CARRIED.search(norm(row_label(r.name))) for r in table.rows)
            or any(_CARRIED.search(c.key) for c in table.columns))
