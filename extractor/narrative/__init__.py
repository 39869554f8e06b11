"""Narrative text: paragraphs under their headings, and the quantitative
statements read from them."""

from extractor.narrative.paragraphs import Paragraph, extract_paragraphs

__all__ = ["Paragraph", "extract_paragraphs"]
