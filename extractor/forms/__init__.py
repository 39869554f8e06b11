"""Performance forms (项目支出绩效自评表 / 绩效目标表) and self-evaluation score tables.

Entry points for the pipeline: :func:`extract_forms` and :func:`extract_score_tables`.
Forms are found by :func:`extractor.forms.detect.find_form_blocks`; a block whose
rows are tab-separated goes to the tab-separated parser, any other block to the
line-flow parser (PDF text with one visual line per text line).
"""

from __future__ import annotations

from extractor.document import SourceText
from extractor.forms.detect import find_form_blocks
from extractor.forms.lineflow import parse_lineflow_form
from extractor.forms.score_flow import find_flow_score_tables
from extractor.forms.score_tables import find_score_tables
from extractor.forms.tabbed import parse_tabbed_form
from schemas import Failure, FormKind, PerformanceForm, ScoreTable

__all__ = ["extract_forms", "extract_score_tables", "is_tabbed_block", "parse_form_block"]

_MIN_TABBED_ROWS = 3  # rows with two tabs or more that make a block tab-separated


def extract_forms(source: SourceText) -> tuple[list[PerformanceForm], list[Failure]]:
    """Every performance form of the report, in reading order, and the failures.

    A form that cannot be read is kept as a placeholder (its title and lines)
    and recorded as a failure, so one bad form never loses the others.
    """
    forms: list[PerformanceForm] = []
    failures: list[Failure] = []
    for first, last, kind in find_form_blocks(source):
        try:
            forms.append(parse_form_block(source, first, last, kind))
        except Exception as error:  # one unreadable form must not lose the others
            reason = f"form could not be read: {type(error).__name__}: {error}"
            forms.append(_unread(source, first, last, kind, reason))
            failures.append(
                Failure(
                    stage="forms",
                    chunk_id=f"form@{first}",
                    reason=reason,
                    error_type=type(error).__name__,
                    span=source.lines_span(first, last),
                )
            )
    return forms, failures


def extract_score_tables(source: SourceText) -> list[ScoreTable]:
    """The score tables of self-evaluation and evaluation reports (may be empty):
    tab-separated ones and those printed in PDF line flow."""
    tables = find_score_tables(source) + find_flow_score_tables(source)
    return sorted(tables, key=lambda table: table.line_start)


def is_tabbed_block(source: SourceText, first: int, last: int) -> bool:
    """True when the block's rows are tab-separated cells."""
    rows = 0
    for number in range(first, last + 1):
        if source.line(number).text.count("\t") >= 2:
            rows += 1
            if rows >= _MIN_TABBED_ROWS:
                return True  # enough seen: the rest of the block need not be counted
    return False


def parse_form_block(source: SourceText, first: int, last: int, kind: FormKind) -> PerformanceForm:
    """Parse one detected block with the parser its layout needs."""
    if is_tabbed_block(source, first, last):
        return parse_tabbed_form(source, first, last, kind)
    form = parse_lineflow_form(source, first, last)
    if form.kind != kind:
        form = form.model_copy(update={"kind": kind})
    return form


def _unread(source: SourceText, first: int, last: int, kind: FormKind, warning: str) -> PerformanceForm:
    """A form found but not read: its place and the reason, so nothing is silently lost."""
    title = source.line(first).text.strip()
    return PerformanceForm(kind=kind, title=title, line_start=first, line_end=last, warnings=[warning])
