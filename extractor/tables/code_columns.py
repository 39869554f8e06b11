"""科目编码 printed in split columns: 类 | 款 | 项 in separate cells (``201 | 06 | 01``).

Some reports (the Shanghai branch among them) print the classification code's
levels in their own columns under a 功能分类科目编码 / 经济分类科目编码 header with a
``类 款 项`` row. The cells are joined here, before the header is resolved, into
one code cell (``2010601``), so the levels are never read as value columns and the
hierarchy is checked on whole codes.
"""

from __future__ import annotations

from extractor.tables.cells import RawCell, RawRow, clean_text, join_code_levels

_LEVELS = ("类", "款", "项")
_HEADER_ROWS = 6


def join_code_columns(rows: list[RawRow]) -> list[RawRow]:
    """The rows with the 类/款/项 cells joined into one code cell (unchanged when the
    table prints its codes whole)."""
    found = _level_columns(rows[:_HEADER_ROWS])
    if found is None:
        return rows
    first, count = found
    return [_joined(row, first, count) for row in rows]


def _level_columns(rows: list[RawRow]) -> tuple[int, int] | None:
    """(first column, number of columns) of the 类/款[/项] header cells, if a row prints them."""
    for row in rows:
        texts = row.texts
        for index, text in enumerate(texts):
            if text != _LEVELS[0]:
                continue
            count = 1
            while count < len(_LEVELS) and index + count < len(texts) and texts[index + count] == _LEVELS[count]:
                count += 1
            if count >= 2:
                return index, count
    return None


def _joined(row: RawRow, first: int, count: int) -> RawRow:
    cells = row.cells
    if len(cells) < first + count:
        return row
    pieces = cells[first : first + count]
    texts = [clean_text(cell.text) for cell in pieces]
    filled = [text for text in texts if text]
    code = join_code_levels(filled) if filled else None
    if code is not None:
        merged = RawCell(code, pieces[0].line, pieces[0].start, max(p.end for p in pieces if p.text))
    else:
        # a header row or 合计 printed across the code columns: keep what is printed, once
        kept = next((cell for cell in pieces if not cell.empty), pieces[0])
        merged = RawCell(kept.text if kept.clean not in _LEVELS else "", kept.line, kept.start, kept.end,
                         list(kept.extra))
    return RawRow([*cells[:first], merged, *cells[first + count :]], row.line, row.lines)
