"""One report in, one :class:`~schemas.ExtractionResult` out.

The deterministic parsers always run; the statements come from the backend
(rules, llm or hybrid), and reconciliation checks everything at the end.
"""

from __future__ import annotations

import time

from extractor import __version__
from extractor.backends import Backend, BackendJob, make_backend
from extractor.document import SourceText
from extractor.document.identity import describe
from extractor.forms import extract_forms, extract_score_tables
from extractor.narrative import extract_paragraphs
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
    ``tables``, ``forms``, ``narrative``, ``reconcile``) are added to it.
    ``backend`` is a run's (:func:`extractor.runs.for_each_report`), shared with
    the run's other reports; by default the one ``settings`` names, for this report.
    """
    started = time.perf_counter()
    clock = _Clock(stages, started)
    failures: list[Failure] = []
    document = describe(source)
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
    clock.lap("narrative")
    result.findings = reconcile(result)
    clock.lap("reconcile")
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
