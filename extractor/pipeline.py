"""One report in, one :class:`~schemas.ExtractionResult` out.

The deterministic parsers always run; the statements come from the backend
(rules, llm or hybrid), and reconciliation checks everything at the end.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

from extractor import __version__
from extractor.backends import Backend, BackendJob, make_backend
from extractor.document import SourceText
from extractor.document.identity import describe
from extractor.document.placing import place_spans
from extractor.errors import NotAReportError
from extractor.forms import extract_forms, extract_score_tables
from extractor.narrative import extract_paragraphs
from extractor.projects import build_projects
from extractor.reconcile import reconcile
from extractor.settings import Settings
from extractor.tables import extract_tables
from schemas import ExtractionResult, Failure, RunInfo


def extract(
    source: SourceText,
    settings: Settings,
    stages: dict[str, float] | None = None,
    backend: Backend | None = None,
) -> ExtractionResult:
    """Extract tables, performance forms and narrative from one loaded report.

    When ``stages`` is given, the seconds spent in each stage (``segment``,
    ``tables``, ``forms``, ``narrative``, ``reconcile``, and ``provenance`` for a PDF)
    are added to it.
    ``backend`` is a run's (:func:`extractor.runs.for_each_report`), shared with
    the run's other reports; by default the one ``settings`` names, for this report.
    """
    with collector_paused():
        return _extract(source, settings, stages, backend)


def require_report(result: ExtractionResult) -> None:
    """Raise :class:`NotAReportError` when the text holds nothing of a disclosure report:
    no parts, no tables (not even announced ones), no performance forms or score tables,
    and neither the year nor the kind (预算 budget / 决算 final account) named. The
    department alone does not count: any organisation named in a text is a candidate."""
    document = result.document
    if (
        document.parts
        or result.tables
        or result.performance_forms
        or result.score_tables
        or document.kind != "unknown"
        or document.year is not None
    ):
        return
    raise NotAReportError(
        f"{document.source_name}: not a disclosure report: no parts (部门概况, 情况说明, …), "
        "no tables, no performance forms, and no year or 预算/决算 named. Give the text of a "
        "部门预算/决算公开 report."
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one extraction, then collect once.

    The stages build millions of small acyclic objects (cells, spans, figures); the
    collector's passes over the ones that survive cost a third of the CPU time on a large
    report and grow with its size (bench/bench_scaling.py). Reference counting still
    frees them; the collection at the end takes whatever cycles were made.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def _extract(
    source: SourceText, settings: Settings, stages: dict[str, float] | None, backend: Backend | None
) -> ExtractionResult:
    started = time.perf_counter()
    clock = _Clock(stages, started)
    failures: list[Failure] = []
    document = describe(source)
    if source.geometry is not None:
        document.page_sizes = [(round(w, 2), round(h, 2)) for w, h in source.geometry.page_sizes]
    clock.lap("segment")
    tables = extract_tables(source)
    clock.lap("tables")
    forms, form_failures = extract_forms(source)
    failures.extend(form_failures)
    score_tables = extract_score_tables(source)
    clock.lap("forms")
    claimed = [(t.line_start, t.line_end) for t in tables if t.line_start and t.line_end]
    claimed += [(f.line_start, f.line_end) for f in forms]
    claimed += [(s.line_start, s.line_end) for s in score_tables]
    paragraphs = extract_paragraphs(source, claimed)
    job = BackendJob(source=source, paragraphs=paragraphs, forms=forms, tables=tables)
    read = (backend or make_backend(settings)).read(job)
    if read.forms is not None:  # the model re-read the line-flow forms
        forms = read.forms
    failures.extend(read.failures)
    result = ExtractionResult(
        document=document,
        tables=tables,
        performance_forms=forms,
        score_tables=score_tables,
        narratives=[p.model for p in paragraphs],
        narrative_statements=read.statements,
        failures=failures,
        missing=[t.id for t in tables if t.status == "missing"],
        run=RunInfo(
            backend=settings.backend,
            extractor_version=__version__,
            model=read.model,
            prompts=read.prompts,
            usage=read.usage,
        ),
    )
    result.projects = build_projects(paragraphs, result, read.project_summaries)
    clock.lap("narrative")
    result.findings = reconcile(result, source=source)
    clock.lap("reconcile")
    if source.geometry is not None:  # read from a PDF: every span gets its page and box
        place_spans(result, source.geometry)
        clock.lap("provenance")
    result.run.seconds = round(time.perf_counter() - started, 4)
    return result


class _Clock:
    """Adds the time since the last lap to a stage's total (nothing when no totals are kept)."""

    def __init__(self, totals: dict[str, float] | None, started: float) -> None:
        self.totals = totals
        self.last = started

    def lap(self, stage: str) -> None:
        if self.totals is None:
            return
        now = time.perf_counter()
        self.totals[stage] = self.totals.get(stage, 0.0) + now - self.last
        self.last = now
