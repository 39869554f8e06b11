"""The backend protocol: one method, from a report's prose and forms to what
the backend read.

A backend decides who reads the narrative's quantitative statements and the
line-flow performance forms: the deterministic readers (``rules``, the
offline default), the language model (``llm``) or both (``hybrid``: the model
only where the rules leave figures unexplained or fail validation). The
pipeline calls :func:`~extractor.backends.make_backend` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from extractor.document import SourceText
from extractor.narrative.paragraphs import Paragraph
from extractor.settings import Backend as BackendName
from schemas import Failure, NarrativeStatement, PerformanceForm, ProjectSummary, Table, Usage


@dataclass
class BackendJob:
    """What a backend reads: one report's prose paragraphs, and the performance
    forms and tables the deterministic parsers found (the tables let the model
    backends check a narrative amount against the cell it names)."""

    source: SourceText
    paragraphs: list[Paragraph]
    forms: list[PerformanceForm] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class BackendResult:
    """What a backend returns, and how it was made (for RunInfo). ``forms`` is
    None when the backend leaves the deterministic forms as they are."""

    statements: list[NarrativeStatement] = field(default_factory=list)
    forms: list[PerformanceForm] | None = None
    # Per-project prose read by the model (None: the pipeline's patterns read it).
    project_summaries: list[ProjectSummary] | None = None
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    model_paragraphs: int = 0  # paragraphs the model was asked about
    model_forms: int = 0  # forms the model was asked about


class Backend(Protocol):
    """Reads the narrative statements (and, for the model backends, the
    line-flow forms) of one report."""

    name: BackendName

    def read(self, job: BackendJob) -> BackendResult:
        """What ``job`` says; failures are recorded in the result, not raised."""
        ...
