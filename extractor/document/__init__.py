"""Loading, normalising and segmenting a report's text."""

from extractor.document.loading import decode_report, load_report, read_report
from extractor.document.source import Line, SourceText

__all__ = ["Line", "SourceText", "decode_report", "load_report", "read_report"]
