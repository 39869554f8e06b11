"""Per-project prose read by the model (prompt ``project_summary``).

Each chunk (one summary the patterns found, or one paragraph they could not read)
goes to the model alone; the answer lists the projects it speaks of. Every value is
checked against the chunk: a name, grade or indicator text must occur in it, a figure
must be printed in it. What cannot be found is dropped and named in
``evidence["ungrounded"]``: an invented value is never kept. Provenance points at what
was found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from extractor.errors import LLMError
from extractor.forms.targets import parse_target
from extractor.llm.cache import ResponseCache, cache_path
from extractor.llm.cached import ask_cached
from extractor.llm.client import LLMClient
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import load_prompt
from extractor.narrative.grounding import find_quote, find_quotes
from extractor.narrative.paragraphs import Paragraph
from extractor.numbers import numbers_in
from extractor.projects.stretch import Stretch
from extractor.settings import Settings
from schemas import Failure, ProjectSummary, SummaryIndicator, SummaryKind, Usage

PROMPT_NAME = "project_summary"
# Marks the user message as per-project prose (logs and scripted servers tell requests apart by it).
CHUNK_LABEL = "[project] "
_GRADES = ("优", "良", "中", "差")


class IndicatorAnswer(BaseModel):
    """One indicator the prose states a result for."""

    name: str = Field(description="指标名称，照抄")
    target: str | None = Field(default=None, description="指标值，照抄")
    actual: str | None = Field(default=None, description="实际完成值，照抄，如 96%")
    weight: float | None = Field(default=None, description="设置分值")
    score: float | None = Field(default=None, description="实际得分")


class SummaryAnswer(BaseModel):
    """One project the prose speaks of."""

    name: str = Field(description="项目名称，照抄（含原文写在前面的单位名称）")
    score: float | None = Field(default=None, description="自评得分 / 综合指标得分")
    grade: str | None = Field(default=None, description="评价等级：优、良、中、差")
    budget: float | None = Field(default=None, description="全年预算数 / 预算指标（万元）")
    executed: float | None = Field(default=None, description="执行数 / 实际支出（万元）")
    rate: float | None = Field(default=None, description="完成预算的 / 执行率，百分数不带%")
    indicators: list[IndicatorAnswer] = Field(default_factory=list)


class SummariesAnswer(BaseModel):
    """The projects one chunk of prose speaks of."""

    summaries: list[SummaryAnswer] = Field(default_factory=list)


@dataclass
class Chunk:
    """One piece of prose for the model and the kind of summary it holds."""

    stretch: Stretch
    kind: SummaryKind


@dataclass
class SummaryRun:
    """What the model read, chunk by chunk (None where the call failed), and how."""

    answers: list[list[ProjectSummary] | None] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)


def chunk_of(paragraph: Paragraph) -> Chunk:
    """A whole paragraph as one chunk."""
    stretch = Stretch()
    stretch.add(paragraph, 0, len(paragraph.model.text))
    return Chunk(stretch, "evaluation_paragraph")


async def aread_summaries(chunks: Sequence[Chunk], settings: Settings, client: LLMClient | None = None) -> SummaryRun:
    """Ask the model about every chunk (concurrently, bounded by the client)."""
    template = load_prompt(PROMPT_NAME, settings.llm.project_summary_prompt, settings.llm.prompts_dir)
    meter = UsageMeter()
    run = SummaryRun(prompts={PROMPT_NAME: template.ref})
    if not chunks:
        return run
    own = client is None
    llm = client if client is not None else LLMClient(settings.llm)
    cache = ResponseCache(cache_path(settings.home)) if settings.llm.cache else None

    async def one(chunk: Chunk) -> list[ProjectSummary] | Failure:
        try:
            answer = await ask_cached(llm, cache, meter, template, SummariesAnswer,
                                      CHUNK_LABEL + chunk.stretch.text, settings.llm.repeat)
        except LLMError as error:
            return Failure(stage="llm", chunk_id=f"project_summary@{chunk.stretch.paragraph_id}", reason=str(error),
                           error_type=type(error).__name__, span=chunk.stretch.whole())
        return [grounded(item, chunk, template.ref) for item in answer.summaries]

    try:
        outcomes = await asyncio.gather(*(one(c) for c in chunks))
    finally:
        if own:
            await llm.close()
        if cache is not None:
            cache.close()
    for outcome in outcomes:
        if isinstance(outcome, Failure):
            run.failures.append(outcome)
            run.answers.append(None)
        else:
            run.answers.append(outcome)
    run.usage = meter.usage(settings.llm)
    return run


def grounded(answer: SummaryAnswer, chunk: Chunk, prompt: str) -> ProjectSummary:
    """The answer as a :class:`ProjectSummary`, keeping only what the chunk prints."""
    stretch, text = chunk.stretch, chunk.stretch.text
    whole = _as_paragraph(stretch)
    problems: list[str] = []
    summary = ProjectSummary(kind=chunk.kind, name=answer.name.strip(), paragraph_id=stretch.paragraph_id, text=text,
                             source="llm", prompt_version=prompt)
    summary.provenance["text"] = stretch.whole()
    named = find_quote(whole, answer.name) if answer.name.strip() else None
    if named is None:
        problems.append(f"name {answer.name!r} is not in the text")
    else:
        summary.provenance["text"] = stretch.span(named[0], named[1]).merge(stretch.whole())
    for name in ("score", "budget", "executed", "rate"):
        value = getattr(answer, name)
        if value is None:
            continue
        place = _printed(text, value)
        if place is None:
            problems.append(f"{name} {value:g} is not printed in the text")
            continue
        setattr(summary, name, value)
        summary.evidence[name] = text[max(place[0] - 8, 0) : place[1] + 2]
        summary.provenance[name] = stretch.span(*place)
    if answer.grade in _GRADES:
        at = text.find(answer.grade)
        if at >= 0:
            summary.grade = answer.grade
            summary.provenance["grade"] = stretch.span(at, at + 1)
    for item in answer.indicators:
        indicator = _indicator(item, stretch, whole, problems)
        if indicator is not None:
            summary.indicators.append(indicator)
    if problems:
        summary.evidence["ungrounded"] = "; ".join(problems)
    return summary


def _indicator(item: IndicatorAnswer, stretch: Stretch, whole: Paragraph,
               problems: list[str]) -> SummaryIndicator | None:
    named = find_quote(whole, item.name)
    if named is None:
        problems.append(f"indicator {item.name!r} is not in the text")
        return None
    indicator = SummaryIndicator(name=item.name)
    for name in ("target", "actual"):
        value = getattr(item, name)
        # the value printed after the indicator's name, else anywhere
        places = find_quotes(whole, value) if value else []
        place = next((p for p in places if p[0] >= named[0]), places[0] if places else None)
        if value and place is None:
            problems.append(f"indicator {item.name} {name} {value!r} is not in the text")
        elif value and place is not None:
            setattr(indicator, name, value)
            indicator.provenance[name] = stretch.span(*place)
    for name in ("weight", "score"):
        value = getattr(item, name)
        if value is not None and _printed(stretch.text, value) is not None:
            setattr(indicator, name, value)
    indicator.target_parsed = parse_target(indicator.target) if indicator.target else None
    indicator.actual_parsed = parse_target(indicator.actual) if indicator.actual else None
    return indicator


def _printed(text: str, value: float) -> tuple[int, int] | None:
    for number, start, end in numbers_in(text):
        if abs(number - value) < 1e-9:
            return start, end
    return None


def _as_paragraph(stretch: Stretch) -> Paragraph:
    """The stretch as one paragraph, so the narrative quote finder can search it; offsets
    index the stretch text (spans are taken through the stretch, not this object)."""
    first = stretch.pieces[0][0]
    model = first.model.model_copy(update={"text": stretch.text})
    return Paragraph(model=model, lines=first.lines, offsets=list(range(len(stretch.text))),
                     line_of=[first.lines[0]] * len(stretch.text))
