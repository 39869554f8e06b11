"""Narrative statements read by the model, chunk by chunk, then grounded.

Chunks run concurrently (the client bounds the calls in flight). Each answer
is checked against the source by the grounding step: a value whose quote is
not in the paragraph comes out ``grounded=False``, never silently kept. A
chunk that fails for good becomes a :class:`~schemas.Failure` with its span
and the run goes on; a chunk whose answer was cut off is split in two and
each half asked again (a smaller prompt, never a bigger one); so is a chunk
the server refuses as longer than the model's context. As soon as a chunk's
answer is back and grounded, its statements go through the reconciliation
checks of :mod:`extractor.llm.recheck` (each judges one statement, against the
tables at most), and each one that fails is asked about once more: a follow-up
waits for its own chunk only, never for the rest of the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from extractor.errors import LLMError
from extractor.llm.answers import NarrativeAnswer, expected_paragraphs, to_statement
from extractor.llm.cache import ResponseCache, cache_path
from extractor.llm.cached import ask_cached
from extractor.llm.chunks import Chunk, make_chunks
from extractor.llm.client import LLMClient, PromptTooLongError, TruncatedAnswerError
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import PromptTemplate, load_prompt
from extractor.llm.recheck import PROMPT_NAME as FOLLOWUP_NAME
from extractor.llm.recheck import Rechecker, followup_prompt
from extractor.narrative.grounding import ground_statement
from extractor.narrative.paragraphs import Paragraph
from extractor.settings import Settings
from schemas import Failure, NarrativeStatement, Table, Usage

PROMPT_NAME = "narrative"
T = TypeVar("T")


@dataclass
class NarrativeRun:
    """What the model made of the paragraphs it was given."""

    statements: list[NarrativeStatement] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    answered: set[str] = field(default_factory=set)  # paragraph ids whose every chunk was answered


def narrative_prompt(settings: Settings) -> PromptTemplate:
    """The configured version of the narrative prompt."""
    return load_prompt(PROMPT_NAME, settings.llm.narrative_prompt, settings.llm.prompts_dir)


def read_narrative(paragraphs: Sequence[Paragraph], settings: Settings) -> NarrativeRun:
    """Synchronous entry point: run :func:`aread_narrative` to completion."""
    return run_sync(aread_narrative(paragraphs, settings))


def read_narratives(reports: Sequence[Sequence[Paragraph]], settings: Settings) -> list[NarrativeRun]:
    """Several reports at once through one client, so ``concurrency`` bounds
    the calls in flight across all of them (a batch keeps the pipe full where
    report after report would idle at each report's tail)."""

    async def batch() -> list[NarrativeRun]:
        client = LLMClient(settings.llm)
        try:
            return list(await asyncio.gather(*(aread_narrative(p, settings, client) for p in reports)))
        finally:
            await client.close()

    return run_sync(batch())


async def aread_narrative(
    paragraphs: Sequence[Paragraph],
    settings: Settings,
    client: LLMClient | None = None,
    tables: Sequence[Table] = (),
) -> NarrativeRun:
    """Ask the model for the statements of every paragraph that prints a figure
    (through ``client`` when given, else a client of this run's own); with
    ``settings.llm.recheck``, re-ask once about each statement failing a
    reconciliation check (against ``tables`` too when given)."""
    template = narrative_prompt(settings)
    followup = followup_prompt(settings) if settings.llm.recheck else None
    chunks = make_chunks(paragraphs, settings.llm.chunk_chars, settings.llm.chunk_paragraphs)
    meter = UsageMeter()
    run = NarrativeRun(prompts={PROMPT_NAME: template.ref}, model=settings.llm.model)
    if followup is not None:
        run.prompts[FOLLOWUP_NAME] = followup.ref
    if not chunks:
        run.usage = meter.usage(settings.llm)
        return run
    own = client is None
    reader = _Reader(settings, template, meter, {p.model.id: p for p in paragraphs}, client)
    if followup is not None:
        reader.rechecker = Rechecker(settings, followup, reader.client, reader.cache, meter, reader.paragraphs)
        reader.tables = tables
    try:
        outcomes = await asyncio.gather(*(reader.read(chunk) for chunk in chunks))
        statements = [s for found, _ in outcomes for s in found]
    finally:
        reader.close()
        if own:
            await reader.client.close()
    run.statements = statements
    for _, failures in outcomes:
        run.failures.extend(failures)
    for chunk in chunks:
        run.answered.update(pid for pid in chunk.paragraph_ids if pid not in reader.failed_paragraphs)
    run.usage = meter.usage(settings.llm)
    return run


class _Reader:
    """Reads chunks with one client, one cache and one meter; with a
    ``rechecker``, follows each chunk's answer up on its own."""

    def __init__(
        self,
        settings: Settings,
        template: PromptTemplate,
        meter: UsageMeter,
        paragraphs: dict[str, Paragraph],
        client: LLMClient | None,
    ) -> None:
        self.settings = settings
        self.template = template
        self.meter = meter
        self.paragraphs = paragraphs
        self.client = client if client is not None else LLMClient(settings.llm)
        self.cache = ResponseCache(cache_path(settings.home)) if settings.llm.cache else None
        self.failed_paragraphs: set[str] = set()
        self.rechecker: Rechecker | None = None
        self.tables: Sequence[Table] = ()

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    async def read(self, chunk: Chunk) -> tuple[list[NarrativeStatement], list[Failure]]:
        """The grounded statements of one chunk, or the failure that stopped it."""
        try:
            with expected_paragraphs(set(chunk.paragraph_ids)):
                answer = await ask_cached(
                    self.client,
                    self.cache,
                    self.meter,
                    self.template,
                    NarrativeAnswer,
                    chunk.render(),
                    self.settings.llm.repeat,
                )
        except (TruncatedAnswerError, PromptTooLongError) as error:
            return await self._split(chunk, error)
        except LLMError as error:
            return [], [self._failure(chunk, error)]
        # Grounding is pure CPU; in a worker thread the event loop keeps
        # sending requests and reading answers between the GIL's switches.
        statements = await asyncio.to_thread(self._ground, answer)
        if self.rechecker is not None:
            statements = await self.rechecker.recheck(statements, self.tables)
        return statements, []

    async def _split(
        self, chunk: Chunk, error: TruncatedAnswerError | PromptTooLongError
    ) -> tuple[list[NarrativeStatement], list[Failure]]:
        halves = chunk.split()
        if not halves:
            return [], [self._failure(chunk, error)]
        outcomes = await asyncio.gather(*(self.read(half) for half in halves))
        statements = [s for found, _ in outcomes for s in found]
        failures = [f for _, found in outcomes for f in found]
        return statements, failures

    def _ground(self, answer: NarrativeAnswer) -> list[NarrativeStatement]:
        grounded: list[NarrativeStatement] = []
        for item in answer.statements:
            statement = to_statement(item, self.template.ref)
            grounded.append(ground_statement(statement, self.paragraphs[statement.paragraph_id]))
        return grounded

    def _failure(self, chunk: Chunk, error: LLMError) -> Failure:
        self.failed_paragraphs.update(chunk.paragraph_ids)
        return _failure(chunk, error)


def _failure(chunk: Chunk, error: LLMError) -> Failure:
    return Failure(
        stage="llm",
        chunk_id=chunk.id,
        reason=str(error),
        error_type=type(error).__name__,
        span=chunk.span(),
    )


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from synchronous code, also when an event loop is
    already running in this thread (the service): then in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
