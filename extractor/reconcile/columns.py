"""Finding columns and rows by their header words, never by exact keys.

Every rule that needs "the 人员经费 column" or "the 本年支出合计 row" asks this
module. Column keys are header paths (``本年支出/基本支出/人员经费``), but other
reports print other spellings (``人员 经费``, ``（类）``, full-width brackets), so
names are compared after :func:`norm` and by the words they end with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.tables.cells import norm
from schemas import Cell, Column, Table, TableRow

SIDES = ("收入", "支出")
# Columns that label rows rather than hold amounts.
_LABEL_COLUMNS = re.compile(r"^(行次|栏次|序号|科目代码|科目编码|科目名称|项目|单位名称|部门名称|代码)$")
# Enumeration printed before a row name: 一、 / 1、 / 1. / (一) / （1） / 其中：
_ENUMERATION = re.compile(
    r"^(?:其中[:：]?)?\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[(（][一二三四五六七八九十\d]+[)）])\s*"
)
_LEVEL_SUFFIX = re.compile(r"[(（](类|款|项)[)）]")
_TOTAL_NAME = re.compile(r"^(合计|小计|总计|本年(收入|支出)合计|收入总计|支出总计|.{0,8}合计)$")
_NUMERAL_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+)[、.．]")




@lru_cache(maxsize=8192)  # pure; every rule labels the same rows again
def row_label(name: str) -> str:
    """A row name without its enumeration and its (类)/(款)/(项) marker."""
    text = norm(name)
    previous = None
    while previous != text:
        previous = text
        text = _ENUMERATION.sub("", text)
    return _LEVEL_SUFFIX.sub("", text)


def is_enumerated(name: str) -> bool:
    """True for a row printed as a numbered item (一、… / 二十六、…)."""
    return bool(_NUMERAL_PREFIX.match(norm(name)))


def is_total_name(text: str) -> bool:
    """合计 / 小计 / 总计 / 本年支出合计 / 人员经费合计 …"""
    return bool(_TOTAL_NAME.match(norm(text)))


def segments(column: Column) -> list[str]:
    """The normalised header path of a column."""
    return [norm(part) for part in column.key.split("/") if norm(part)]


def column_side(column: Column) -> str | None:
    """收入 / 支出 for a column of a two-sided table, else None."""
    if column.side in SIDES:
        return column.side
    parts = segments(column)
    return parts[0] if parts and parts[0] in SIDES else None


def path(column: Column) -> list[str]:
    """The header path without the side prefix."""
    return list(_path(column.key, column.side))


@lru_cache(maxsize=4096)
def _path(key: str, side: str | None) -> tuple[str, ...]:
    parts = [norm(part) for part in key.split("/") if norm(part)]
    has_side = side in SIDES or (bool(parts) and parts[0] in SIDES)
    return tuple(parts[1:] if has_side and parts and parts[0] in SIDES else parts)


def is_label_column(column: Column) -> bool:
    """True for 行次 / 栏次 / 科目名称 columns, which hold no amounts."""
    return _is_label(column.key, column.side)


@lru_cache(maxsize=4096)  # pure; asked for every column each time a rule lists a table's amounts
def _is_label(key: str, side: str | None) -> bool:
    parts = _path(key, side)
    return bool(parts) and bool(_LABEL_COLUMNS.match(parts[-1]))


def value_columns(table: Table, side: str | None = None) -> list[Column]:
    """Amount columns in printed order, optionally of one side."""
    found = [c for c in table.columns if not is_label_column(c)]
    if side is not None:
        found = [c for c in found if column_side(c) == side]
    return found


def is_two_sided(table: Table) -> bool:
    """True for 收入 | 支出 tables (收支总表, 财政拨款收支总表)."""
    return any(column_side(c) for c in table.columns) or any(r.side in SIDES for r in table.rows)


def find_column(table: Table, *words: str, side: str | None = None, under: str | None = None,
                exclude: tuple[str, ...] = ()) -> Column | None:
    """The first amount column whose last header segment ends with one of ``words``
    (after normalisation); ``under`` requires an ancestor segment containing it;
    ``exclude`` rejects paths containing any of those words."""
    wanted = [norm(w) for w in words]
    for column in value_columns(table, side):
        parts = path(column)
        if not parts:
            continue
        if under and not any(norm(under) in part for part in parts[:-1]):
            continue
        if any(norm(x) in "/".join(parts) for x in exclude):
            continue
        if any(parts[-1].endswith(w) for w in wanted):
            return column
    return None


def main_column(table: Table, side: str | None = None) -> Column | None:
    """The first amount column (of a side): the total column of a fixed table."""
    columns = value_columns(table, side)
    return columns[0] if columns else None


def side_rows(table: Table, side: str) -> list[TableRow]:
    """Rows of one side of a two-sided table, in printed order."""
    keyed = [r for r in table.rows if r.side == side]
    if keyed:
        return keyed
    prefix_cols = {c.key for c in value_columns(table, side)}
    return [r for r in table.rows if any(k in prefix_cols for k in r.cells)]


def find_row(rows: list[TableRow], *labels: str, exact: bool = True) -> TableRow | None:
    """The first row whose :func:`row_label` equals (or, not ``exact``, ends with) a label."""
    wanted = [row_label(label) for label in labels]
    for row in rows:
        label = row_label(row.name)
        if any(label == w if exact else label.endswith(w) for w in wanted):
            return row
    return None


def total_row(table: Table) -> TableRow | None:
    """The 合计 / 总计 row of a one-sided table (printed without a code)."""
    for row in table.rows:
        if not row.code and norm(row.name) in ("合计", "总计", "合计数"):
            return row
    return None


def coded_rows(table: Table) -> list[TableRow]:
    """Rows carrying a 3/5/7-digit 科目代码 (classification code)."""
    return [r for r in table.rows if r.code and r.code.isdigit() and len(r.code) in (3, 5, 7)]


def cell(row: TableRow, column: Column | None) -> Cell | None:
    """The cell of ``row`` in ``column`` (None when absent)."""
    return row.cells.get(column.key) if column is not None else None


def first_amount(table: Table, row: TableRow) -> tuple[Column, Cell] | None:
    """The first amount cell of a row that prints a figure, with its column."""
    for column in value_columns(table):
        found = row.cells.get(column.key)
        if found is not None and found.value is not None:
            return column, found
    return None


@dataclass(frozen=True)
class SumGroup:
    """A total column and the columns that add up to it (header tree)."""

    total: Column
    parts: tuple[Column, ...]


def sum_groups(table: Table) -> list[SumGroup]:
    """Every (total column, parts) pair the header tree implies.

    Under each header node, a child named 合计/小计/总计 (or 本年支出合计) is the
    total of its siblings; a sibling that is itself a group stands by its own
    total when it has one, else by all its leaves.
    """
    columns = value_columns(table)
    keyed = [((column_side(c) or "", *path(c)), c) for c in columns]
    groups: list[SumGroup] = []
    prefixes = {k[:i] for k, _ in keyed for i in range(1, len(k))}
    for prefix in sorted(prefixes, key=len):
        below = [(k, c) for k, c in keyed if len(k) > len(prefix) and k[: len(prefix)] == prefix]
        children: dict[str, list[tuple[tuple[str, ...], Column]]] = {}
        for k, c in below:
            children.setdefault(k[len(prefix)], []).append((k, c))
        totals = [c for name, items in children.items() for k, c in items
                  if len(k) == len(prefix) + 1 and is_total_name(name)]
        if len(totals) != 1 or len(children) < 2:
            continue
        parts: list[Column] = []
        for name, items in children.items():
            if is_total_name(name):
                continue
            if len(items) == 1 and len(items[0][0]) == len(prefix) + 1:
                parts.append(items[0][1])
                continue
            own_total = [c for k, c in items if len(k) == len(prefix) + 2 and is_total_name(k[-1])]
            parts.extend(own_total[:1] or [c for _, c in items])
        if parts:
            groups.append(SumGroup(total=totals[0], parts=tuple(parts)))
    return groups
