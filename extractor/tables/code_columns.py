"""科目编码 printed in split columns: 类 | 款 | 项 in separate cells (``201 | 06 | 01``).

Some reports (the Shanghai branch among them) print the classification code's
levels in their own columns under a 功能分类科目编码 / 经济分类科目编码 header with a
``类 款 项`` row. The cells are joined here, before the header is resolved, into
one code cell (``2010601``), so the levels are never read as value columns and the
hierarchy is checked on whole codes.
"""

from __future__ import annotations

from extractor.tables.cells import RawCell, RawRow, clean_text, is_figure, is_total, join_code_levels

_LEVELS = ("类", "款", "项")
_HEADER_ROWS = 6


def join_code_columns(rows: list[RawRow]) -> list[RawRow]:
    """The rows with the 类/款/项 cells joined into one code cell (unchanged when the
    table prints its codes whole)."""
    groups = _level_columns(rows[:_HEADER_ROWS])
    if not groups:
        return rows
    width = max(len(row.cells) for row in rows[:_HEADER_ROWS])
    joined = [_aligned(row, width) for row in rows]
    for first, count in reversed(groups):  # right to left: the indices on the left hold
        joined = [_joined(row, first, count) for row in joined]
    return joined


def _level_columns(rows: list[RawRow]) -> list[tuple[int, int]]:
    """(first column, number of columns) of each run of 类/款[/项] header cells (a table
    printing its groups side by side repeats them)."""
    for row in rows:
        texts = row.texts
        groups: list[tuple[int, int]] = []
        for index, text in enumerate(texts):
            if text != _LEVELS[0]:
                continue
            count = 1
            while count < len(_LEVELS) and index + count < len(texts) and texts[index + count] == _LEVELS[count]:
                count += 1
            if count >= 2:
                groups.append((index, count))
        if groups:
            return groups
    return []


def _aligned(row: RawRow, width: int) -> RawRow:
    """A 合计 row printed with its merged label once and no empty cells after it: its
    figures moved to the last columns, where the header puts them."""
    cells = row.cells
    if len(cells) >= width or len(cells) < 2 or not is_total(clean_text(cells[0].text)):
        return row
    if not all(is_figure(clean_text(cell.text)) for cell in cells[1:] if not cell.empty):
        return row
    label = cells[0]
    padding = [RawCell("", label.line, label.end, label.end) for _ in range(width - len(cells))]
    return RawRow([label, *padding, *cells[1:]], row.line, row.lines)


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
