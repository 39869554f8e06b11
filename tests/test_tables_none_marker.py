"""An empty table that prints 无 (none) where its first row would stand: the 无 is no row.

sfj 2026's 政府性基金 and 国有资本经营 function tables (page 16 of the PDF, rendered at
70 dpi) print `无` in the 类 cell of the first ruled row, blank rows, then an empty 合计 and
the note `…故本表为空表。`. The table is `empty` with one row, its 合计."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings
from extractor.tables import extract_tables
from tests.tables_helpers import report_text, source_of, table_by_id

SFJ = Path(__file__).resolve().parent.parent / "samples" / "shanghai" / "putuo_sfj_2026_unit_budget.pdf"


def test_none_in_the_code_column_is_not_a_row() -> None:
    text = report_text(
        "2026年预算单位政府性基金预算支出功能分类预算表",
        "编制单位：上海市某某区某局\t单位：元",
        "项目\t\t\t\t政府性基金预算支出\t\t",
        "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出",
        "类\t款\t项\t\t\t\t",
        "无\t\t\t\t\t\t",
        "合计\t\t\t\t\t\t",
        "",
        "注:本单位2026年无政府性基金预算财政拨款安排的预算，故本表为空表。",
    )
    (table,) = extract_tables(source_of(text))
    assert table.status == "empty"
    assert [(row.code, row.name) for row in table.rows] == [(None, "合计")]
    assert all(cell.text == "" for cell in table.rows[0].cells.values())


def test_a_labelled_row_printing_none_stays() -> None:
    """Only a line with nothing but 无 goes: a row with a code and a name stays."""
    text = report_text(
        "2026年预算单位政府性基金预算支出功能分类预算表",
        "编制单位：上海市某某区某局\t单位：元",
        "项目\t\t\t\t政府性基金预算支出\t\t",
        "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出",
        "类\t款\t项\t\t\t\t",
        "208\t\t\t社会保障和就业支出\t无\t\t",
        "合计\t\t\t\t无\t\t",
    )
    (table,) = extract_tables(source_of(text))
    assert [(row.code, row.name) for row in table.rows] == [("208", "社会保障和就业支出"), (None, "合计")]
    assert all(cell.value is None for row in table.rows for cell in row.cells.values())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
def test_sfj_empty_function_tables_from_the_pdf(settings: Settings) -> None:
    result = extract(load_report(SFJ, settings), settings)
    for table_id in ("政府性基金预算支出功能分类预算表", "国有资本经营预算支出功能分类预算表"):
        table = table_by_id(result.tables, table_id)
        assert table.status == "empty"
        assert [row.name for row in table.rows] == ["合计"]
        assert all(cell.value is None and cell.text == "" for cell in table.rows[0].cells.values())
