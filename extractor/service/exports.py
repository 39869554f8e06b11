"""Flat exports of one extraction: performance indicators, narrative
statements and findings, as an Excel workbook or one CSV per sheet.

Sheets (and the ``sheet`` values of ``export.csv``):

- ``report``: field / value pairs (department, year, kind, sha256, counts, ...)
- ``indicators``: one row per performance indicator of every form
- ``statements``: one row per quantitative narrative statement
- ``findings``: one row per reconciliation finding
- ``tables``: the fixed tables, one block each: a line with the table's id, title,
  unit and status, a header line (科目代码, name, 行次, source line, then each
  column's header path), its rows, and an empty line before the next table

Column names are the schema's field names (English); values are as written
in the report, numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from schemas import ExtractionResult
from schemas.fields import STATEMENT_READING_FIELDS

SheetName = Literal["report", "tables", "indicators", "statements", "findings"]
SHEETS: tuple[SheetName, ...] = ("report", "tables", "indicators", "statements", "findings")

Cell = str | int | float | bool | None

INDICATOR_COLUMNS = [
    "form",
    "form_kind",
    "form_title",
    "project_name",
    "implementing_unit",
    "level1",
    "level2",
    "level3",
    "target",
    "actual",
    "target_comparator",
    "target_number",
    "target_unit",
    "actual_comparator",
    "actual_number",
    "actual_unit",
    "weight",
    "score",
    "deviation_reason",
    "line_start",
    "line_end",
]
# What a statement says comes from the schema (schemas.fields); around it, where and how it was read.
STATEMENT_COLUMNS = [
    "paragraph_id",
    "section",
    *STATEMENT_READING_FIELDS,
    "grounded",
    "grounding_note",
    "source",
    "prompt_version",
    "line_start",
]
FINDING_COLUMNS = [
    "rule_id",
    "family",
    "severity",
    "classification",
    "message",
    "stated",
    "expected",
    "difference",
    "tolerance",
    "locations",
    "line_start",
]


def report_rows(result: ExtractionResult) -> list[list[Cell]]:
    doc = result.document
    errors = sum(1 for f in result.findings if f.severity == "error")
    pairs: list[tuple[str, Cell]] = [
        ("source_name", doc.source_name),
        ("sha256", doc.sha256),
        ("department", doc.department),
        ("year", doc.year),
        ("kind", doc.kind),
        ("currency_unit", doc.currency_unit),
        ("tables_present", sum(1 for t in result.tables if t.status != "missing")),
        ("tables_missing", ", ".join(result.missing)),
        ("performance_forms", len(result.performance_forms)),
        ("indicators", sum(len(f.indicators) for f in result.performance_forms)),
        ("narrative_paragraphs", len(result.narratives)),
        ("statements", len(result.narrative_statements)),
        ("findings", len(result.findings)),
        ("finding_errors", errors),
        ("failures", len(result.failures)),
        ("backend", result.run.backend),
        ("extractor_version", result.run.extractor_version),
        ("model", result.run.model),
        ("schema_version", result.schema_version),
    ]
    return [["field", "value"], *[[name, value] for name, value in pairs]]


def indicator_rows(result: ExtractionResult) -> list[list[Cell]]:
    rows: list[list[Cell]] = [list(INDICATOR_COLUMNS)]
    for number, form in enumerate(result.performance_forms, start=1):
        for ind in form.indicators:
            target, actual = ind.target_parsed, ind.actual_parsed
            rows.append(
                [
                    number,
                    form.kind,
                    form.title,
                    form.project_name,
                    form.implementing_unit,
                    ind.level1,
                    ind.level2,
                    ind.level3,
                    ind.target,
                    ind.actual,
                    target.comparator if target else None,
                    target.number if target else None,
                    target.unit if target else None,
                    actual.comparator if actual else None,
                    actual.number if actual else None,
                    actual.unit if actual else None,
                    ind.weight,
                    ind.score,
                    ind.deviation_reason,
                    ind.line_start,
                    ind.line_end,
                ]
            )
    return rows


def statement_rows(result: ExtractionResult) -> list[list[Cell]]:
    sections = {p.id: " > ".join(p.section_path) for p in result.narratives}
    lines = {p.id: p.span.line_start for p in result.narratives}
    rows: list[list[Cell]] = [list(STATEMENT_COLUMNS)]
    for st in result.narrative_statements:
        rows.append(
            [
                st.paragraph_id,
                sections.get(st.paragraph_id),
                *(_cell(getattr(st, name)) for name in STATEMENT_READING_FIELDS),
                st.grounded,
                st.grounding_note,
                st.source,
                st.prompt_version,
                lines.get(st.paragraph_id),
            ]
        )
    return rows


def _cell(value: Any) -> Cell:
    """A statement's value as one cell: a list (the reasons) joined with ；."""
    return "；".join(value) if isinstance(value, list) else value


def finding_rows(result: ExtractionResult) -> list[list[Cell]]:
    rows: list[list[Cell]] = [list(FINDING_COLUMNS)]
    for finding in result.findings:
        first_line = next((loc.line_start for loc in finding.locations if loc.line_start), None)
        rows.append(
            [
                finding.rule_id,
                finding.family,
                finding.severity,
                finding.classification,
                finding.message,
                finding.stated,
                finding.expected,
                finding.difference,
                finding.tolerance,
                " | ".join(loc.ref for loc in finding.locations),
                first_line,
            ]
        )
    return rows


def table_rows(result: ExtractionResult) -> list[list[Cell]]:
    """One block per table (the tables differ in their columns, so no common header)."""
    rows: list[list[Cell]] = []
    for table in result.tables:
        if rows:
            rows.append([])
        rows.append(["table", table.id, table.title, "unit", table.unit, "status", table.status])
        if table.status == "missing":
            continue
        rows.append(["code", "name", "row_number", "line", *("/".join(c.header) or c.key for c in table.columns)])
        for row in table.rows:
            values: list[Cell] = [row.code, row.name, row.row_number, row.line]
            for column in table.columns:
                cell = row.cells.get(column.key)
                # The figure as a number; text that is not one (——, 无) stays as printed.
                values.append(None if cell is None else cell.value if cell.value is not None else cell.text or None)
            rows.append(values)
    return rows


SHEET_ROWS: dict[str, Callable[[ExtractionResult], list[list[Cell]]]] = {
    "report": report_rows,
    "tables": table_rows,
    "indicators": indicator_rows,
    "statements": statement_rows,
    "findings": finding_rows,
}


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def to_xlsx(result: ExtractionResult, review: list[list[Cell]] | None = None) -> bytes:
    """The workbook: one sheet per entry of :data:`SHEETS`, header row frozen;
    with ``review`` (the analysts' decisions, ``decisions.review_rows``) a last sheet ``review``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        sheet = workbook.create_sheet(name)
        rows = SHEET_ROWS[name](result)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                # Text like "=合计" must stay text, not become a formula.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        if name == "tables":  # blocks, not one header row
            sheet.column_dimensions["B"].width = 40
            continue
        sheet.freeze_panes = "A2"
        for index, header in enumerate(rows[0], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(50, len(str(header)) + 4))
    if review is not None:
        decided = workbook.create_sheet("review")
        for row in review:
            decided.append([_xlsx_value(v) for v in row])
        for row in decided.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        decided.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A cell that a spreadsheet would run as a formula calling something: =HYPERLINK(..), =cmd|.., @SUM(..).
_FORMULA_LIKE = re.compile(r"^[=+@-].*[A-Za-z(|!]")


def _csv_value(value: Cell) -> Any:
    # Targets such as "=100%" or "-5%" are data and stay as written; only
    # formula-like text gets the leading quote that keeps it text in Excel.
    if isinstance(value, str) and _FORMULA_LIKE.match(value):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def to_csv(result: ExtractionResult, sheet: SheetName) -> str:
    """One sheet as CSV text (the caller encodes it as UTF-8 with a BOM, for Excel)."""
    return rows_to_csv(SHEET_ROWS[sheet](result))


def rows_to_csv(rows: list[list[Cell]]) -> str:
    """Rows as CSV text, formula-like cells kept text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue()
