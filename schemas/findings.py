"""Reconciliation findings: one figure checked against others that must agree."""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Span

Severity = Literal["error", "warning", "info"]
Classification = Literal["rounding", "extraction", "report_error", "semantic"]


class Location(BaseModel):
    """Where a checked figure stands: a table cell, a form field or a narrative span."""

    kind: Literal["table", "form", "narrative", "document"]
    ref: str  # e.g. "公开03表 / 201 一般公共服务支出 / 本年支出合计"
    line_start: int | None = None
    line_end: int | None = None
    span: Span | None = None


class Finding(BaseModel):
    """The outcome of one rule on one set of figures that disagree (or almost)."""

    rule_id: str  # e.g. table.total_balance
    family: str  # table | cross_table | narrative | form
    severity: Severity
    classification: Classification
    message: str
    locations: list[Location] = Field(default_factory=list)
    stated: float | None = None
    expected: float | None = None
    difference: float | None = None
    tolerance: float | None = None
    # The project (``ProjectIndex.projects[].id``) the finding is about, for project rules;
    # left out of the output when None.
    project: str | None = Field(default=None, exclude_if=lambda value: value is None)
