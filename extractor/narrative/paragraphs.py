"""Reflowing prose into paragraphs with their section path.

PDF text extraction breaks paragraphs at the page width ("…协调、" / "监督等工作"),
sometimes with a blank line between every visual line. A line continues into
the next unless it ends a sentence well short of the page width, or the next
line is a heading.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.document.segment import heading_of, starts_item, toc_end
from extractor.document.source import SourceText, make_span, maps_to_itself
from schemas import NarrativeParagraph, Span

# In PDF line flow a sentence ends a paragraph only well short of the page width; where each
# text line is a logical line (tab-separated exports), a clause ending in ；or ： ends one too.
_TERMINAL_FLOW = tuple("。！？")
_TERMINAL_LINES = tuple("。！？；：")
_WRAP_FILL = 0.8  # a sentence ending on a line this full may still be a page-width wrap


@dataclass
class Paragraph:
    """A paragraph and, for each character of its text, where it stands in the source."""

    model: NarrativeParagraph
    lines: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # original char offset per text char
    line_of: list[int] = field(default_factory=list)  # source line per text char

    def span(self, start: int, end: int) -> Span:
        """The original span of ``model.text[start:end]`` (end exclusive)."""
        return make_span(*self.bounds(start, end))

    def bounds(self, start: int, end: int) -> tuple[int, int, int, int]:
        """The fields of :meth:`span` (lines, then characters), without building the model."""
        offsets = self.offsets
        size = len(offsets)
        # min(max(start, 0), size - 1) and min(max(end, start + 1), size), without the calls:
        # grounding asks for every place a quote is found
        if start < 0:
            start = 0
        if start > size - 1:
            start = size - 1
        if end < start + 1:
            end = start + 1
        if end > size:
            end = size
        line_of = self.line_of
        return line_of[start], line_of[end - 1], offsets[start], offsets[end - 1] + 1


def extract_paragraphs(source: SourceText, claimed: Iterable[tuple[int, int]] = ()) -> list[Paragraph]:
    """The report's prose paragraphs, outside the table of contents and outside
    ``claimed`` line ranges (tables and forms found by other parsers)."""
    taken = _claimed_lines(claimed)
    first = toc_end(source) + 1
    width = _wrap_width(source, first)
    line_flow = _is_line_flow(source)
    terminal = _TERMINAL_FLOW if line_flow else _TERMINAL_LINES
    path: list[tuple[int, str]] = []
    paragraphs: list[Paragraph] = []
    current: list[int] = []

    def flush() -> None:
        if current:
            paragraphs.append(_build(source, current, [title for _, title in path]))
            current.clear()

    for line in source.lines[first - 1 :]:
        if line.number in taken or "\t" in line.text:
            if current:  # flush() with nothing to flush, without the call (most claimed lines)
                flush()
            continue
        if line.blank:
            continue
        text = line.text.strip()
        level = heading_of(text, line.heading_level)
        if level and level >= 3 and len(text) >= _WRAP_FILL * width:
            # "1.…" filling the page width is a wrapped list item; 一、/（一） stay headings
            level = None
        if level is None and starts_item(text):
            flush()  # a numbered item ("1.…", "（二）…") opens a paragraph of its own
        if level is not None:
            flush()
            path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, text)]
            continue
        current.append(line.number)
        if text.endswith(terminal) and (not line_flow or len(text) < _WRAP_FILL * width):
            flush()
    flush()
    return paragraphs


def _build(source: SourceText, numbers: list[int], path: list[str]) -> Paragraph:
    chars: list[str] = []
    offsets: list[int] = []
    line_of: list[int] = []
    lines = source.lines
    for number in numbers:
        line = lines[number - 1]
        text = line.text
        body = text.strip()
        # strip() hands back the text itself when there is nothing to strip
        lead = 0 if body is text else len(text) - len(text.lstrip())
        chars.append(body)
        base = line.start
        if maps_to_itself(line.offsets):  # offsets[i] == i: the slice is a plain range
            offsets.extend(range(base + lead, base + min(lead + len(body), len(line.offsets))))
        else:
            offsets.extend(map(base.__add__, line.offsets[lead : lead + len(body)]))
        line_of.extend([number] * len(body))
    text = "".join(chars)
    span = make_span(numbers[0], numbers[-1], offsets[0], offsets[-1] + 1)
    model = NarrativeParagraph(id=f"p{numbers[0]}", section_path=path, text=text, span=span)
    return Paragraph(model=model, lines=list(numbers), offsets=offsets, line_of=line_of)


def _claimed_lines(ranges: Iterable[tuple[int, int]]) -> set[int]:
    taken: set[int] = set()
    for first, last in ranges:
        taken.update(range(first, last + 1))
    return taken


def _is_line_flow(source: SourceText) -> bool:
    """True for PDF line flow: no tab-separated rows anywhere (tables broken into lines)."""
    needed = max(3, len(source.lines) // 200)
    tabbed = 0
    for line in source.lines:
        if "\t" in line.text:
            tabbed += 1
            if tabbed >= needed:
                return False  # enough tab rows seen: the rest need not be counted
    return True


def _wrap_width(source: SourceText, first: int) -> float:
    """The page width in characters: the typical length of the longest prose lines."""
    # map over builtins: one pass over every line of the report, without a Python frame per line
    texts = [line.text for line in source.lines[first - 1 :]]
    lengths = sorted(filter(None, map(len, map(str.strip, texts))))
    if not lengths:
        return 1.0
    top = lengths[int(len(lengths) * 0.75) :]
    return float(statistics.median(top)) if top else float(lengths[-1])
