"""Table cells as the PDF export printed them: positions, cleaned text, kinds.

A physical line of a tab-separated table is split into :class:`RawCell` objects
that remember where they stand in the normalised line (for provenance). Rows
that the export broke across lines are joined back into one :class:`RawRow`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.document import SourceText
from extractor.numbers import is_number
from schemas import Span

# CJK ideographs plus the full-width punctuation and brackets printed in headers
# and names; spaces next to them are layout artefacts (`上缴 上级 支出`).
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’（）"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACE_IN_BRACKETS = re.compile(r"(?<=[(])\s+|\s+(?=[)])")
_SPACES = re.compile(r"\s+")
_ENDS_CJK = re.compile(rf"[{_CJK}]$")
_STARTS_CJK = re.compile(rf"[{_CJK}]")
_SEPARATOR = re.compile(r"^[\s\-—=─_:|]*$")

# 科目代码: functional (201 / 20103 / 2010301) or economic (301 / 30101) classification code.
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_INTEGER = re.compile(r"^\d{1,4}$")
TOTAL = re.compile(r"(合计|总计|小计)$")
# A page number the export left between the rows of a table ("12", "- 12 -", "第 12 页").
PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$|^\s*第\s*\d{1,4}\s*页")


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str:
    """Text of a cell with the export's layout spaces removed (``国 有 资 本`` -> ``国有资本``).
    Cached: detection, header and row parsing clean the same cells many times."""
    text = _SPACE_NEAR_CJK.sub("", text.strip())
    text = _SPACE_IN_BRACKETS.sub("", text)
    return _SPACES.sub(" ", text)


_NAME_FOLD = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "：": ":", "“": None, "”": None,
                            "‘": None, "’": None, '"': None, "'": None})


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """A name for comparison: no spaces, ASCII brackets and colon, no quotes."""
    return _SPACES.sub("", text).translate(_NAME_FOLD)


# One level of a 科目编码 printed in its own column: 类 (3 digits), then 款 and 项 (2 each).
# A spreadsheet may drop the level's leading zero (``301 2 津贴补贴`` = 30102).
CODE_LEVEL = re.compile(r"^\d{1,2}$")


def join_code_levels(parts: list[str]) -> str | None:
    """``["201", "05", "07"]`` (类 | 款 | 项 printed in separate cells) -> ``"2010507"``;
    None unless the parts make one 3/5/7-digit code."""
    if not parts or not CODE.match(parts[0]) or len(parts) > 3:
        return None
    if any(not CODE_LEVEL.match(p) for p in parts[1:]):
        return None
    joined = parts[0] + "".join(p.zfill(2) for p in parts[1:])
    return joined if CODE.match(joined) else None


def is_code(text: str) -> bool:
    """True for a 3/5/7-digit classification code."""
    return bool(CODE.match(text))


def is_integer(text: str) -> bool:
    """True for a small bare integer (行次, 序号, 栏次 labels)."""
    return bool(_INTEGER.match(text))


def is_figure(text: str) -> bool:
    """True for a printed amount (a number, possibly with thousands separators)."""
    return is_number(text)


def is_total(text: str) -> bool:
    """True for a total label: 合计, 本年收入合计, 总计, 人员经费合计 …"""
    return bool(TOTAL.search(text))


@dataclass
class RawCell:
    """One cell: its text as printed (stripped), cleaned text and position."""

    text: str
    line: int
    start: int
    end: int
    extra: list[tuple[int, int, int]] = field(default_factory=list)  # more (line, start, end) pieces

    @property
    def clean(self) -> str:
        return clean_text(self.text)

    @property
    def empty(self) -> bool:
        text = self.text
        return not text or text.isspace()  # ``not text.strip()`` without a copy of the text

    def span(self, source: SourceText) -> Span:
        """The original span of the cell, across every line it was broken on."""
        if not self.extra:
            return source.span(self.line, self.start, self.end)
        return source.span_over([(self.line, self.start, self.end), *self.extra])

    def absorb(self, other: RawCell) -> None:
        """Append a piece of the same cell printed further on (a word broken by the export)."""
        if other.empty:
            return
        if self.empty:
            self.text, self.line, self.start, self.end = other.text, other.line, other.start, other.end
            self.extra = list(other.extra)
            return
        joiner = "" if _joins_without_space(self.text, other.text) else " "
        self.text = f"{self.text}{joiner}{other.text}"
        self.extra.append((other.line, other.start, other.end))
        self.extra.extend(other.extra)


def _joins_without_space(left: str, right: str) -> bool:
    return bool(_ENDS_CJK.search(left.strip()) or _STARTS_CJK.match(right.strip()))


@dataclass
class RawRow:
    """One logical table row (possibly several physical lines)."""

    cells: list[RawCell]
    line: int
    lines: list[int]

    @property
    def texts(self) -> list[str]:
        return [clean_text(cell.text) for cell in self.cells]  # cell.clean, without the property

    def is_blank(self) -> bool:
        # all(cell.empty ...), written out: asked for every row by layout, parsing and joining
        for cell in self.cells:
            text = cell.text
            if text and not text.isspace():
                return False
        return True

    def is_separator(self) -> bool:
        """A Markdown-style rule row (``--- | ---``)."""
        return all(_SEPARATOR.match(cell.text) for cell in self.cells) and any(
            "-" in cell.text for cell in self.cells
        )


def split_cells(source: SourceText, number: int) -> list[RawCell]:
    """The tab-separated cells of line ``number`` with their offsets."""
    text = source.lines[number - 1].text
    cells: list[RawCell] = []
    position = 0
    for piece in text.split("\t"):
        stripped = piece.strip()
        # strip() hands back the piece itself when there is nothing to strip (most cells)
        start = position if stripped is piece else position + len(piece) - len(piece.lstrip())
        cells.append(RawCell(stripped, number, start, start + len(stripped)))
        position += len(piece) + 1
    return cells


def has_figure(texts: list[str]) -> bool:
    """True when any cell holds a figure with decimals or separators (a data row, not a header)."""
    return any(is_figure(t) and ("." in t or "," in t) for t in texts)
