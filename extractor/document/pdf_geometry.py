"""Where each character of a PDF-read report's text is drawn: page and box.

The text the parsers read (and ``--text-out`` writes) is built from the PDF; this map
takes any character range of it back to the page and the box on that page, so every
:class:`~schemas.Span` can say where its value stands.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

# (x0, top, x1, bottom) in PDF points, origin at the page's top-left corner.
Box = tuple[float, float, float, float]


@dataclass
class PdfGeometry:
    """Per character of the text: its page (0 for none: line ends, inserted gaps) and box;
    per line: its page and box; per table row line: the box of each cell."""

    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) by page
    char_pages: array = field(default_factory=lambda: array("H"))  # type: ignore[type-arg]
    char_boxes: array = field(default_factory=lambda: array("f"))  # type: ignore[type-arg]
    line_pages: list[int] = field(default_factory=list)  # by line number - 1; 0: a spacer line
    line_boxes: list[Box | None] = field(default_factory=list)
    cell_boxes: dict[int, list[Box]] = field(default_factory=dict)  # line number -> box of each cell

    def append(self, text: str, boxes: list[Box | None], page: int | list[int]) -> None:
        """Add one line (its characters and their boxes, on ``page`` or, for a line that runs
        over a page break, on the page given per character) and the newline after it."""
        pages = self.char_pages
        coords = self.char_boxes
        for index, box in enumerate(boxes):
            if box is None:
                pages.append(0)
                coords.extend((0.0, 0.0, 0.0, 0.0))
            else:
                pages.append(page if isinstance(page, int) else page[index])
                coords.extend(box)
        pages.append(0)  # the newline
        coords.extend((0.0, 0.0, 0.0, 0.0))

    def locate(self, char_start: int, char_end: int) -> tuple[int, Box] | None:
        """The page and the union box of the characters in ``[char_start, char_end)`` drawn
        on the first page among them; None when none of them is drawn."""
        pages = self.char_pages
        coords = self.char_boxes
        end = min(char_end, len(pages))
        page = 0
        x0 = top = float("inf")
        x1 = bottom = float("-inf")
        for index in range(char_start, end):
            at = pages[index]
            if at == 0 or (page and at != page):
                continue
            page = at
            base = 4 * index
            x0 = min(x0, coords[base])
            top = min(top, coords[base + 1])
            x1 = max(x1, coords[base + 2])
            bottom = max(bottom, coords[base + 3])
        if not page:
            return None
        return page, (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))
