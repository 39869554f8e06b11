"""The backend protocol: one method, from paragraphs to statements.

A backend decides who reads the narrative's quantitative statements: the
deterministic reader (``rules``, the offline default), the language model
(``llm``) or both (``hybrid``: the model only where the rules leave figures
unexplained). The pipeline calls :func:`make_backend` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from schemas import Failure, NarrativeStatement, Usage

from extractor.document import SourceText
from extractor.narrative.paragraphs import Paragraph
from extractor.settings import Backend as BackendName


@dataclass
class BackendJob:
    """What a backend reads: one report's prose paragraphs."""

    source: SourceText
    paragraphs: list[Paragraph]


@dataclass
class BackendResult:
    """What a backend returns, and how it was made (for RunInfo)."""

    statements: list[NarrativeStatement] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    model_paragraphs: int = 0  # paragraphs the model was asked about


class Backend(Protocol):
    """Reads the narrative statements of one report."""

    name: BackendName

    def statements(self, job: BackendJob) -> BackendResult:
        """The statements of ``job.paragraphs``; failures are recorded, not raised."""
        ...
