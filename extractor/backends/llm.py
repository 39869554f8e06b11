"""The model backend: every paragraph that prints a figure goes to the model."""

from __future__ import annotations

from extractor.backends.base import BackendJob, BackendResult
from extractor.llm.chunks import holds_figure
from extractor.llm.narrative import read_narrative
from extractor.settings import Backend as BackendName
from extractor.settings import Settings


class LLMBackend:
    """Statements read by the language model, grounded against the source."""

    name: BackendName = "llm"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def statements(self, job: BackendJob) -> BackendResult:
        run = read_narrative(job.paragraphs, self.settings)
        return BackendResult(
            statements=run.statements,
            failures=run.failures,
            usage=run.usage,
            prompts=run.prompts,
            model=run.model,
            model_paragraphs=sum(1 for p in job.paragraphs if holds_figure(p)),
        )
