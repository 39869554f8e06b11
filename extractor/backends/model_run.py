"""Running the model readers of one report together: the narrative chunks and
the chosen forms share one client (the run's queue of calls when there is one),
and their usage adds up."""

from __future__ import annotations

import asyncio

from extractor.backends.base import BackendJob, BackendResult
from extractor.forms import is_tabbed_block
from extractor.llm.call_queue import ModelQueue
from extractor.llm.client import LLMClient
from extractor.llm.forms import FormRun, aread_forms
from extractor.llm.metering import sum_usage
from extractor.llm.narrative import NarrativeRun, aread_narrative, run_sync
from extractor.narrative.paragraphs import Paragraph
from extractor.settings import Settings
from schemas import NarrativeStatement


def forms_for_model(job: BackendJob, scope: str) -> set[int]:
    """The ``line_start`` of the forms printed in PDF line flow (not tab-separated)
    that ``scope`` sends to the model: none, the ones the parser left warnings
    on (troubled), or all."""
    if scope == "none":
        return set()
    return {
        f.line_start
        for f in job.forms
        if (scope == "all" or f.warnings) and not is_tabbed_block(job.source, f.line_start, f.line_end)
    }


def run_model(
    job: BackendJob, paragraphs: list[Paragraph], forms: set[int], settings: Settings, queue: ModelQueue | None
) -> tuple[NarrativeRun, BackendResult]:
    """Ask the model about ``paragraphs`` and the forms starting at ``forms``,
    through ``queue`` (the run's, shared with other reports) or, when None, a
    client of this report's own. The result carries the forms (model-read where
    asked, None if none was) and the summed usage; its statements are left for
    the caller to merge."""

    async def both(client: LLMClient) -> tuple[NarrativeRun, FormRun]:
        narrative, form_run = await asyncio.gather(
            aread_narrative(paragraphs, settings, client, job.tables),
            aread_forms(job.source, job.forms, forms, settings, client),
        )
        return narrative, form_run

    async def on_own_client() -> tuple[NarrativeRun, FormRun]:
        client = LLMClient(settings.llm)  # one client: one bound on the calls in flight
        try:
            return await both(client)
        finally:
            await client.close()

    narrative, form_run = run_sync(on_own_client()) if queue is None else queue.run(both)
    result = BackendResult(
        forms=form_run.forms if form_run.read else None,
        failures=[*narrative.failures, *form_run.failures],
        usage=sum_usage([narrative.usage, form_run.usage]),
        prompts={**narrative.prompts, **form_run.prompts},
        model=narrative.model,
        model_paragraphs=len(paragraphs),
        model_forms=form_run.read,
    )
    return narrative, result


def in_order(statements: list[NarrativeStatement], paragraphs: list[Paragraph]) -> list[NarrativeStatement]:
    """Statements sorted by their paragraph's place in the report (stable within one)."""
    order = {p.model.id: index for index, p in enumerate(paragraphs)}
    return sorted(statements, key=lambda s: order.get(s.paragraph_id, len(order)))
