"""The model backend: every paragraph that prints a figure goes to the model,
the line-flow performance forms ``settings.llm.forms`` names (all by default),
and the per-project prose (:mod:`extractor.backends.project_run`)."""

from __future__ import annotations

from extractor.backends.base import BackendJob, BackendResult
from extractor.backends.model_run import forms_for_model, run_model
from extractor.backends.project_run import with_summaries
from extractor.llm.call_queue import ModelQueue
from extractor.settings import Backend as BackendName
from extractor.settings import Settings


class LLMBackend:
    """Statements and line-flow forms read by the language model, grounded
    against the source. Tab-separated forms stay with the deterministic parser."""

    name: BackendName = "llm"

    def __init__(self, settings: Settings, queue: ModelQueue | None = None) -> None:
        self.settings = settings
        self.queue = queue  # the run's queue of model calls; None: each report its own client

    def read(self, job: BackendJob) -> BackendResult:
        chosen = forms_for_model(job, self.settings.llm.forms)
        narrative, result = run_model(job, job.paragraphs, chosen, self.settings, self.queue)
        result.statements = narrative.statements
        return with_summaries(result, job, self.settings, "all", self.queue)
