"""Exports of one extraction: formula-like text stays text, control characters
do not break the workbook, numbers stay numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from extractor.document import SourceText
from extractor.pipeline import extract
from extractor.service.exports import SHEETS, to_csv, to_xlsx
from extractor.settings import Settings
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


def _corpus_001(corpus: dict[str, SourceText], settings: Settings) -> ExtractionResult:
    return extract(corpus["001"], settings)


def test_xlsx_tables_sheet_holds_each_table_as_a_block(corpus: dict[str, SourceText], settings: Settings) -> None:
    result = _corpus_001(corpus, settings)
    workbook = load_workbook(io.BytesIO(to_xlsx(result)))
    assert "tables" in workbook.sheetnames
    rows = [list(r) for r in workbook["tables"].iter_rows(values_only=True)]
    # 001 line 109-112: 收入支出决算总表, 一般公共预算财政拨款收入 (行次 1) 17321.91 万元
    assert rows[0][:7] == ["table", "公开01表", "收入支出决算总表", "unit", "万元", "status", "present"]
    assert rows[1][:6] == ["code", "name", "row_number", "line", "收入/决算数", "支出/决算数"]
    assert rows[2][:6] == [None, "一、一般公共预算财政拨款收入", 1, 112, 17321.91, None]
    assert rows[3][:6] == [None, "一、一般公共服务支出", 14, 112, None, 14260.08]
    starts = [r[1] for r in rows if r and r[0] == "table"]
    assert starts == [t.id for t in result.tables]  # every table, in order, one block each
    assert len(starts) == 9


def test_csv_tables_sheet(corpus: dict[str, SourceText], settings: Settings) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_corpus_001(corpus, settings), "tables"))))
    assert rows[0][:3] == ["table", "公开01表", "收入支出决算总表"]
    assert rows[2][:5] == ["", "一、一般公共预算财政拨款收入", "1", "112", "17321.91"]
    assert sum(1 for r in rows if r and r[0] == "table") == 9
