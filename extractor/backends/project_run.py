"""Per-project prose for the model backends: which chunks the model reads, and how its
answers merge with the patterns' reading.

``llm`` sends every summary the patterns found and every paragraph they could not read
(:func:`~extractor.projects.summaries.irregular_paragraphs`); ``hybrid`` only the
summaries the patterns read neither a score nor a budget in, and those paragraphs.
Where the model answers a summary's chunk, its reading replaces the patterns'; where
the call fails, the patterns' reading stays and the failure is recorded.
"""

from __future__ import annotations

from typing import Literal

from extractor.backends.base import BackendJob, BackendResult
from extractor.llm.call_queue import ModelQueue
from extractor.llm.metering import sum_usage
from extractor.llm.narrative import run_sync
from extractor.llm.project_summaries import Chunk, SummaryRun, aread_summaries, chunk_of
from extractor.narrative.paragraphs import Paragraph
from extractor.projects.summaries import irregular_paragraphs, read_stretch, summary_stretches
from extractor.settings import Settings
from schemas import ProjectSummary

Scope = Literal["all", "incomplete"]


def model_summaries(
    paragraphs: list[Paragraph], settings: Settings, scope: Scope, queue: ModelQueue | None = None
) -> tuple[list[ProjectSummary], SummaryRun]:
    """The report's per-project summaries, the model's where it answered, in text order;
    the calls go through the run's ``queue`` when given (else a client of their own)."""
    stretches = summary_stretches(paragraphs)
    rules = [read_stretch(stretch, name, kind) for stretch, name, kind in stretches]
    asked = [i for i, s in enumerate(rules) if scope == "all" or (s.score is None and s.budget is None)]
    chunks = [Chunk(stretches[i][0], rules[i].kind) for i in asked]
    extra = [chunk_of(p) for p in irregular_paragraphs(paragraphs)]
    asked_chunks = [*chunks, *extra]
    if queue is None:
        run = run_sync(aread_summaries(asked_chunks, settings))
    else:
        run = queue.run(lambda client: aread_summaries(asked_chunks, settings, client))
    merged = list(rules)
    for index, answer in zip(asked, run.answers[: len(asked)], strict=True):
        if answer:
            merged[index] = answer[0]
    for answer in run.answers[len(asked) :]:
        merged.extend(answer or [])
    merged.sort(key=lambda s: (s.provenance["text"].line_start if "text" in s.provenance else 0))
    return merged, run


def with_summaries(
    result: BackendResult, job: BackendJob, settings: Settings, scope: Scope, queue: ModelQueue | None = None
) -> BackendResult:
    """``result`` with the per-project summaries the model read added (usage, prompts and
    failures summed into it)."""
    summaries, run = model_summaries(job.paragraphs, settings, scope, queue)
    result.project_summaries = summaries
    result.failures.extend(run.failures)
    result.usage = sum_usage([result.usage, run.usage])
    result.prompts.update(run.prompts)
    return result
