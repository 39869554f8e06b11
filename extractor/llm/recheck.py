"""Reconciliation-driven re-asks: a statement of the model's answer that fails a
reconciliation check is asked about once more, for the failing fields only,
with the finding as feedback.

The checks are the reconciliation engine's own narrative rules, run on the
statements alone (no arithmetic is redone here): the change against amount −
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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from extractor.errors import LLMError
from extractor.llm.answers import FollowupAnswer, asked_fields
from extractor.llm.cache import ResponseCache
from extractor.llm.cached import ask_cached
from extractor.llm.client import LLMClient
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import PromptTemplate, load_prompt
from extractor.narrative.grounding import NUMERIC_FIELDS, ground_statement
from extractor.narrative.paragraphs import Paragraph
from extractor.reconcile import Rule, reconcile, registry
from extractor.settings import Settings
from schemas import DocumentInfo, ExtractionResult, Finding, NarrativeStatement, RunInfo, Table

PROMPT_NAME = "followup"
# The narrative rules that judge one statement by itself (or against the tables);
# share_pct and the verdict rules need the whole report's prose and are left to
# the pipeline's reconciliation.
CHECKED_RULES = (
    "narrative.change_amount",
    "narrative.change_pct",
    "narrative.completion_pct",
    "narrative.table_amount",
)
SEPARATOR = "\n\n---\n"  # between the paragraph and the question (tests parse it)
_DOCUMENT = DocumentInfo(source_name="recheck", sha256="0" * 64, encoding="utf-8")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """A failed check of one statement and the statement's fields it compared."""

    finding: Finding
    fields: tuple[str, ...]


@lru_cache(maxsize=1)
def checked_rules() -> tuple[Rule, ...]:
    """The registered rules named in :data:`CHECKED_RULES` (looked up once)."""
    return tuple(r for r in registry() if r.id in CHECKED_RULES)


def statement_problems(
    statements: Sequence[NarrativeStatement], tables: Sequence[Table] = ()
) -> dict[int, list[Problem]]:
    """The failed checks of each statement, by its index in ``statements``:
    findings of :data:`CHECKED_RULES` that are neither info nor rounding.
    Ungrounded statements are not judged (the rules skip them)."""
    if not statements:
        return {}
    # Each copy carries its index as paragraph id, so a finding's locations name
    # one statement even where a paragraph states the same metric twice.
    tagged = [s.model_copy(update={"paragraph_id": str(i)}) for i, s in enumerate(statements)]
    result = ExtractionResult(
        document=_DOCUMENT,
        tables=list(tables),
        narrative_statements=tagged,
        run=RunInfo(extractor_version="recheck"),
    )
    problems: dict[int, list[Problem]] = defaultdict(list)
    for finding in reconcile(result, checked_rules()):
        if finding.severity == "info" or finding.classification == "rounding":
            continue
        owner, fields = _owner(finding)
        if owner is not None and fields:
            problems[owner].append(Problem(finding, fields))
    return dict(problems)


def _owner(finding: Finding) -> tuple[int | None, tuple[str, ...]]:
    """The statement a finding is about and the fields of it the finding names
    (an implied prior year is located at the amount it comes from)."""
    owner: int | None = None
    fields: list[str] = []
    for location in finding.locations:
        if location.kind != "narrative":
            continue
        head, _, rest = location.ref.partition(" / ")
        name = rest.rsplit(" / ", 1)[-1]
        if not head.isdigit() or name not in NUMERIC_FIELDS:
            continue
        owner = int(head) if owner is None else owner
        if int(head) == owner and name not in fields:
            fields.append(name)
    return owner, tuple(fields)


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
