"""A read PDF laid out as the text the parsers read, with a map back to the pages.

Per page: page headers, footers and page numbers are dropped; ruled tables become
one line per row of tab-separated cells (a cell's wrapped lines joined, merged cells
printed once in their top-left position); running text becomes one line per paragraph.
A table continued on the next page is joined to its first part, the header the
next page repeats dropped.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from extractor.document.pdf_geometry import Box, PdfGeometry
from extractor.document.pdf_grid import Grid, GridCell, find_grids, place_glyphs
from extractor.document.pdf_lines import (
    TextLine,
    continues_on_next_page,
    group_lines,
    join_paragraphs,
    join_text,
    text_margins,
)
from extractor.document.pdf_read import PdfPage
from extractor.errors import PdfTimeoutError

_MARGIN = 0.08  # page headers and footers stand in the top and bottom 8% of the page
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*(?:/|共)\s*\d{1,4}\s*页?)?[-—–\s]*$"
)
_DIGITS = re.compile(r"\d+")
# A label over the rest of a table on the next page: 续表 / （续表） / 续表1 / (续).
_CONTINUED = re.compile(r"^\s*[(（]?\s*续\s*(?:表\s*\d*|前表)?\s*[)）]?\s*$")
_COLUMN_TOLERANCE = 3.0  # column boundaries of a continued table match within this (points)
_MAX_REPEATED_HEADER = 6


@dataclass
class LaidLine:
    """One line of the text to be: characters with their boxes, where it stands."""

    text: str
    boxes: list[Box | None]
    page: int  # 0 for a spacer line
    box: Box | None
    cells: list[Box] | None = None
    char_pages: list[int] | None = None  # per character, when the line runs over a page break


@dataclass
class _TableBlock:
    page: int
    grid: Grid
    rows: list[LaidLine] = field(default_factory=list)


Block = TextLine | _TableBlock


def lay_out(pages: list[PdfPage], name: str, deadline: float) -> tuple[list[LaidLine], PdfGeometry]:
    """The lines of text the pages make, and the geometry of every character.

    Raises :class:`~extractor.errors.PdfTimeoutError` when ``time.monotonic()`` passes
    ``deadline`` (checked page by page).
    """
    furniture = _furniture_texts(pages)
    laid: list[LaidLine] = []
    previous_table: _TableBlock | None = None  # the last block so far, when a table
    # The paragraph ending the page before, with that page's text margins.
    previous_text: tuple[TextLine, tuple[float, float]] | None = None
    for page in pages:
        if time.monotonic() > deadline:
            raise PdfTimeoutError(
                f"{name}: laying out stopped at page {page.number} of {len(pages)} (time limit reached); "
                "raise EXTRACTOR_PDF_TIMEOUT_SECONDS if the file is genuine."
            )
        blocks, margins = _page_blocks(page, furniture)
        if (
            len(blocks) > 1
            and previous_table is not None
            and isinstance(blocks[0], TextLine)
            and _CONTINUED.match(blocks[0].text)
            and isinstance(blocks[1], _TableBlock)
            and _continues(previous_table, blocks[1])
        ):
            blocks = blocks[1:]  # "续表" (table continued) over the rest of a table: page furniture
        for index, block in enumerate(blocks):
            if isinstance(block, _TableBlock):
                rows = block.rows
                if index == 0 and previous_table is not None and _continues(previous_table, block):
                    if laid and laid[-1].page == 0:
                        laid.pop()  # the spacer after the first part
                    rows = rows[_repeated_header(previous_table.rows, rows):]
                laid.extend(rows)
                laid.append(LaidLine("", [], 0, None))
                previous_table = block
                continue
            previous_table = None
            if (
                index == 0
                and previous_text is not None
                and margins is not None
                and continues_on_next_page(previous_text[0], previous_text[1], block, margins)
            ):
                laid[-1] = _joined_over_pages(laid[-1], block)
            else:
                laid.append(LaidLine(block.text, block.boxes, block.page, block.box))
        last = blocks[-1] if blocks else None
        previous_text = (last, margins) if isinstance(last, TextLine) and margins is not None else None
        if blocks and not isinstance(last, _TableBlock):
            previous_table = None
    geometry = PdfGeometry(page_sizes=[(page.width, page.height) for page in pages])
    for number, line in enumerate(laid, start=1):
        geometry.append(line.text, line.boxes, line.char_pages or line.page)
        geometry.line_pages.append(line.page)
        geometry.line_boxes.append(line.box)
        if line.cells is not None:
            geometry.cell_boxes[number] = line.cells
    return laid, geometry


def _joined_over_pages(first: LaidLine, line: TextLine) -> LaidLine:
    """A paragraph's line on the page before, carried on by ``line``."""
    text, boxes = join_text([_as_text_line(first), line])
    pages = (first.char_pages or [first.page] * len(first.boxes)) + [line.page] * (len(boxes) - len(first.boxes))
    return LaidLine(text, boxes, first.page, first.box, char_pages=pages)


def _as_text_line(line: LaidLine) -> TextLine:
    x0, top, x1, bottom = line.box or (0.0, 0.0, 0.0, 0.0)
    return TextLine(line.page, line.text, line.boxes, x0, top, x1, bottom, 0.0)


def _page_blocks(page: PdfPage, furniture: set[str]) -> tuple[list[Block], tuple[float, float] | None]:
    grids = find_grids(page.rules)
    free = place_glyphs(grids, page.glyphs)
    lines = [line for line in group_lines(free, page.number) if not _is_furniture(line, page, furniture)]
    tables = [_TableBlock(page.number, grid, _table_rows(grid, page.number)) for grid in grids]
    tables = [table for table in tables if table.rows]
    blocks: list[tuple[float, Block]] = [(table.grid.box[1], table) for table in tables]
    # Running text is joined into paragraphs between tables, never across one.
    run: list[TextLine] = []
    boundaries = sorted(table.grid.box[1] for table in tables)
    for line in lines:
        if run and any(run[-1].top < y <= line.top for y in boundaries):
            blocks.extend((joined.top, joined) for joined in join_paragraphs(run))
            run = []
        run.append(line)
    blocks.extend((joined.top, joined) for joined in join_paragraphs(run))
    blocks.sort(key=lambda pair: pair[0])
    return [block for _, block in blocks], text_margins(lines)


def _table_rows(grid: Grid, page: int) -> list[LaidLine]:
    """One line per grid row holding text: its cells' texts joined by tabs, a merged cell's
    text in its top-left position; each line knows the box of each of its cells."""
    by_row: dict[int, list[GridCell]] = {}
    for cell in grid.cells:
        by_row.setdefault(cell.row, []).append(cell)
    rows = []
    for r in range(grid.height):
        cells = sorted(by_row.get(r, []), key=lambda cell: cell.column)
        texts: list[tuple[str, list[Box | None]]] = [("", [])] * grid.width
        boxes: list[Box] = [(grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1]) for c in range(grid.width)]
        for cell in cells:
            texts[cell.column] = join_text(group_lines(cell.glyphs, page)) if cell.glyphs else ("", [])
            boxes[cell.column] = cell.box
        if not any(text for text, _ in texts):
            continue
        text = "\t".join(text for text, _ in texts)
        char_boxes: list[Box | None] = []
        for column, (_, cell_boxes) in enumerate(texts):
            if column:
                char_boxes.append(None)  # the tab
            char_boxes.extend(cell_boxes)
        top, bottom = grid.ys[r], grid.ys[r + 1]
        rows.append(LaidLine(text, char_boxes, page, (grid.xs[0], top, grid.xs[-1], bottom), boxes))
    return rows


def _continues(first: _TableBlock, second: _TableBlock) -> bool:
    """True when ``second`` (first on its page) carries on ``first`` (last on the page before):
    as many columns, at the same places or under the same repeated header."""
    if second.page != first.page + 1 or first.grid.width != second.grid.width:
        return False
    aligned = all(abs(a - b) <= _COLUMN_TOLERANCE for a, b in zip(first.grid.xs, second.grid.xs, strict=True))
    return aligned or _repeated_header(first.rows, second.rows) > 0


def _repeated_header(first: list[LaidLine], second: list[LaidLine]) -> int:
    """How many leading rows of ``second`` repeat the leading rows of ``first``."""
    count = 0
    for a, b in zip(first[:_MAX_REPEATED_HEADER], second, strict=False):
        if a.text != b.text:
            break
        count += 1
    return count


def _in_margin(line: TextLine, page: PdfPage) -> bool:
    return line.bottom <= page.height * _MARGIN or line.top >= page.height * (1 - _MARGIN)


def _furniture_texts(pages: list[PdfPage]) -> set[str]:
    """Texts (digits folded) of margin lines repeated on at least half the pages (three or more)."""
    if len(pages) < 3:
        return set()
    seen: dict[str, set[int]] = {}
    for page in pages:
        margin = [g for g in page.glyphs if g.bottom <= page.height * _MARGIN or g.top >= page.height * (1 - _MARGIN)]
        for line in group_lines(margin, page.number):
            seen.setdefault(_DIGITS.sub("#", line.text), set()).add(page.number)
    return {text for text, where in seen.items() if len(where) >= max(3, len(pages) // 2)}


def _is_furniture(line: TextLine, page: PdfPage, furniture: set[str]) -> bool:
    if not _in_margin(line, page):
        return False
    return bool(_PAGE_NUMBER.match(line.text)) or _DIGITS.sub("#", line.text) in furniture
