"""Exports of one extraction: formula-like text stays text, control characters
do not break the workbook, numbers stay numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from extractor.service.exports import SHEETS, to_csv, to_xlsx
from schemas import DocumentInfo, ExtractionResult, Finding, Location, NarrativeStatement, RunInfo


def _result() -> ExtractionResult:
    return ExtractionResult(
        document=DocumentInfo(
            source_name="x.txt", sha256="0" * 64, encoding="utf-8", department="某某局", year=2024
        ),
        narrative_statements=[
            NarrativeStatement(
                paragraph_id="p3",
                metric='=HYPERLINK("http://evil","点击")',
                amount=12.5,
                unit="万元",
                change_pct=-5.2,
                reasons=["人员减少", "压减\x07经费"],
            ),
        ],
        findings=[
            Finding(
                rule_id="table.total_balance",
                family="table",
                severity="error",
                classification="report_error",
                message="合计不等于各项之和",
                stated=100.0,
                expected=99.0,
                difference=1.0,
                locations=[
                    Location(kind="table", ref="公开01表 / 合计", line_start=12),
                    Location(kind="table", ref="公开01表 / 一般公共预算"),
                ],
            ),
        ],
        run=RunInfo(extractor_version="0"),
    )


def test_csv_keeps_data_and_defuses_formulas() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_result(), "statements"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["metric"] == '\'=HYPERLINK("http://evil","点击")'
    assert (row["amount"], row["change_pct"], row["unit"]) == ("12.5", "-5.2", "万元")
    assert row["reasons"] == "人员减少；压减\x07经费"
    findings = list(csv.reader(io.StringIO(to_csv(_result(), "findings"))))
    finding = dict(zip(findings[0], findings[1], strict=True))
    assert finding["locations"] == "公开01表 / 合计 | 公开01表 / 一般公共预算"
    assert (finding["line_start"], finding["difference"]) == ("12", "1.0")


def test_xlsx_sheets_text_and_numbers() -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(_result())))
    assert tuple(workbook.sheetnames) == SHEETS
    sheet = workbook["statements"]
    header = [c.value for c in sheet[1]]
    metric = sheet.cell(2, header.index("metric") + 1)
    assert metric.data_type == "s" and metric.value.startswith("=HYPERLINK")
    assert sheet.cell(2, header.index("reasons") + 1).value == "人员减少；压减经费"  # BEL dropped
    assert sheet.cell(2, header.index("amount") + 1).value == 12.5
    report = {r[0]: r[1] for r in workbook["report"].iter_rows(min_row=2, values_only=True)}
    assert (report["department"], report["findings"], report["finding_errors"]) == ("某某局", 1, 1)
    assert workbook["indicators"].max_row == 1  # header only: no forms
