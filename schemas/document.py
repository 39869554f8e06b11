"""What the report is: department, year, kind, unit, and its parts."""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Span

DocumentKind = Literal["final_account", "budget", "unknown"]


class ReportPart(BaseModel):
    """One top-level part of the report (第一部分 部门概况, 第三部分 情况说明, ...)."""

    title: str
    role: Literal["overview", "tables", "explanation", "glossary", "self_evaluation", "other"]
    span: Span


class DocumentInfo(BaseModel):
    """Identity of one report. ``kind``: 部门决算 = final_account, 部门预算 = budget."""

    source_name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    encoding: str
    department: str | None = None
    year: int | None = None
    kind: DocumentKind = "unknown"
    currency_unit: str = "万元"
    line_count: int = 0
    char_count: int = 0
    parts: list[ReportPart] = Field(default_factory=list)
    provenance: dict[str, Span] = Field(default_factory=dict)
    # What the report itself shows to be wrong with the file: a text cut off inside a
    # character, parts its contents list that the text never reaches. Left out when empty.
    warnings: list[str] = Field(default_factory=list, exclude_if=lambda value: not value)
    # A report read from a PDF: (width, height) of each page in points, as shown, so the
    # boxes of its spans (``Span.bbox``, top-left origin) can be drawn on page images.
    # Left out for text input.
    page_sizes: list[tuple[float, float]] | None = Field(default=None, exclude_if=lambda value: value is None)
