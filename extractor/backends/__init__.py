"""Backends: who reads the narrative statements (rules | llm | hybrid)."""

from __future__ import annotations

from extractor.backends.base import Backend, BackendJob, BackendResult
from extractor.settings import Settings

__all__ = ["Backend", "BackendJob", "BackendResult", "make_backend"]


def make_backend(settings: Settings) -> Backend:
    """The backend ``settings.backend`` names. The model backends are imported
    only when chosen, so the offline default never loads openai."""
    if settings.backend == "llm":
        from extractor.backends.llm import LLMBackend

        return LLMBackend(settings)
    if settings.backend == "hybrid":
        from extractor.backends.hybrid import HybridBackend

        return HybridBackend(settings)
    from extractor.backends.rules import RulesBackend

    return RulesBackend()
