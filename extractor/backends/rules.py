"""The deterministic backend: no model, no network (the offline default)."""

from __future__ import annotations

from extractor.backends.base import BackendJob, BackendResult
from extractor.narrative.statements import extract_statements
from extractor.settings import Backend as BackendName


class RulesBackend:
    """Statements from the deterministic reader; forms left as parsed."""

    name: BackendName = "rules"

    def read(self, job: BackendJob) -> BackendResult:
        return BackendResult(statements=extract_statements(job.paragraphs))
