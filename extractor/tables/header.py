"""Header resolution: merged multi-row headers -> column keys, roles and segments.

A header cell merged across columns is printed once, in its first column, with
empty cells after it; a cell merged across rows is printed once, in its top row.
Filling each empty cell from its left neighbour *within the parent's span*
rebuilds the grid, and a column's key is its path of labels top-down
(``本年支出/基本支出/人员经费``). Two-sided tables (收入 | 支出) have a side
row; multi-group tables (科目代码 科目名称 决算数, three times across) repeat
their label columns.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from extractor.tables.cells import RawRow, has_figure, is_code, is_figure, is_integer, is_total

Role = Literal["code", "name", "rownum", "value"]

_ROWNUM = re.compile(r"^(行次|序号|栏次|行号)$")
_CODE = re.compile(r"(代码|编码)$")
_NAME = re.compile(r"(项目$|名称$|类型I*$|^项目单位$|内容$|科目$|^项目\(单位\)$)")
_SIDES = ("收入", "支出")
# Among several name columns (预算 项目支出表: 类型 / 一级项目 / 二级项目 / 项目单位),
# the row's name is the first filled one of these.
_PREFERRED_NAME = re.compile(r"(名称|级项目|^项目)$")
_NUMBER_LABEL = re.compile(r"^栏次$")
ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．])"
)
MAX_HEADER_ROWS = 5
_DIGIT = re.compile(r"\d")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PLACEHOLDER = re.compile(r"^[\-—–/]+$")


@dataclass
class ColumnSpec:
    """One column of the grid."""

    index: int
    role: Role
    path: list[str]
    key: str
    side: str | None = None
    number: str | None = None


@dataclass
class Segment:
    """A run of columns making one row entry: a side of a two-sided table or a group."""

    side: str | None
    code: int | None = None
    names: list[int] = field(default_factory=list)
    rownum: int | None = None
    values: list[int] = field(default_factory=list)
    start: int = 0
    end: int = 0


@dataclass
class Layout:
    """The resolved header of one table body."""

    width: int
    header_rows: int  # rows of the body taken by the header (and the 栏次 row)
    columns: list[ColumnSpec]
    segments: list[Segment]
    grouped: bool
    header_texts: list[list[str]]
    leading: list[int] = field(default_factory=list)  # body rows printed above the header

    def value_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.role == "value"]


def table_width(rows: list[RawRow]) -> int:
    """The most common number of cells per row (trailing empty cells ignored)."""
    # One pass: a row is blank exactly when its filled width is 0.
    counts: Counter[int] = Counter()
    widest = 0
    for row in rows:
        filled = _filled_width(row)
        if filled:
            counts[len(row.cells)] += 1
            widest = max(widest, filled)
    if not counts:
        return 0
    common = counts.most_common(1)[0][0]
    return max(common, widest)


def _filled_width(row: RawRow) -> int:
    """One past the last filled cell (0 for a blank row), read from the right."""
    cells = row.cells
    for index in range(len(cells) - 1, -1, -1):
        if not cells[index].empty:
            return index + 1
    return 0


def is_number_row(texts: list[str]) -> bool:
    """The 栏次 row: ``栏次 | | 1 | 2 …`` or a bare ``1 | 2 | 3 …`` under the header."""
    filled = [t for t in texts if t]
    if not filled:
        return False
    if _NUMBER_LABEL.match(filled[0]):
        return True
    if len(filled) >= 2 and all(is_integer(t) for t in filled):
        numbers = [int(t) for t in filled]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1
    return False


def is_data_row(texts: list[str], seen_header: bool) -> bool:
    """A row of the body proper (not a header row)."""
    filled = [(i, t) for i, t in enumerate(texts) if t]
    if not filled:
        return False
    if has_figure(texts):
        return True
    first_index, first = filled[0]
    rest = [t for _, t in filled[1:]]
    if is_code(first) and rest:
        return True
    if is_integer(first) and len(filled) >= 2 and not is_integer(rest[0]) and seen_header:
        return True  # 序号 then a name
    if is_total(first) and all(is_figure(t) or _looks_numeric(t) for t in rest):
        return True
    if len(filled) >= 2 and all(_ROWNUM.match(t) or _CODE.search(t) or _NAME.search(t) for _, t in filled):
        return False
    # after a header, a row filled only in its leftmost columns is a (figure-less) data row
    return seen_header and filled[-1][0] <= 1 and first_index <= 1 and len(texts) > 3


def _looks_numeric(text: str) -> bool:
    """A figure, or a misprinted one (``12.5O``): digits and no word characters of a header."""
    return bool(_DIGIT.search(text)) and not _HAN.search(text)


def resolve_layout(rows: list[RawRow]) -> Layout:
    """Resolve the header of ``rows`` (a table body, header first)."""
    width = table_width(rows)
    grid: list[list[str]] = []
    number_row: list[str] | None = None
    consumed = 0
    leading: list[int] = []
    for position, row in enumerate(rows):
        texts = _pad(row.texts, width)
        if row.is_blank() or row.is_separator():
            consumed += 1
            continue
        if not grid and _is_section_row(texts):
            leading.append(position)  # "一、政府采购情况" above the first sub-table's header
            consumed += 1
            continue
        if is_number_row(texts) and grid:
            number_row = texts
            consumed += 1
            break
        if is_data_row(texts, bool(grid)) or len(grid) >= MAX_HEADER_ROWS:
            break
        grid.append(texts)
        consumed += 1
    filled = _fill(grid, width)
    paths = [_path([filled[r][c] for r in range(len(filled))]) for c in range(width)]
    sides = _sides(grid, filled, width)
    columns = [
        ColumnSpec(c, _role(paths[c]), paths[c], _key(paths[c], sides[c]), sides[c], _number(number_row, c))
        for c in range(width)
    ]
    _roles_from_data(columns, rows[consumed:], width)
    group_row = _group_row(grid, columns)
    if group_row is not None:
        segments = _groups(grid[group_row], columns)
        for column in columns:  # keys relative to the repeated group header (决算数)
            column.key = "/".join(_path([filled[r][column.index] for r in range(group_row, len(filled))]))
    else:
        segments = _segments(columns, sides)
    seen: set[str] = set()
    for column in columns:
        if column.role != "value":
            continue
        if not column.key:
            column.key = column.number or f"列{column.index + 1}"
        if column.key in seen and group_row is None:  # two columns under the same header path
            column.key = f"{column.key}({column.number or column.index + 1})"
        seen.add(column.key)
    return Layout(width, consumed, columns, segments, group_row is not None, grid, leading)


def _key(path: list[str], side: str | None) -> str:
    """The column key: its header path, prefixed by its side when the path does not say it."""
    if side and path and path[0] != side:
        return "/".join([side, *path])
    return "/".join(path)


def _is_section_row(texts: list[str]) -> bool:
    filled = [i for i, t in enumerate(texts) if t]
    return filled == [0] and len(texts) > 1 and bool(ENUMERATED.match(texts[0]))


def _pad(texts: list[str], width: int) -> list[str]:
    return (texts + [""] * width)[:width] if len(texts) < width else texts[:width]


def _fill(grid: list[list[str]], width: int) -> list[list[str]]:
    """Fill merged header cells rightwards within the span of the row above."""
    filled: list[list[str]] = []
    spans: list[list[tuple[int, ...]]] = []
    for r, row in enumerate(grid):
        labels = list(row)
        keys: list[tuple[int, ...]] = []
        for c in range(width):
            parent = spans[r - 1][c] if r else ()
            same_parent = c > 0 and (r == 0 or spans[r - 1][c - 1] == parent)
            if not labels[c] and same_parent and labels[c - 1]:
                labels[c] = labels[c - 1]
                keys.append(keys[c - 1])
            else:
                keys.append((*parent, c))
        filled.append(labels)
        spans.append(keys)
    return filled


def _path(labels: list[str]) -> list[str]:
    path: list[str] = []
    for label in labels:
        if label and (not path or path[-1] != label):
            path.append(label)
    return path


def _sides(grid: list[list[str]], filled: list[list[str]], width: int) -> list[str | None]:
    """The side (收入 / 支出) of each column: from a 收入 | 支出 row, or from
    name columns headed 收入项目 / 支出项目."""
    for r, row in enumerate(grid):
        if all(side in row for side in _SIDES):
            return [filled[r][c] if filled[r][c] in _SIDES else None for c in range(width)]
    for row in grid:
        # "本年收入 | | 本年支出 | …", "财政拨款收入 | | 财政拨款支出 | …": a row of the two sides only
        printed = [(c, t) for c, t in enumerate(row) if t]
        if (len(printed) == 2 and printed[0][1].endswith("收入") and printed[1][1].endswith("支出")
                and not any(_DIGIT.search(t) for _, t in printed)):
            first, second = printed[0][0], printed[1][0]
            return [None] * first + ["收入"] * (second - first) + ["支出"] * (width - second)
    for row in grid:
        starts = [
            next((c for c, t in enumerate(row) if t.startswith(side) and _NAME.search(t)), None)
            for side in _SIDES
        ]
        income, expense = starts
        if income is not None and expense is not None and income < expense:
            return [None] * income + ["收入"] * (expense - income) + ["支出"] * (width - expense)
    return [None] * width


def _role(path: list[str]) -> Role:
    leaf = path[-1] if path else ""
    if _ROWNUM.match(leaf):
        return "rownum"
    if _CODE.search(leaf):
        return "code"
    if _NAME.search(leaf):
        return "name"
    return "value"


def _number(number_row: list[str] | None, column: int) -> str | None:
    if number_row is None or column >= len(number_row):
        return None
    text = number_row[column]
    return text if is_integer(text) else None


def _roles_from_data(columns: list[ColumnSpec], body: list[RawRow], width: int) -> None:
    """A 'value' column whose cells are mostly words is a name column; a headerless
    column of codes is a code column."""
    grid = [_pad(row.texts, width) for row in body if not row.is_blank()]
    for column in columns:
        texts = [row[column.index] for row in grid]
        filled = [t for t in texts if t and not _is_placeholder(t)]
        if not filled:
            continue
        words = [t for t in filled if not is_figure(t)]
        if column.role == "value" and len(words) * 2 > len(filled) and len(words) >= 2:
            codes = [t for t in words if is_code(t)]
            column.role = "code" if len(codes) * 2 > len(words) else "name"
        elif column.role == "value" and not column.path and all(is_code(t) for t in filled):
            column.role = "code"


def _is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.match(text))


def _group_row(grid: list[list[str]], columns: list[ColumnSpec]) -> int | None:
    """The header row that repeats the label columns (科目代码 … 科目代码 …), if any."""
    if any(column.side for column in columns):
        return None
    for r, row in enumerate(grid):
        labels = [row[c.index] for c in columns if c.role in ("code", "name") and row[c.index]]
        counts = Counter(labels)
        if labels and counts[labels[0]] >= 2:
            return r
    return None


def _groups(row: list[str], columns: list[ColumnSpec]) -> list[Segment]:
    first = next(c for c in columns if c.role in ("code", "name") and row[c.index])
    starts = [c.index for c in columns if row[c.index] == row[first.index]]
    bounds = list(zip(starts, [*starts[1:], len(columns)], strict=True))
    return [_segment(None, columns[a:b], a, b) for a, b in bounds]


def _segments(columns: list[ColumnSpec], sides: list[str | None]) -> list[Segment]:
    if not any(sides):
        return [_segment(None, columns, 0, len(columns))]
    segments: list[Segment] = []
    for side in _SIDES:
        members = [c for c in columns if c.side == side]
        if members:
            segments.append(_segment(side, members, members[0].index, members[-1].index + 1))
    shared = [c for c in columns if c.side is None and c.role == "rownum"]
    for segment in segments:  # 预算表1: one 序号 column for both sides
        if segment.rownum is None and shared:
            segment.rownum = shared[0].index
    return segments


def _segment(side: str | None, columns: list[ColumnSpec], start: int, end: int) -> Segment:
    segment = Segment(side=side, start=start, end=end)
    for column in sorted(columns, key=lambda c: (not _PREFERRED_NAME.search(c.key), c.index)):
        if column.role == "code" and segment.code is None:
            segment.code = column.index
        elif column.role == "name" or (column.role == "code" and segment.code is not None):
            segment.names.append(column.index)
        elif column.role == "rownum" and segment.rownum is None:
            segment.rownum = column.index
        elif column.role == "value":
            segment.values.append(column.index)
    segment.values.sort()
    return segment
