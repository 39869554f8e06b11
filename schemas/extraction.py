"""The whole output of one extraction run: what ``extractor extract`` writes."""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.document import DocumentInfo
from schemas.findings import Finding
from schemas.forms import PerformanceForm, ScoreTable
from schemas.narrative import NarrativeParagraph, NarrativeStatement
from schemas.projects import ProjectIndex
from schemas.provenance import Span
from schemas.tables import Table

# The version of the output format; a run identity (extractor.run_identity) includes it.
SCHEMA_VERSION = "1"


class Failure(BaseModel):
    """A chunk that could not be extracted, with the reason; the run went on."""

    stage: Literal["load", "tables", "forms", "narrative", "llm", "reconcile"]
    chunk_id: str
    reason: str
    error_type: str
    span: Span | None = None


class Usage(BaseModel):
    """Token usage of language-model calls (failed attempts included)."""

    calls: int = 0
    cached_calls: int = 0
    failed_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    # Statements asked again because a reconciliation rule failed on the model's
    # answer (left out of the output when 0).
    reasks: int = Field(default=0, exclude_if=lambda value: value == 0)


class RunInfo(BaseModel):
    """How the extraction was made: backend, model, prompt versions and hashes."""

    backend: Literal["rules", "llm", "hybrid"] = "rules"
    extractor_version: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict)  # name -> "version@hash"
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0


class ExtractionResult(BaseModel):
    """One report, extracted. Top-level keys are stable; new ones may be added."""

    schema_version: str = SCHEMA_VERSION
    document: DocumentInfo
    tables: list[Table] = Field(default_factory=list)
    performance_forms: list[PerformanceForm] = Field(default_factory=list)
    score_tables: list[ScoreTable] = Field(default_factory=list)
    narratives: list[NarrativeParagraph] = Field(default_factory=list)
    narrative_statements: list[NarrativeStatement] = Field(default_factory=list)
    # One record per project with every mention of it (forms, table rows, prose, score rows).
    projects: ProjectIndex = Field(default_factory=ProjectIndex)
    findings: list[Finding] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    run: RunInfo
