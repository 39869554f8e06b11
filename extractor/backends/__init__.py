"""Backends: who reads the narrative statements (rules | llm | hybrid)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from extractor.backends.base import Backend, BackendJob, BackendResult
from extractor.settings import Settings

if TYPE_CHECKING:  # openai is loaded only when a model backend is chosen
    from extractor.llm.call_queue import ModelQueue

__all__ = ["Backend", "BackendJob", "BackendResult", "make_backend", "run_backend"]


def make_backend(settings: Settings, queue: ModelQueue | None = None) -> Backend:
    """The backend ``settings.backend`` names; the model backends send their calls
    through ``queue`` when given (a run's), else through a client per report.
    The model backends are imported only when chosen, so the offline default
    never loads openai."""
    if settings.backend == "llm":
        from extractor.backends.llm import LLMBackend

        return LLMBackend(settings, queue)
    if settings.backend == "hybrid":
        from extractor.backends.hybrid import HybridBackend

        return HybridBackend(settings, queue)
    from extractor.backends.rules import RulesBackend

    return RulesBackend()


@contextmanager
def run_backend(settings: Settings) -> Iterator[Backend]:
    """The backend of a run over several reports: for the model backends, every
    call of every report goes through one queue, at ``settings.llm.concurrency``
    calls in flight; the queue closes when the run ends."""
    if settings.backend == "rules":
        yield make_backend(settings)
        return
    from extractor.llm.call_queue import ModelQueue

    with ModelQueue(settings.llm) as queue:
        yield make_backend(settings, queue)
