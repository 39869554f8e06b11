"""Body rows -> :class:`~schemas.TableRow` objects, per segment of the layout."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from extractor.document import SourceText
from extractor.numbers import is_empty_cell, parse_amount, try_amount
from extractor.tables.cells import RawCell, RawRow, clean_text, is_code, is_figure, is_integer, is_total
from extractor.tables.header import ENUMERATED, Layout, Segment, is_number_row
from schemas import Cell, TableRow

_ALL_DIGITS = re.compile(r"^\d{3,12}$")
_CODE_AND_NAME = re.compile(r"^\[?(\d{3}(?:\d{2}){0,2})(?!\d)\]?\s*([^\d\s].*)$")
MAX_SHIFT = 2


@dataclass
class RowsResult:
    """The parsed rows and what could not be read."""

    rows: list[TableRow] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


# Words an empty table prints where its first row would stand (无 = none).
_NONE_WORDS = frozenset({"无", "无数据"})


def parse_rows(source: SourceText, layout: Layout, body: list[RawRow]) -> RowsResult:
    """Parse the data rows of a table (the rows after its header)."""
    result = RowsResult()
    last: dict[int, TableRow] = {}  # the previous row of each segment, for continuations
    # What every row is compared with, read from the layout once.
    headers = [[t for t in header if t] for header in layout.header_texts]
    labels = {t for header in layout.header_texts for t in header if t}
    roles = {c.index: c.role for c in layout.columns}
    for raw in body:
        if raw.is_blank() or raw.is_separator() or _repeats_header(raw, layout, headers, labels):
            continue
        cells = _align(raw.cells, layout, roles)
        if layout.grouped and any(is_total(c.clean) for c in cells if c and not c.empty):
            result.rows.extend(_total_pairs(source, raw, cells, layout, result))
            continue
        for index, segment in enumerate(layout.segments):
            row = _segment_row(source, raw, cells, layout, segment, result)
            if row is None:
                continue
            previous = last.get(index)
            if previous is not None and _continues(previous, row, cells, segment):
                _extend_name(previous, row)
                continue
            result.rows.append(row)
            last[index] = row
    return result


def _repeats_header(raw: RawRow, layout: Layout, headers: list[list[str]], labels: set[str]) -> bool:
    """A header printed again inside the body (a page break, or a sub-table's header).
    ``headers`` are the layout's header rows without their empty cells, ``labels`` their words."""
    row_texts = raw.texts
    texts = [t for t in row_texts if t]
    if is_number_row(row_texts) and layout.header_texts:
        return True  # the 栏次 row again
    if not texts or any(is_figure(t) for t in texts):
        return False
    return any(texts == header for header in headers) or (len(texts) >= 2 and all(t in labels for t in texts))


def _align(cells: list[RawCell], layout: Layout, roles: Mapping[int, str]) -> list[RawCell | None]:
    """Pad or shift a row whose cells moved because the export dropped or added a leading cell.
    ``roles`` is the role of each column by index."""
    width = layout.width
    # The filled cells, their text and whether it prints a figure, read once for every shift tried.
    filled: list[tuple[int, str, bool]] = []
    for i, cell in enumerate(cells):
        raw = cell.text
        if raw and not raw.isspace():  # not cell.empty, without the property
            text = clean_text(raw)
            filled.append((i, text, is_figure(text) or is_empty_cell(text)))
    best_shift, best_score = 0, _score(filled, 0, roles)
    # Without a filled cell every shift scores 0 and none wins; with some, the first and
    # last filled columns (filled is in column order) bound the shifts that keep them all.
    low, high = (filled[0][0], filled[-1][0]) if filled else (0, width)
    for shift in range(-MAX_SHIFT, MAX_SHIFT + 1):
        # Only empty cells may fall off either end.
        if shift == 0 or low + shift < 0 or high + shift >= width:
            continue
        score = _score(filled, shift, roles)
        if score > best_score + 1:  # a shift must clearly explain the row better
            best_shift, best_score = shift, score
    aligned: list[RawCell | None] = [None] * width
    for i, cell in enumerate(cells):
        target = i + best_shift
        if 0 <= target < width:
            aligned[target] = cell
    return aligned


def _score(filled: list[tuple[int, str, bool]], shift: int, roles: Mapping[int, str]) -> int:
    """How well the filled cells (index, clean text, prints a figure) fit the roles
    (by column index) of the columns they land in."""
    score = 0
    for i, text, figure in filled:
        role = roles.get(i + shift)
        if role is None:
            continue
        if role == "value":
            score += 1 if figure else -3
        elif role == "code":
            score += 3 if is_code(text) else (0 if is_total(text) else -1 if not figure else -3)
        elif role == "name":
            score += 1 if not figure else -3
        elif role == "rownum":
            score += 1 if is_integer(text) else -1
    return score


def _segment_row(
    source: SourceText,
    raw: RawRow,
    cells: list[RawCell | None],
    layout: Layout,
    segment: Segment,
    result: RowsResult,
) -> TableRow | None:
    def at(index: int | None) -> RawCell | None:
        if index is None or index >= len(cells):
            return None
        cell = cells[index]
        return cell if cell is not None and not cell.empty else None

    code_cell = at(segment.code)
    code: str | None = None
    name_cell: RawCell | None = None
    if code_cell is not None:
        if _ALL_DIGITS.match(code_cell.clean):
            code = code_cell.clean
        elif not is_figure(code_cell.clean):
            name_cell = code_cell  # 合计 printed in the code column
    for index in segment.names if name_cell is None else []:
        cell = at(index)
        if cell is None:
            continue
        if code is None and _ALL_DIGITS.match(cell.clean):
            code = cell.clean  # a code printed in the name column (shifted row)
            continue
        name_cell = cell
        break
    name = name_cell.clean if name_cell else ""
    joined = _CODE_AND_NAME.match(name) if code is None else None
    if joined:  # "2010301 行政运行" printed in one cell
        code, name = joined.group(1), joined.group(2)
    rownum_cell = at(segment.rownum)
    row_number = int(rownum_cell.clean) if rownum_cell and is_integer(rownum_cell.clean) else None
    values: dict[str, Cell] = {}
    columns = layout.columns
    count = len(cells)
    for index in segment.values:
        # at(index), written out: every value column of every row
        cell = cells[index] if index < count else None
        key = columns[index].key
        if cell is not None and not cell.empty:
            values[key] = _value_cell(source, cell, key, result)
        else:
            values[key] = Cell(value=None, text="")
    printed = any(cell.text and cell.text not in _NONE_WORDS for cell in values.values())
    # A line holding only 无 (printed in the code column of an empty table, read into a value
    # column) says the table has no rows; it is not one.
    if code is None and name_cell is None and not printed and row_number is None:
        return None
    return TableRow(
        code=code,
        name=name,
        side=segment.side,
        row_number=row_number,
        line=raw.line,
        name_span=name_cell.span(source) if name_cell else None,
        cells=values,
    )


def _value_cell(source: SourceText, cell: RawCell, key: str, result: RowsResult) -> Cell:
    # try_amount is parse_amount cached; only a cell it reads as None (empty or
    # unreadable) is parsed again to tell the two apart.
    value = try_amount(cell.text)
    if value is None:
        try:
            parse_amount(cell.text)
        except ValueError:
            result.unreadable.append(f"line {cell.line}, {key}: {cell.text!r}")
    return Cell(value=value, text=cell.text, span=cell.span(source))


def _continues(previous: TableRow, row: TableRow, cells: list[RawCell | None], segment: Segment) -> bool:
    """A row with only a name, no code, number or figure continues the previous row's
    name, when that row is a real one (a code or a figure: not a template placeholder)."""
    if not previous.code and all(c.value is None for c in previous.cells.values()):
        return False
    if row.code or row.row_number is not None or any(c.value is not None for c in row.cells.values()):
        return False
    if not row.name or is_total(row.name) or is_total(previous.name) or ENUMERATED.match(row.name):
        return False
    if row.name.startswith("其中"):  # "其中：…" opens a sub-item, it continues nothing
        return False
    if segment.rownum is None:
        return True
    rownum = cells[segment.rownum]
    return rownum is None or rownum.empty


def _extend_name(previous: TableRow, row: TableRow) -> None:
    previous.name = previous.name + row.name
    if previous.name_span and row.name_span:
        previous.name_span = previous.name_span.merge(row.name_span)


def _total_pairs(
    source: SourceText, raw: RawRow, cells: list[RawCell | None], layout: Layout, result: RowsResult
) -> list[TableRow]:
    """``人员经费合计 | | 10596.94 | 公用经费合计 | … | 1546.66``: each label takes the
    first figure to its right, before the next label."""
    rows: list[TableRow] = []
    current: tuple[RawCell, RawCell | None] | None = None
    pairs: list[tuple[RawCell, RawCell | None]] = []
    for cell in cells:
        if cell is None or cell.empty:
            continue
        if not is_figure(cell.clean) and not is_empty_cell(cell.clean):
            if current:
                pairs.append(current)
            current = (cell, None)
        elif current and current[1] is None:
            current = (current[0], cell)
    if current:
        pairs.append(current)
    value_columns = layout.value_columns()
    key = value_columns[0].key if value_columns else "值"
    for label, figure in pairs:
        values = {key: _value_cell(source, figure, key, result)} if figure else {}
        rows.append(TableRow(name=label.clean, line=raw.line, name_span=label.span(source), cells=values))
    return rows
