"""PDFs built for the tests: a text report's lines printed the way publishers print them.

:func:`ruled_report_pdf` draws running text as lines (long ones wrapped at the right
margin), tab-separated rows as a ruled table (long cells wrapped inside their cell,
header cells merged over the empty cells after them, the header repeated when a table
runs onto the next page), a running page header, and a page number in the footer.
The PDF reader must give back the text's lines.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # a CID font every PDF reader knows; reportlab embeds no file for it
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_FIGURE = re.compile(r"^-?[\d,]+\.\d+$")


@dataclass
class Layout:
    """Page geometry of a built report (points; A4 landscape by default)."""

    width: float = 842.0
    height: float = 595.0
    margin: float = 60.0
    body_top: float = 70.0
    body_bottom: float = 520.0
    size: float = 8.0
    leading: float = 11.0
    name_width: float = 80.0  # Chinese cells wider than this wrap
    running_head: str = "吉林省人民政府办公厅2023年度部门决算"
    continued_label: str | None = None  # printed over the rest of a table on the next page (续表)
    continued_shift: float = 0.0  # the rest of a table on the next page drawn this far to the right


def ruled_report_pdf(lines: list[str], layout: Layout | None = None) -> bytes:
    """The PDF of ``lines``: tab-separated runs become ruled tables, blank lines are dropped."""
    layout = layout or Layout()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(layout.width, layout.height))
    writer = _Writer(pdf, layout)
    block: list[list[str]] = []
    for line in [*lines, None]:
        if line is not None and "\t" in line:
            block.append(line.split("\t"))
            continue
        if line is not None and block and not line.strip():
            continue  # a blank line inside a table is not printed
        if block:
            writer.table(block)
            block = []
        if line is not None and line.strip():
            writer.text(line)
    writer.finish()
    pdf.save()
    return buffer.getvalue()


class _Writer:
    def __init__(self, pdf: canvas.Canvas, layout: Layout) -> None:
        self.pdf = pdf
        self.layout = layout
        self.page = 0
        self.y = 0.0
        self.shift = 0.0
        self._new_page()

    def _new_page(self) -> None:
        if self.page:
            self.pdf.showPage()
        self.page += 1
        layout = self.layout
        self.pdf.setFont(FONT, layout.size)
        self._draw(layout.margin, 30, layout.running_head)
        self._draw(layout.width / 2 - 10, layout.height - 25, f"- {self.page} -")
        self.y = layout.body_top

    def _draw(self, x: float, top: float, text: str) -> None:
        """Text whose line box starts ``top`` points below the page's top edge."""
        self.pdf.drawString(x, self.layout.height - top - self.layout.size, text)

    def _width(self, text: str) -> float:
        return pdfmetrics.stringWidth(text, FONT, self.layout.size)

    def text(self, line: str) -> None:
        layout = self.layout
        for piece in _wrap(line, layout.width - 2 * layout.margin, self._width):
            if self.y + layout.leading > layout.body_bottom:
                self._new_page()
            self._draw(layout.margin, self.y, piece)
            self.y += layout.leading

    def table(self, rows: list[list[str]]) -> None:
        layout = self.layout
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        header = next((i for i, row in enumerate(rows) if any(_FIGURE.match(c) for c in row)), 0)
        widths = [
            min(max(self._width(row[c]) for row in rows) + 6, layout.name_width)
            if any(_is_chinese(row[c]) for row in rows)
            else max(self._width(row[c]) for row in rows) + 6
            for c in range(columns)
        ]
        wrapped = [[_wrap(cell, widths[c] - 6, self._width) for c, cell in enumerate(row)] for row in rows]
        heights = [max(len(cell) for cell in row) * layout.leading + 4 for row in wrapped]
        index = 0
        self.y += 4
        self.shift = 0.0
        repeat = False
        while index < len(rows):
            if self.y + heights[index] > layout.body_bottom:
                self._new_page()
                self.shift = layout.continued_shift
                repeat = True
                continue
            if repeat:  # the header again at the top of the continued table
                if layout.continued_label:
                    self._draw(layout.margin, self.y, layout.continued_label)
                    self.y += layout.leading
                for h in range(header):
                    self._row(rows[h], wrapped[h], widths, heights[h], h < header)
                repeat = False
            self._row(rows[index], wrapped[index], widths, heights[index], index < header)
            index += 1
        self.y += 6

    def _row(self, row: list[str], cells: list[list[str]], widths: list[float], height: float, head: bool) -> None:
        layout = self.layout
        pdf = self.pdf
        top = self.y
        x = layout.margin + self.shift
        page_top = layout.height
        pdf.line(x, page_top - top, x + sum(widths), page_top - top)
        pdf.line(x, page_top - top - height, x + sum(widths), page_top - top - height)
        pdf.line(x, page_top - top, x, page_top - top - height)
        for c, width in enumerate(widths):
            for k, piece in enumerate(cells[c]):
                self._draw(x + 3, top + 2 + k * layout.leading, piece)
            x += width
            # In a header row, a label is merged over the empty cells after it: no wall between.
            merged_on = head and c + 1 < len(widths) and not row[c + 1] and any(row[: c + 1])
            if not merged_on:
                pdf.line(x, page_top - top, x, page_top - top - height)
        self.y += height

    def finish(self) -> None:
        self.pdf.showPage()


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` in pieces no wider than ``width``, never broken next to a space."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if current and measure(current + ch) > width and ch != " " and current[-1] != " ":
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current or not pieces:
        pieces.append(current)
    return pieces
