"""Narrative helpers for the tests."""

from __future__ import annotations

from extractor.narrative import Paragraph
from schemas import NarrativeParagraph, Span


def paragraph_of(text: str, pid: str = "p1") -> Paragraph:
    """A one-line paragraph whose text is the whole source (offset i -> char i)."""
    span = Span(line_start=1, line_end=1, char_start=0, char_end=len(text))
    model = NarrativeParagraph(id=pid, section_path=[], text=text, span=span)
    return Paragraph(model=model, lines=[1], offsets=list(range(len(text))), line_of=[1] * len(text))
