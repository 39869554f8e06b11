"""The report text, normalised line by line with a map back to the original.

Parsers work on :class:`Line` objects whose ``text`` is normalised (HTML
fragments and Markdown emphasis removed, full-width digits and signs folded to
ASCII); :meth:`SourceText.span` turns a position in a normalised line back into
a :class:`~schemas.Span` of the original text, so provenance always points at
what the user gave.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from extractor.document.pdf_geometry import PdfGeometry
from schemas import Span

T = TypeVar("T")

# Full-width digits, Latin letters and the signs that matter for figures fold to
# ASCII; Chinese punctuation (，：；（）) stays as written.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD.update({ord(c): ord(a) for c, a in zip("％．＋－＞＜＝～", "%.+-><=~", strict=True)})
_FOLD[0x3000] = ord(" ")  # ideographic space
_FOLD[0x00A0] = ord(" ")
# Any character _FOLD changes: str.translate is slow on CJK text, so only lines
# that hold one are translated.
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")

_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|\*\*")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BARE_INTEGER = re.compile(r"^\s*-?\s*\d{1,4}\s*-?\s*$")

# Span's own validator called with a dict: the same checks as ``Span(...)`` without
# the keyword-argument wrapper, which costs more than the validation of four ints.
_VALIDATE_SPAN = Span.__pydantic_validator__.validate_python


def make_span(line_start: int, line_end: int, char_start: int, char_end: int) -> Span:
    """``Span(line_start=…, …)``, validated, built the cheap way (spans are made by the thousand)."""
    return _VALIDATE_SPAN(
        {"line_start": line_start, "line_end": line_end, "char_start": char_start, "char_end": char_end}
    )


# Bounds before the first piece of :meth:`SourceText.span_over` (any piece replaces them).
_NO_BOUNDS = (sys.maxsize, -1, sys.maxsize, -1)

_IDENTITY: dict[int, tuple[int, ...]] = {}
_IDENTITY_MAX = 4096  # longer lines are rare; their maps are not kept


def _fold_match(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD)


def maps_to_itself(offsets: tuple[int, ...]) -> bool:
    """True when ``offsets`` is known to be ``tuple(range(len(offsets)))`` without reading
    it: the line kept every character (offsets shared by :func:`_identity`). False means
    "not known", never a wrong answer."""
    return offsets is _IDENTITY.get(len(offsets))


def _identity(length: int) -> tuple[int, ...]:
    """``tuple(range(length))``, shared between lines of one length: most lines
    map each character to itself (the tuples are immutable, so sharing is safe)."""
    found = _IDENTITY.get(length)
    if found is None:
        found = tuple(range(length))
        if length <= _IDENTITY_MAX:
            _IDENTITY[length] = found
    return found


@dataclass(frozen=True, init=False)
class Line:
    """One line of the report. ``number`` is 1-based; ``start`` is the offset
    of the line in the original text; ``offsets[i]`` is the original offset
    (relative to ``start``) of normalised character ``i``."""

    number: int
    text: str
    raw: str
    start: int
    offsets: tuple[int, ...]
    heading_level: int = 0  # Markdown heading depth (``##`` -> 2), 0 if none
    page_number: bool = False  # a page number printed inside the text flow
    # True for blank lines and page numbers. Set once (the line is immutable):
    # every parser asks, for every line.
    blank: bool = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        number: int,
        text: str,
        raw: str,
        start: int,
        offsets: tuple[int, ...],
        heading_level: int = 0,
        page_number: bool = False,
    ) -> None:
        # One dict update instead of the frozen dataclass's setattr per field:
        # a report has tens of thousands of lines.
        self.__dict__.update(
            number=number,
            text=text,
            raw=raw,
            start=start,
            offsets=offsets,
            heading_level=heading_level,
            page_number=page_number,
            blank=page_number or not text.strip(),
        )

    @property
    def cells(self) -> list[str]:
        """The tab-separated cells of the normalised line."""
        return self.text.split("\t")


def normalise_line(raw: str) -> tuple[str, tuple[int, ...], int]:
    """Normalise one line; return the text, the offset map and the Markdown heading level."""
    heading = 0
    dropped: list[tuple[int, int]] = []  # [start, end) ranges of raw removed as markup
    match = _MD_HEADING.match(raw) if "#" in raw else None
    if match:
        heading = raw[: match.end()].count("#")
        dropped.append((0, match.end()))
    if "<" in raw or "**" in raw:  # the only characters markup starts with
        dropped.extend(m.span() for m in _MARKUP.finditer(raw))
    if not dropped:
        # Folding maps one character to one character, so the offsets are the identity.
        text = (raw.translate(_FOLD) if _FOLDABLE.search(raw) else raw).rstrip("\r")
        return text, _identity(len(text)), heading
    pieces: list[str] = []
    offsets: list[int] = []
    kept_from = 0
    for start, end in sorted(dropped):
        if start > kept_from:
            pieces.append(raw[kept_from:start])
            offsets.extend(range(kept_from, start))
        kept_from = max(kept_from, end)
    pieces.append(raw[kept_from:])
    offsets.extend(range(kept_from, len(raw)))
    kept = "".join(pieces)
    text = (kept.translate(_FOLD) if _FOLDABLE.search(kept) else kept).rstrip("\r")
    return text, tuple(offsets[: len(text)]), heading


@dataclass
class SourceText:
    """A decoded report: its original text, identity, and normalised lines."""

    name: str
    text: str
    sha256: str
    encoding: str
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what decoding had to repair (a cut-off tail)
    # A report read from a PDF: where each character of ``text`` is drawn (None for text input).
    geometry: PdfGeometry | None = field(default=None, repr=False, compare=False)
    # Results of pure functions of the text, shared by the parsers that ask for them
    # (form detection, the end of the contents); see :meth:`memo`.
    _memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: str, build: Callable[[SourceText], T]) -> T:
        """``build(self)``, computed once per source. ``build`` must depend on the
        text only and return a value nobody mutates (a tuple, a number)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]  # type: ignore[return-value]

    @classmethod
    def from_text(cls, name: str, text: str, sha256: str, encoding: str) -> SourceText:
        """Split and normalise ``text``; page numbers in the flow are flagged."""
        raws = text.split("\n")
        # Folding maps one character to one and never touches a newline, ``#``, ``<`` or
        # ``*``: the text is folded once, where it holds a foldable character, and its
        # lines stand one for one with the raw lines.
        folded = _FOLDABLE.sub(_fold_match, text).split("\n") if _FOLDABLE.search(text) else raws
        carriage = "\r" in text
        identity = _IDENTITY
        lines: list[Line] = []
        start = 0
        for index, raw in enumerate(raws):
            if "#" in raw or "<" in raw or "**" in raw:
                norm, offsets, heading = normalise_line(raw)
            else:  # no markup to drop: normalise_line's own fast path, on the text folded above
                norm = folded[index].rstrip("\r") if carriage else folded[index]
                offsets = identity.get(len(norm)) or _identity(len(norm))
                heading = 0
            lines.append(Line(index + 1, norm, raw, start, offsets, heading))
            start += len(raw) + 1
        source = cls(name=name, text=text, sha256=sha256, encoding=encoding, lines=lines)
        source._flag_page_numbers()
        return source

    def line(self, number: int) -> Line:
        """The line with 1-based ``number``."""
        return self.lines[number - 1]

    def span(self, number: int, start: int = 0, end: int | None = None) -> Span:
        """The original span of ``line(number).text[start:end]``."""
        line_start, line_end, first, last = self.bounds(number, start, end)
        return _VALIDATE_SPAN({"line_start": line_start, "line_end": line_end, "char_start": first, "char_end": last})

    def bounds(self, number: int, start: int = 0, end: int | None = None) -> tuple[int, int, int, int]:
        """The fields of :meth:`span` (lines, then characters), without building the model."""
        line = self.lines[number - 1]
        end = len(line.text) if end is None else end
        offsets = line.offsets
        if not offsets:
            return number, number, line.start, line.start
        size = len(offsets)
        first = offsets[start if start < size else size - 1]
        last = offsets[max(min(end, size) - 1, 0)] + 1 if end > start else first
        return number, number, line.start + first, line.start + last

    def span_over(self, pieces: Iterable[tuple[int, int, int]]) -> Span:
        """The smallest span covering every ``(line, start, end)`` piece: what merging
        their spans one by one gives, with one model built instead of two per piece."""
        line_start, line_end, char_start, char_end = _NO_BOUNDS
        for number, start, end in pieces:
            _, _, first, last = self.bounds(number, start, end)
            line_start, line_end = min(line_start, number), max(line_end, number)
            char_start, char_end = min(char_start, first), max(char_end, last)
        if line_end < 0:
            raise ValueError("span_over needs at least one piece")
        return _VALIDATE_SPAN(
            {"line_start": line_start, "line_end": line_end, "char_start": char_start, "char_end": char_end}
        )

    def lines_span(self, first: int, last: int) -> Span:
        """The span covering whole lines ``first``..``last``."""
        return self.span(first).merge(self.span(last))

    def find(self, needle: str, number: int, begin: int = 0) -> Span | None:
        """The span of the first ``needle`` in line ``number`` at or after ``begin``."""
        index = self.line(number).text.find(needle, begin)
        if index < 0:
            return None
        return self.span(number, index, index + len(needle))

    def original(self, span: Span) -> str:
        """The original text a span covers."""
        return self.text[span.char_start : span.char_end]

    def _flag_page_numbers(self) -> None:
        """A bare integer line followed by the start of a new block is a page
        number that PDF text extraction left in the flow."""
        # No line is a page number yet, so ``blank`` means "no text".
        content = [line for line in self.lines if not line.blank]
        for index, line in enumerate(content[:-1]):
            text = line.text
            # A bare integer ends in a decimal digit (what \d matches) or a dash: most lines
            # fail that before the pattern is tried.
            last = text[-1]
            if last.isspace():  # only then is the stripped copy needed
                last = text.rstrip()[-1]
            if not (last.isdecimal() or last == "-") or "\t" in line.raw or not _BARE_INTEGER.match(text):
                continue
            following = content[index + 1].text.strip()
            if _starts_block(following):
                self.lines[line.number - 1] = Line(
                    line.number, line.text, line.raw, line.start, line.offsets, line.heading_level, True
                )


_BLOCK_START = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|（[一二三四五六七八九十]+）"
    r"|项目支出绩效(自评|目标)表|.{0,40}(决算|预算)表\s*$|公开\s*\d+\s*表)"
)


def _starts_block(text: str) -> bool:
    return bool(_BLOCK_START.match(text))
