"""Narrative text: paragraphs under their headings, and the quantitative
statements read from them."""

from extractor.narrative.grounding import find_quote, ground_statement
from extractor.narrative.paragraphs import Paragraph, extract_paragraphs
from extractor.narrative.statements import extract_statements

__all__ = ["Paragraph", "extract_paragraphs", "extract_statements", "find_quote", "ground_statement"]
