"""Fixed tables (公开01–09表 of a 决算, 预算表1–9 of a 预算, and the others reports carry)."""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Span

TableStatus = Literal["present", "partial", "empty", "missing"]


class Column(BaseModel):
    """One value column. ``key`` is the resolved header path joined by ``/``
    (e.g. ``本年支出/基本支出/人员经费``); two-sided tables (收入 | 支出) prefix
    the side (``支出/决算数``)."""

    key: str
    header: list[str]
    side: str | None = None
    number: str | None = None  # the 栏次 label printed under the header, if any


class Cell(BaseModel):
    """One numeric cell: the value (None for empty / ``——``) and its source text."""

    value: float | None
    text: str
    span: Span | None = None


class TableRow(BaseModel):
    """One row. ``code`` is the 科目代码 (3/5/7-digit functional or economic
    classification code) where the table prints one."""

    code: str | None = None
    name: str = ""
    side: str | None = None
    row_number: int | None = None  # 行次 / 序号 as printed
    line: int
    name_span: Span | None = None
    cells: dict[str, Cell] = Field(default_factory=dict)

    def value(self, key: str) -> float | None:
        """The value in column ``key`` (None when the cell is absent or empty)."""
        cell = self.cells.get(key)
        return cell.value if cell else None


class Table(BaseModel):
    """One fixed table. ``status`` is ``missing`` when the report announces the
    table (in its contents or a heading) but its body is not in the text,
    ``empty`` when the body is there without any figure (e.g. 本单位没有政府性基金),
    and ``partial`` when some printed figures could not be placed in their
    columns (PDF line flow drops empty cells; ``notes`` name the rows): its rows
    are given as far as they go, and reconciliation does not check it."""

    id: str  # normalised id: 公开01表, 预算表3, 公开10表, or a slug of the title
    title: str
    unit: str = "万元"
    status: TableStatus = "present"
    columns: list[Column] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    line_start: int | None = None
    line_end: int | None = None
    notes: list[str] = Field(default_factory=list)
