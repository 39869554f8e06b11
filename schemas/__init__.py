"""Pydantic models: the contract between the stages of ``extractor``.

This package imports nothing from ``extractor`` (an import-linter contract
checks it), so any consumer can read an extraction without the pipeline.
"""

from schemas.document import DocumentInfo, DocumentKind, ReportLevel, ReportPart
from schemas.extraction import SCHEMA_VERSION, ExtractionResult, Failure, RunInfo, Usage
from schemas.findings import Classification, Finding, Location, Severity
from schemas.forms import (
    Comparator,
    FormKind,
    FundRow,
    FundRowKind,
    Goals,
    Indicator,
    ParsedTarget,
    PerformanceForm,
    ScoreTable,
    ScoreTableRow,
)
from schemas.narrative import Direction, NarrativeParagraph, NarrativeStatement
from schemas.projects import (
    LinkMethod,
    MentionKind,
    Project,
    ProjectClaim,
    ProjectIndex,
    ProjectLink,
    ProjectMention,
    ProjectSummary,
    SummaryIndicator,
    SummaryKind,
)
from schemas.provenance import Span
from schemas.tables import Cell, Column, Table, TableRow, TableStatus

__all__ = [
    "SCHEMA_VERSION",
    "Cell",
    "Classification",
    "Column",
    "Comparator",
    "Direction",
    "DocumentInfo",
    "DocumentKind",
    "ExtractionResult",
    "Failure",
    "Finding",
    "FormKind",
    "FundRow",
    "FundRowKind",
    "Goals",
    "Indicator",
    "LinkMethod",
    "Location",
    "MentionKind",
    "NarrativeParagraph",
    "NarrativeStatement",
    "ParsedTarget",
    "PerformanceForm",
    "Project",
    "ProjectClaim",
    "ProjectIndex",
    "ProjectLink",
    "ProjectMention",
    "ProjectSummary",
    "ReportLevel",
    "ReportPart",
    "RunInfo",
    "ScoreTable",
    "ScoreTableRow",
    "Severity",
    "Span",
    "SummaryIndicator",
    "SummaryKind",
    "Table",
    "TableRow",
    "TableStatus",
    "Usage",
]
