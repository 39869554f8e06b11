"""The hybrid backend: deterministic first, the model only where needed.

A paragraph goes to the model when it prints a figure (an amount with its
unit, or a percentage) that no deterministic statement accounts for, or when a
deterministic statement of it is ungrounded or fails reconciliation: the
reconciliation engine's narrative rules of :mod:`extractor.llm.recheck` (its
own change and percentages; its amount against the table figure it names).
The model's answers go through the same checks and re-ask. Where the model answers, its
statements replace the rules' for that paragraph; where it fails, the rules'
statements stay and the failure is recorded. A line-flow form goes to the
model when the deterministic parser left warnings on it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from extractor.backends.base import BackendJob, BackendResult
from extractor.backends.model_run import forms_for_model, in_order, run_model
from extractor.llm.call_queue import ModelQueue
from extractor.llm.recheck import statement_problems
from extractor.narrative.grounding import NUMERIC_FIELDS
from extractor.narrative.paragraphs import Paragraph
from extractor.narrative.statements import extract_statements
from extractor.numbers import numbers_in
from extractor.settings import Backend as BackendName
from extractor.settings import Settings
from schemas import NarrativeStatement, Table

# A figure a statement should explain: a number followed by a money unit or %,
# but not a threshold or a rate ("100万元（含）以上设备", "20元/吨").
_UNIT_AFTER = re.compile(r"^\s*(?:万元|亿元|千元|元|%)(?!\s*(?:[（(]\s*含|及?以上|以下|以内|/|每))")


class HybridBackend:
    """Rules everywhere; the model for the paragraphs the rules leave
    unexplained and the line-flow forms the parser could not read cleanly."""

    name: BackendName = "hybrid"

    def __init__(self, settings: Settings, queue: ModelQueue | None = None) -> None:
        self.settings = settings
        self.queue = queue  # the run's queue of model calls; None: each report its own client

    def read(self, job: BackendJob) -> BackendResult:
        rules = extract_statements(job.paragraphs)
        hard = paragraphs_for_model(job.paragraphs, rules, job.tables)
        scope = "none" if self.settings.llm.forms == "none" else "troubled"
        troubled = forms_for_model(job, scope)
        if not hard and not troubled:
            return BackendResult(statements=rules, model=self.settings.llm.model)
        narrative, result = run_model(job, hard, troubled, self.settings, self.queue)
        replaced = narrative.answered
        statements = [s for s in rules if s.paragraph_id not in replaced]
        statements += [s for s in narrative.statements if s.paragraph_id in replaced]
        result.statements = in_order(statements, job.paragraphs)
        return result


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
