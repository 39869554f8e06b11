"""Reconciliation-driven re-asks: a statement of the model's answer that fails a
reconciliation check is asked about once more, for the failing fields only,
with the finding as feedback.

The checks are the reconciliation engine's own narrative rules, run on the
statements alone (:mod:`extractor.reconcile.statement_checks`; no arithmetic is
redone here): the change against amount −
prior, the growth rate against change / prior, the completion rate against
amount / budget, and, when the report's tables are at hand, the amount
against the table figure its metric names. A finding that is not rounding
sends one follow-up for that statement; the fields asked for are the ones the
finding compared. The answer replaces only those fields and is grounded again;
an answer that does not ground, or a follow-up that fails, leaves the first
answer as it was. Never more than one follow-up per statement: when the report
itself prints figures that disagree, the model repeating them is right, and
the pipeline's reconciliation reports the finding.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import cast

from extractor.errors import LLMError
from extractor.llm.answers import FollowupAnswer, asked_fields
from extractor.llm.cache import ResponseCache
from extractor.llm.cached import ask_cached
from extractor.llm.client import LLMClient
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import PromptTemplate, load_prompt
from extractor.narrative.grounding import ground_statement
from extractor.narrative.paragraphs import Paragraph
from extractor.reconcile.statement_checks import Problem, statement_problems
from extractor.settings import Settings
from schemas import NarrativeStatement, Table

PROMPT_NAME = "followup"
SEPARATOR = "\n\n---\n"  # between the paragraph and the question (tests parse it)
logger = logging.getLogger(__name__)


def followup_prompt(settings: Settings) -> PromptTemplate:
    """The configured version of the follow-up prompt."""
    return load_prompt(PROMPT_NAME, settings.llm.followup_prompt, settings.llm.prompts_dir)


def render_question(paragraph: Paragraph, statement: NarrativeStatement, problems: Sequence[Problem]) -> str:
    """The user message of a follow-up: the paragraph, then (after ``---``) the
    statement's answer for the failing fields, the findings and the fields asked."""
    fields = _fields(problems)
    question = {
        "metric": statement.metric,
        "answer": {
            name: {"value": getattr(statement, name), "quote": statement.evidence.get(name)} for name in fields
        },
        "findings": [
            {
                "rule_id": p.finding.rule_id,
                "stated": p.finding.stated,
                "expected": p.finding.expected,
                "message": p.finding.message,
            }
            for p in problems
        ],
        "fields": list(fields),
    }
    text = f"[{paragraph.model.id}] {paragraph.model.text}"
    return text + SEPARATOR + json.dumps(question, ensure_ascii=False, indent=1)


def _fields(problems: Sequence[Problem]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for p in problems for name in p.fields))


def merge(statement: NarrativeStatement, answer: FollowupAnswer, fields: Sequence[str]) -> NarrativeStatement:
    """``statement`` with the answered fields (only those asked) replaced; their
    provenance is dropped so grounding locates the new quotes."""
    update: dict[str, object] = {}
    evidence = dict(statement.evidence)
    provenance = dict(statement.provenance)
    for fix in answer.fields:
        if fix.field not in fields:
            continue
        update[fix.field] = fix.value
        provenance.pop(fix.field, None)
        if fix.value is None:
            evidence.pop(fix.field, None)
        else:
            evidence[fix.field] = cast(str, fix.quote)
    return statement.model_copy(update={**update, "evidence": evidence, "provenance": provenance})


class Rechecker:
    """Runs the checks on a report's model statements and the follow-ups they
    call for, through the narrative reader's client, cache and meter."""

    def __init__(
        self,
        settings: Settings,
        template: PromptTemplate,
        client: LLMClient,
        cache: ResponseCache | None,
        meter: UsageMeter,
        paragraphs: dict[str, Paragraph],
    ) -> None:
        self.settings = settings
        self.template = template
        self.client = client
        self.cache = cache
        self.meter = meter
        self.paragraphs = paragraphs

    async def recheck(
        self, statements: list[NarrativeStatement], tables: Sequence[Table]
    ) -> list[NarrativeStatement]:
        """``statements`` with each failing one replaced by its follow-up's outcome."""
        problems = await asyncio.to_thread(statement_problems, statements, tables)
        if not problems:
            return statements
        indices = sorted(problems)
        outcomes = await asyncio.gather(*(self._reask(statements[i], problems[i]) for i in indices))
        checked = list(statements)
        for index, outcome in zip(indices, outcomes, strict=True):
            checked[index] = outcome
        return checked

    async def _reask(self, statement: NarrativeStatement, problems: list[Problem]) -> NarrativeStatement:
        paragraph = self.paragraphs.get(statement.paragraph_id)
        if paragraph is None:
            return statement
        fields = _fields(problems)
        marked = statement.model_copy(update={"reasked": [p.finding.rule_id for p in problems]})
        self.meter.reasks += 1
        text = render_question(paragraph, statement, problems)
        answer = await self._ask(text, fields)
        if answer is None:
            return marked
        merged = ground_statement(merge(marked, answer, fields), paragraph)
        if not merged.grounded:
            # The first answer was grounded; a correction that is not is never kept.
            logger.info("follow-up for %s / %s did not ground: %s", statement.paragraph_id, statement.metric,
                        merged.grounding_note)
            return marked
        return merged

    async def _ask(self, text: str, fields: tuple[str, ...]) -> FollowupAnswer | None:
        """The follow-up's answer (cached like any other), or None when it failed."""
        try:
            with asked_fields(set(fields)):
                return await ask_cached(
                    self.client, self.cache, self.meter, self.template, FollowupAnswer, text, self.settings.llm.repeat
                )
        except LLMError as error:
            # The statement stays as first answered; its finding stands in the output.
            logger.warning("follow-up question failed (%s): %s", type(error).__name__, error)
            return None
