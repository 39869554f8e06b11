"""Same answers from both roads: a report read from its PDF and from text holding the
same content gives the same tables, forms and statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.document import SourceText, decode_report
from extractor.document.loading import read_pdf_report
from extractor.forms import extract_forms
from extractor.settings import Settings
from extractor.tables import extract_tables
from tests.conftest import CORPUS
from tests.pdf_builders import Layout, ruled_report_pdf
from tests.test_cli_extract import run_cli

SHANGHAI = Path(__file__).resolve().parent.parent / "samples" / "shanghai"
# Where a value stands differs between the two texts (line numbers, offsets, pages);
# what it is must not.
_POSITIONS = {"span", "name_span", "provenance", "line", "line_start", "line_end", "page", "bbox"}


def _values(value: object) -> object:
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items() if k not in _POSITIONS}
    if isinstance(value, list):
        return [_values(item) for item in value]
    return value


def _without_boxes(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_boxes(v) for k, v in value.items() if k not in {"page", "bbox"}}
    if isinstance(value, list):
        return [_without_boxes(item) for item in value]
    return value


@pytest.mark.parametrize("name", ["putuo_czj_2025_budget", "putuo_czj_2024_final"])
def test_the_text_out_of_a_pdf_extracts_to_the_same_answers(tmp_path: Path, name: str) -> None:
    pdf = SHANGHAI / f"{name}.pdf"
    text = tmp_path / f"{name}.txt"
    done = run_cli("extract", str(pdf), "-o", str(tmp_path / "pdf.json"), "--text-out", str(text), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run_cli("extract", str(text), "-o", str(tmp_path / "text.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    from_pdf = json.loads((tmp_path / "pdf.json").read_text(encoding="utf-8"))
    from_text = json.loads((tmp_path / "text.json").read_text(encoding="utf-8"))
    assert from_pdf["tables"] and from_pdf["narrative_statements"]
    for key in ("tables", "performance_forms", "score_tables", "narratives", "narrative_statements", "findings"):
        # The same text, so the same spans too: only the page and box are extra.
        assert _without_boxes(from_pdf[key]) == from_text[key], key
    for key in ("department", "year", "kind", "unit"):
        assert from_pdf["document"].get(key) == from_text["document"].get(key), key
    assert from_pdf["document"]["encoding"] == "pdf"
    def cell_spans(result: dict) -> list[dict]:
        return [c["span"] for t in result["tables"] for r in t["rows"] for c in r["cells"].values() if c["span"]]

    assert cell_spans(from_pdf) and all(s["page"] >= 1 and len(s["bbox"]) == 4 for s in cell_spans(from_pdf))
    assert not any("page" in span for span in cell_spans(from_text))


def _snippet(first: int, last: int) -> list[str]:
    """Lines ``first``..``last`` (1-based, inclusive) of bundled report 001."""
    return CORPUS["001"].read_text(encoding="utf-8").split("\n")[first - 1 : last]


def _read_back(lines: list[str], layout: Layout) -> tuple[SourceText, SourceText]:
    text = decode_report("\n".join(lines).encode("utf-8"), "001.txt")
    pdf = read_pdf_report(ruled_report_pdf(lines, layout), "001.pdf", Settings())
    return text, pdf


def test_a_ruled_pdf_of_a_text_reports_tables_reads_back_line_for_line() -> None:
    # 公开01表 and 公开02表 of report 001, printed as ruled tables over pages of 330 points,
    # so 公开02表 runs onto the next page with its header printed again, under a running
    # head and above a page number; long names and figures wrap inside their cells.
    lines = _snippet(100, 170)
    text, pdf = _read_back(lines, Layout(body_bottom=400))
    assert pdf.geometry is not None and len(pdf.geometry.page_sizes) >= 3
    assert [line.text for line in pdf.lines if line.text] == [line for line in lines if line.strip()]
    tables_text = [t.model_dump() for t in extract_tables(text)]
    tables_pdf = [t.model_dump() for t in extract_tables(pdf)]
    assert len(tables_pdf) == 2 and all(t["status"] == "present" for t in tables_pdf)
    assert _values(tables_pdf) == _values(tables_text)
    income = next(t for t in extract_tables(pdf) if t.id == "公开02表")
    pages = {pdf.geometry.line_pages[row.line - 1] for row in income.rows}
    assert pages == {2, 3, 4}  # one table read from three pages
    total = next(row for row in income.rows if row.name == "合计")
    cell = next(iter(c for c in total.cells.values() if c.value == 17334.64))
    assert cell.span is not None
    assert pdf.geometry.locate(cell.span.char_start, cell.span.char_end) is not None


@pytest.mark.parametrize("label", ["续表", "（续表）", "续表1"])
def test_a_continued_label_over_the_rest_of_a_table_is_left_out(label: str) -> None:
    lines = _snippet(129, 170)  # 公开02表
    _, pdf = _read_back(lines, Layout(body_bottom=300, continued_label=label))
    assert pdf.geometry is not None and len(pdf.geometry.page_sizes) >= 2
    assert [line.text for line in pdf.lines if line.text] == [line for line in lines if line.strip()]


def test_the_rest_of_a_table_placed_elsewhere_on_the_next_page_is_joined_by_its_repeated_header() -> None:
    lines = _snippet(129, 170)  # 公开02表
    _, pdf = _read_back(lines, Layout(body_bottom=300, continued_shift=25))
    assert pdf.geometry is not None and len(pdf.geometry.page_sizes) >= 2
    assert [line.text for line in pdf.lines if line.text] == [line for line in lines if line.strip()]


def test_a_ruled_pdf_of_performance_forms_reads_back_to_the_same_forms() -> None:
    # Three 项目支出绩效自评表 of report 001: 11 columns, goals wrapped over many lines.
    lines = _snippet(391, 440)
    text, pdf = _read_back(lines, Layout())
    assert [line.text for line in pdf.lines if line.text] == [line for line in lines if line.strip()]
    forms_text, failures_text = extract_forms(text)
    forms_pdf, failures_pdf = extract_forms(pdf)
    assert len(forms_pdf) == 3 and not failures_pdf and not failures_text
    assert _values([f.model_dump() for f in forms_pdf]) == _values([f.model_dump() for f in forms_text])
    assert forms_pdf[0].project_name == "政府序列会议经费"
