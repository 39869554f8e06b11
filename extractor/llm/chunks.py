"""Cutting the narrative into small prompts: one paragraph or a few per call,
never the whole report.

A chunk is a list of pieces; a piece is a stretch of one paragraph (usually
all of it). A paragraph longer than the limit is cut at sentence ends, and a
chunk whose answer was cut off by the length limit is split the same way, so
a retry sends less, never more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.narrative.paragraphs import Paragraph
from schemas import Span

_FIGURE = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[。；;！？]")


@dataclass(frozen=True, eq=False)
class Piece:
    """``paragraph.model.text[start:end]``."""

    paragraph: Paragraph
    start: int
    end: int

    @property
    def paragraph_id(self) -> str:
        return self.paragraph.model.id

    @property
    def text(self) -> str:
        return self.paragraph.model.text[self.start : self.end]

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end == len(self.paragraph.model.text)

    @property
    def label(self) -> str:
        return self.paragraph_id if self.whole else f"{self.paragraph_id}[{self.start}:{self.end}]"

    def span(self) -> Span:
        return self.paragraph.span(self.start, self.end)


@dataclass(frozen=True, eq=False)
class Chunk:
    """What one call reads."""

    pieces: tuple[Piece, ...]

    @property
    def id(self) -> str:
        return "+".join(piece.label for piece in self.pieces)

    @property
    def paragraph_ids(self) -> list[str]:
        return list(dict.fromkeys(piece.paragraph_id for piece in self.pieces))

    @property
    def chars(self) -> int:
        return sum(piece.end - piece.start for piece in self.pieces)

    def render(self) -> str:
        """The user message: each piece under its paragraph id."""
        return "\n\n".join(f"[{piece.paragraph_id}] {piece.text}" for piece in self.pieces)

    def span(self) -> Span:
        spans = [piece.span() for piece in self.pieces]
        merged = spans[0]
        for span in spans[1:]:
            merged = merged.merge(span)
        return merged

    def split(self) -> list[Chunk]:
        """Two smaller chunks, or [] when this is a single sentence that cannot be cut."""
        if len(self.pieces) > 1:
            middle = len(self.pieces) // 2
            return [Chunk(self.pieces[:middle]), Chunk(self.pieces[middle:])]
        piece = self.pieces[0]
        cut = _sentence_cut(
            piece.paragraph.model.text, piece.start, piece.end, (piece.end - piece.start) // 2
        )
        if cut is None:
            return []
        return [
            Chunk((Piece(piece.paragraph, piece.start, cut),)),
            Chunk((Piece(piece.paragraph, cut, piece.end),)),
        ]


def holds_figure(paragraph: Paragraph) -> bool:
    """Whether the paragraph prints any digit (no digit, no quantitative statement)."""
    return bool(_FIGURE.search(paragraph.model.text))


def make_chunks(paragraphs: Sequence[Paragraph], max_chars: int, max_paragraphs: int) -> list[Chunk]:
    """Pack consecutive paragraphs holding figures into chunks of at most
    ``max_paragraphs`` paragraphs and ``max_chars`` characters; a longer
    paragraph is cut at sentence ends."""
    chunks: list[Chunk] = []
    current: list[Piece] = []
    size = 0
    for paragraph in paragraphs:
        if not holds_figure(paragraph):
            continue
        for piece in _pieces(paragraph, max_chars):
            length = piece.end - piece.start
            if current and (size + length > max_chars or len(current) >= max_paragraphs):
                chunks.append(Chunk(tuple(current)))
                current, size = [], 0
            current.append(piece)
            size += length
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks


def _pieces(paragraph: Paragraph, max_chars: int) -> list[Piece]:
    text = paragraph.model.text
    pieces: list[Piece] = []
    start = 0
    while len(text) - start > max_chars:
        cut = _sentence_cut(text, start, len(text), max_chars) or start + max_chars
        pieces.append(Piece(paragraph, start, cut))
        start = cut
    pieces.append(Piece(paragraph, start, len(text)))
    return pieces


def _sentence_cut(text: str, start: int, end: int, target: int) -> int | None:
    """The sentence end nearest to ``start + target`` strictly inside (start, end)."""
    best: int | None = None
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        if cut >= end:
            break
        if best is None or abs(cut - start - target) < abs(best - start - target):
            best = cut
    return best
