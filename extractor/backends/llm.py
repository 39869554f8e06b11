"""The model backend: every paragraph that prints a figure and every
line-flow performance form goes to the model."""

from __future__ import annotations

from extractor.backends.base import BackendJob, BackendResult
from extractor.backends.model_run import line_flow_forms, run_model
from extractor.settings import Backend as BackendName
from extractor.settings import Settings


class LLMBackend:
    """Statements and line-flow forms read by the language model, grounded
    against the source. Tab-separated forms stay with the deterministic parser."""

    name: BackendName = "llm"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def read(self, job: BackendJob) -> BackendResult:
        narrative, result = run_model(job, job.paragraphs, line_flow_forms(job), self.settings)
        result.statements = narrative.statements
        return result
