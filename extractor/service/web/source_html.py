"""The report's text as HTML: one element per line (``id="L{n}"``), every
extracted value and every finding location marked where it stands.

The text is untrusted: every character of it goes through ``escape``; the
markup around it is built here from ids and class names only. Built in
Python rather than in the template because a report has ten thousand lines
and a template loop per character run would dominate the page's time."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from schemas import ExtractionResult, Span


@dataclass(frozen=True)
class Highlight:
    """A stretch of text to mark: a finding's location (``finding_id`` set) or an extracted value."""

    start: int
    end: int
    label: str
    finding_id: str | None = None
    css: str = ""  # e.g. "sev-error dismissed"


def value_spans(result: ExtractionResult) -> Iterator[tuple[Span, str]]:
    """Every extracted value with a span, and a label saying what it is: table cells,
    form fields and indicators, score table cells, statement figures."""
    for table in result.tables:
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.span is not None:
                    yield cell.span, f"{table.id} · {row.name} · {key} = {cell.text}"
    for form in result.performance_forms:
        title = form.project_name or form.title
        for name, span in form.provenance.items():
            yield span, f"{title} · {name}"
        for fund in form.funds:
            for name, span in fund.provenance.items():
                yield span, f"{title} · {fund.label} · {name}"
        for name, span in form.goals.provenance.items():
            yield span, f"{title} · {name}"
        for indicator in form.indicators:
            for name, span in indicator.provenance.items():
                yield span, f"{title} · {indicator.level3 or indicator.level2 or ''} · {name}"
    for score_table in result.score_tables:
        for score_row in score_table.rows:
            for name, span in score_row.provenance.items():
                yield span, f"{score_table.title} · {score_row.label} · {name}"
    for statement in result.narrative_statements:
        for name, span in statement.provenance.items():
            yield span, f"{statement.metric} · {name}"


def value_highlights(result: ExtractionResult) -> list[Highlight]:
    """A highlight for every extracted value."""
    return [
        Highlight(span.char_start, span.char_end, label)
        for span, label in value_spans(result)
        if span.char_end > span.char_start
    ]


class LineIndex:
    """Character offsets of the text's line starts (1-based lines)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)
        self.length = len(text)

    def line_range(self, line_start: int, line_end: int) -> tuple[int, int]:
        """The offsets of lines ``line_start``..``line_end`` (clipped to the text), newline excluded."""
        first = min(max(line_start, 1), len(self.starts))
        last = min(max(line_end, first), len(self.starts))
        end = self.starts[last] - 1 if last < len(self.starts) else self.length
        return self.starts[first - 1], end

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def render_source(text: str, highlights: Iterable[Highlight]) -> Markup:
    """The whole text as line elements, each highlight split at line ends."""
    index = LineIndex(text)
    by_line: dict[int, list[Highlight]] = {}
    for mark in highlights:
        start, end = max(0, mark.start), min(len(text), mark.end)
        if end <= start:
            continue
        for line in range(index.line_of(start), index.line_of(max(start, end - 1)) + 1):
            line_start, line_end = index.line_range(line, line)
            clipped_start, clipped_end = max(start, line_start), min(end, line_end)
            if clipped_end > clipped_start:
                by_line.setdefault(line, []).append(
                    Highlight(clipped_start, clipped_end, mark.label, mark.finding_id, mark.css)
                )
    parts: list[str] = []
    for number in range(1, len(index.starts) + 1):
        line_start, line_end = index.line_range(number, number)
        marks = by_line.get(number)
        body = _render_line(text, line_start, line_end, marks) if marks else str(escape(text[line_start:line_end]))
        parts.append(f'<div class="line" id="L{number}" data-n="{number}">{body}</div>')
    return Markup("\n".join(parts))


def _render_line(text: str, start: int, end: int, marks: list[Highlight]) -> str:
    """One line with its highlights, nested: finding locations outside, values inside.
    Overlaps that do not nest are cut into pieces, each piece wrapped by all marks over it."""
    cuts = sorted({start, end, *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    for left, right in pairwise(cuts):
        piece = str(escape(text[left:right]))
        over = [m for m in marks if m.start <= left and m.end >= right]
        for mark in sorted(over, key=lambda m: m.finding_id is not None):
            if mark.finding_id is None:
                piece = f'<span class="val" title="{escape(mark.label)}">{piece}</span>'
            else:
                piece = (
                    f'<mark class="loc {escape(mark.css)}" data-location-for="{escape(mark.finding_id)}" '
                    f'title="{escape(mark.label)}">{piece}</mark>'
                )
        out.append(piece)
    return "".join(out)
