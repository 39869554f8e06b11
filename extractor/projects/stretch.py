"""A stretch of prose over one or more paragraphs, with the way back to the source.

A per-project summary may start in the middle of a paragraph (several summaries
printed as one) and run on into the next paragraphs (a page break). A
:class:`Stretch` joins those pieces and maps an offset of its text back to the
paragraph it came from, so every value read keeps its span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.narrative.paragraphs import Paragraph
from schemas import Span


@dataclass
class Stretch:
    """Text joined from paragraph pieces ``(paragraph, start, end)``."""

    pieces: list[tuple[Paragraph, int, int]] = field(default_factory=list)

    def add(self, paragraph: Paragraph, start: int, end: int) -> None:
        self.pieces.append((paragraph, start, end))

    @property
    def text(self) -> str:
        return "".join(p.model.text[s:e] for p, s, e in self.pieces)

    @property
    def paragraph_id(self) -> str:
        return self.pieces[0][0].model.id

    def span(self, start: int, end: int) -> Span:
        """The source span of ``text[start:end]`` (clipped to the piece ``start`` falls in)."""
        offset = 0
        for paragraph, piece_start, piece_end in self.pieces:
            size = piece_end - piece_start
            if start < offset + size:
                local = piece_start + start - offset
                return paragraph.span(local, min(piece_start + end - offset, piece_end))
            offset += size
        paragraph, piece_start, piece_end = self.pieces[-1]
        return paragraph.span(max(piece_end - 1, piece_start), piece_end)

    def whole(self) -> Span:
        """The span of the whole stretch."""
        first = self.span(0, 1)
        last = self.span(max(len(self.text) - 1, 0), len(self.text))
        return first.merge(last)
