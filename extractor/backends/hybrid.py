"""The hybrid backend: deterministic first, the model only where needed.

A paragraph goes to the model when it prints a figure (an amount with its
unit, or a percentage) that no deterministic statement accounts for, or when a
deterministic statement of it failed validation (ungrounded, or its amount,
prior amount, change and percentage disagree). Where the model answers, its
statements replace the rules' for that paragraph; where it fails, the rules'
statements stay and the failure is recorded.
"""

from __future__ import annotations

import re
from collections import defaultdict

from schemas import NarrativeStatement

from extractor.backends.base import BackendJob, BackendResult
from extractor.llm.narrative import read_narrative
from extractor.narrative.paragraphs import Paragraph
from extractor.narrative.statements import extract_statements
from extractor.numbers import numbers_in
from extractor.settings import Backend as BackendName
from extractor.settings import Settings

# A figure a statement should explain: a number followed by a money unit or %,
# but not a threshold or a rate ("100万元（含）以上设备", "20元/吨").
_UNIT_AFTER = re.compile(r"^\s*(?:万元|亿元|千元|元|%)(?!\s*(?:[（(]\s*含|及?以上|以下|以内|/|每))")
_FIELDS = ("amount", "prior_amount", "change_amount", "change_pct", "share_pct", "completion_pct", "budget_amount")
_AMOUNT_SLACK = 0.011  # two-decimal rounding on each of three printed amounts
_PCT_SLACK = 0.15  # percentages are printed to one decimal, sometimes rounded to whole


class HybridBackend:
    """Rules everywhere, the model for the paragraphs the rules leave unexplained."""

    name: BackendName = "hybrid"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def statements(self, job: BackendJob) -> BackendResult:
        rules = extract_statements(job.paragraphs)
        by_paragraph: dict[str, list[NarrativeStatement]] = defaultdict(list)
        for statement in rules:
            by_paragraph[statement.paragraph_id].append(statement)
        hard = [p for p in job.paragraphs if needs_model(p, by_paragraph.get(p.model.id, []))]
        if not hard:
            return BackendResult(statements=rules, model=self.settings.llm.model)
        run = read_narrative(hard, self.settings)
        replaced = run.answered
        statements = [s for s in rules if s.paragraph_id not in replaced]
        statements += [s for s in run.statements if s.paragraph_id in replaced]
        order = {p.model.id: index for index, p in enumerate(job.paragraphs)}
        statements.sort(key=lambda s: order.get(s.paragraph_id, len(order)))
        return BackendResult(
            statements=statements,
            failures=run.failures,
            usage=run.usage,
            prompts=run.prompts,
            model=run.model,
            model_paragraphs=len(hard),
        )


def needs_model(paragraph: Paragraph, statements: list[NarrativeStatement]) -> bool:
    """Whether the deterministic statements of ``paragraph`` leave work for the model."""
    if any(not s.grounded or inconsistent(s) for s in statements):
        return True
    return bool(unexplained_figures(paragraph, statements))


def unexplained_figures(paragraph: Paragraph, statements: list[NarrativeStatement]) -> list[float]:
    """Amounts and percentages printed in the paragraph that no statement holds
    as a value or covers with a quote."""
    text = paragraph.model.text
    values = [abs(v) for s in statements for name in _FIELDS if (v := getattr(s, name)) is not None]
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


def inconsistent(statement: NarrativeStatement) -> bool:
    """Whether the statement's own figures disagree (amount - prior != change, or
    change / prior != percentage)."""
    amount, prior, change = statement.amount, statement.prior_amount, statement.change_amount
    if amount is not None and prior is not None and change is not None:
        if abs(amount - prior - change) > _AMOUNT_SLACK:
            return True
    base = prior if prior is not None else (amount - change if amount is not None and change is not None else None)
    if base and change is not None and statement.change_pct is not None:
        if abs(change / base * 100 - statement.change_pct) > max(_PCT_SLACK, abs(statement.change_pct) * 0.01):
            return True
    return False


def _quoted_ranges(text: str, statements: list[NarrativeStatement]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for statement in statements:
        for quote in statement.evidence.values():
            index = text.find(quote) if quote else -1
            if index >= 0:
                ranges.append((index, index + len(quote)))
    return ranges
