"""Which paragraphs the hybrid backend sends to the model: decided from the
deterministic statements, the report's tables and reconciliation alone (this
module never imports the LLM path; an import-linter contract keeps it so)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from extractor.narrative.paragraphs import Paragraph
from extractor.numbers import numbers_in
from extractor.reconcile.statement_checks import statement_problems
from schemas import NarrativeStatement, Table
from schemas.fields import NUMERIC_FIELDS

# A figure a statement should explain: a number followed by a money unit or %,
# but not a threshold or a rate ("100万元（含）以上设备", "20元/吨").
_UNIT_AFTER = re.compile(r"^\s*(?:万元|亿元|千元|元|%)(?!\s*(?:[（(]\s*含|及?以上|以下|以内|/|每))")


def paragraphs_for_model(
    paragraphs: Sequence[Paragraph], statements: list[NarrativeStatement], tables: Sequence[Table] = ()
) -> list[Paragraph]:
    """The paragraphs whose deterministic statements leave work for the model: one
    is ungrounded or fails reconciliation (one pass over all of them, against
    ``tables`` too), or the paragraph prints a figure none of them explains."""
    by_paragraph: dict[str, list[NarrativeStatement]] = defaultdict(list)
    for statement in statements:
        by_paragraph[statement.paragraph_id].append(statement)
    failing = {statements[i].paragraph_id for i in statement_problems(statements, tables)}
    return [
        p
        for p in paragraphs
        if p.model.id in failing
        or any(not s.grounded for s in by_paragraph[p.model.id])
        or unexplained_figures(p, by_paragraph[p.model.id])
    ]


def needs_model(
    paragraph: Paragraph, statements: list[NarrativeStatement], tables: Sequence[Table] = ()
) -> bool:
    """Whether the deterministic statements of ``paragraph`` leave work for the model."""
    return bool(paragraphs_for_model([paragraph], statements, tables))


def unexplained_figures(paragraph: Paragraph, statements: list[NarrativeStatement]) -> list[float]:
    """Amounts and percentages printed in the paragraph that no statement holds
    as a value or covers with a quote."""
    text = paragraph.model.text
    values = [abs(v) for s in statements for name in NUMERIC_FIELDS if (v := getattr(s, name)) is not None]
    quoted = _quoted_ranges(text, statements)
    missing: list[float] = []
    for number, start, end in numbers_in(text):
        if not _UNIT_AFTER.match(text[end : end + 12]):
            continue
        if any(abs(abs(number) - value) < 1e-6 for value in values):
            continue
        if any(first <= start and end <= last for first, last in quoted):
            continue
        missing.append(number)
    return missing


def _quoted_ranges(text: str, statements: list[NarrativeStatement]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for statement in statements:
        for quote in statement.evidence.values():
            index = text.find(quote) if quote else -1
            if index >= 0:
                ranges.append((index, index + len(quote)))
    return ranges
