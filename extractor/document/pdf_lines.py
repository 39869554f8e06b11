"""Glyphs into lines of text: reading order, word gaps, wrapped lines joined.

A line carries one box per character of its text (None for a space this module
inserted where the page leaves a gap), so every character the parsers read can be
traced to where the page draws it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from extractor.document.pdf_read import Box, Glyph

_GAP = 0.5  # a horizontal gap wider than this many glyph heights separates words or cells
_SAME_ROW = 0.5  # glyph centres within this many heights are on one line
# A line that starts a new block even when the one before it fills the width.
_BLOCK_START = re.compile(
    r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[、.．](?!\d)|[-•●]\s)"
)
_ASCII_WORD = re.compile(r"[A-Za-z]")
# A contents (目录) entry ends in leader dots (and its page number): the entry is complete
# though the dots run to the margin ("五、部门预算表 ……" / "1.2025年部门财务收支预算总表 ……").
_LEADER_END = re.compile(r"(?:…|[.·．]{3,})\s*\d*\s*$")
_MARGIN_LINES = 3  # a page's text margins are read from at least this many lines


@dataclass
class TextLine:
    """Text placed on a page: characters with their boxes, and the line's extent."""

    page: int
    text: str
    boxes: list[Box | None]
    x0: float
    top: float
    x1: float
    bottom: float
    height: float  # typical glyph height: the line's font size, roughly
    # Where the last printed line of a joined paragraph ends (x1 is the widest line's end).
    last_x1: float | None = None

    @property
    def end(self) -> float:
        return self.x1 if self.last_x1 is None else self.last_x1

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def group_lines(glyphs: list[Glyph], page: int) -> list[TextLine]:
    """Glyphs grouped into lines top to bottom, each read left to right."""
    rows: list[list[Glyph]] = []
    centres: list[float] = []
    heights: list[float] = []
    for glyph in sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2):
        centre = (glyph.top + glyph.bottom) / 2
        if glyph.char.isspace() and not rows:
            continue
        if rows and abs(centre - centres[-1]) <= _SAME_ROW * max(heights[-1], glyph.height):
            rows[-1].append(glyph)
            continue
        if glyph.char.isspace():  # a lone space opens no line
            continue
        rows.append([glyph])
        centres.append(centre)
        heights.append(glyph.height)
    lines = [_line(sorted(row, key=lambda g: g.x0), page) for row in rows]
    return [line for line in lines if line.text]


def _font_size(glyphs: list[Glyph]) -> float:
    """The line's font size, near enough: a Chinese character is one em wide, while box
    heights follow each font's ascent and descent (twice the size in some fonts)."""
    widths = [g.x1 - g.x0 for g in glyphs if "\u4e00" <= g.char <= "\u9fff"]
    if widths:
        return median(widths)
    heights = [g.height for g in glyphs if not g.char.isspace()]
    return 0.6 * median(heights) if heights else 0.0


def _line(glyphs: list[Glyph], page: int) -> TextLine:
    height = _font_size(glyphs)
    chars: list[str] = []
    boxes: list[Box | None] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if glyph.char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                boxes.append((glyph.x0, glyph.top, glyph.x1, glyph.bottom))
            continue
        if previous is not None and chars and chars[-1] != " " and glyph.x0 - previous.x1 > _GAP * height:
            chars.append(" ")
            boxes.append(None)
        if previous is not None and glyph.x0 < previous.x1 - 0.5 * height and glyph.char == previous.char:
            continue  # the same glyph drawn twice on itself (faux bold)
        chars.append(glyph.char)
        boxes.append((glyph.x0, glyph.top, glyph.x1, glyph.bottom))
        previous = glyph
    while chars and chars[-1] == " ":
        chars.pop()
        boxes.pop()
    drawn = [g for g in glyphs if not g.char.isspace()] or glyphs
    return TextLine(
        page=page,
        text="".join(chars),
        boxes=boxes,
        x0=min(g.x0 for g in drawn),
        top=min(g.top for g in drawn),
        x1=max(g.x1 for g in drawn),
        bottom=max(g.bottom for g in drawn),
        height=height,
    )


def join_text(lines: list[TextLine]) -> tuple[str, list[Box | None]]:
    """The lines of one cell or paragraph as one value: wrapped lines joined, with a
    space only between two Latin words (Chinese text wraps anywhere)."""
    text = ""
    boxes: list[Box | None] = []
    for line in lines:
        if text and _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(line.text[0]):
            text += " "
            boxes.append(None)
        text += line.text
        boxes.extend(line.boxes)
    return text, boxes


def join_paragraphs(lines: list[TextLine]) -> list[TextLine]:
    """Lines of running text that wrap at the right margin joined into one line each.

    A line continues the one before it when the two are one line pitch apart, the
    same size, the line does not start a numbered item or a part, and either the one
    before reaches the right margin and the line is not indented, or both are centred
    (a long heading).
    """
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    joined: list[TextLine] = []
    run: list[TextLine] = [lines[0]]
    for line in lines[1:]:
        last = run[-1]
        height = max(last.height, line.height)
        pitch = (line.top + line.bottom) / 2 - (last.top + last.bottom) / 2
        similar = (
            0.6 * height <= pitch <= 2.4 * height  # up to double spacing, with some slack
            and abs(last.height - line.height) <= 0.2 * height
            and not _BLOCK_START.match(line.text)
        )
        wrapped = last.end >= right - 2.5 * height and line.x0 <= left + 0.8 * height
        # A centred heading too long for one line goes on, centred, on the next.
        centred = (
            last.x1 - last.x0 >= 0.6 * (right - left)
            and line.x1 - line.x0 < last.x1 - last.x0
            and abs((line.x0 + line.x1) - (last.x0 + last.x1)) <= 4 * height
            and line.x0 > left + 2 * height
        )
        continues = similar and (wrapped or centred) and not _LEADER_END.search(last.text)
        if continues:
            run.append(line)
        else:
            joined.append(_combine(run))
            run = [line]
    joined.append(_combine(run))
    return joined


def text_margins(lines: list[TextLine]) -> tuple[float, float] | None:
    """The left and right edges of a page's running text; None when too few lines show them."""
    if len(lines) < _MARGIN_LINES:
        return None
    return min(line.x0 for line in lines), max(line.x1 for line in lines)


def continues_on_next_page(
    last: TextLine, last_margins: tuple[float, float], line: TextLine, margins: tuple[float, float]
) -> bool:
    """True when ``line``, first on its page, carries on ``last``, the paragraph that ends the
    page before: that one fills its page's width, this one is not indented, same size, and
    starts no numbered item."""
    height = max(last.height, line.height)
    return (
        last.end >= last_margins[1] - 2.5 * height
        and line.x0 <= margins[0] + 0.8 * height
        and abs(last.height - line.height) <= 0.2 * height
        and not _BLOCK_START.match(line.text)
    )


def _combine(run: list[TextLine]) -> TextLine:
    if len(run) == 1:
        return run[0]
    text, boxes = join_text(run)
    return TextLine(
        last_x1=run[-1].end,
        page=run[0].page,
        text=text,
        boxes=boxes,
        x0=min(line.x0 for line in run),
        top=run[0].top,
        x1=max(line.x1 for line in run),
        bottom=run[-1].bottom,
        height=run[0].height,
    )
