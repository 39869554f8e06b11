"""Reading published PDFs: tables as cell grids, paragraphs, pages and boxes.

Every value asserted here was checked by hand on the rendered page
(``pdftoppm -png -r 70 -f N -l N file.pdf``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import SourceText, load_report
from extractor.pipeline import extract
from extractor.settings import Settings
from schemas import Span

SHANGHAI = Path(__file__).resolve().parent.parent / "samples" / "shanghai"
PDFS = sorted(SHANGHAI.glob("*.pdf"))


@pytest.fixture(scope="module")
def czj_2025() -> SourceText:
    return load_report(SHANGHAI / "putuo_czj_2025_budget.pdf", Settings())


@pytest.fixture(scope="module")
def czj_2024() -> SourceText:
    return load_report(SHANGHAI / "putuo_czj_2024_final.pdf", Settings())


def _line(source: SourceText, text: str) -> int:
    """The number of the one line whose text is ``text``."""
    found = [line.number for line in source.lines if line.text == text]
    assert len(found) == 1, (text, found)
    return found[0]


def _page(source: SourceText, number: int) -> int:
    assert source.geometry is not None
    return source.geometry.line_pages[number - 1]


def test_the_ten_shanghai_pdfs_are_bundled_unchanged() -> None:
    assert len(PDFS) == 10
    assert (SHANGHAI / "README.md").exists()
    assert {p.name for p in PDFS} >= {"putuo_czj_2024_final.pdf", "putuo_wanli_2024_budget.pdf"}
    assert (SHANGHAI / "putuo_czj_2025_budget.pdf").stat().st_size == 179002


def test_a_ruled_table_row_is_one_line_of_tab_separated_cells(czj_2025: SourceText) -> None:
    # 2025年部门收入预算总表, page 10: 类 款 项 printed in three columns, empty cells kept.
    number = _line(czj_2025, "201\t06\t01\t行政运行\t16,231,840.80\t16,231,840.80\t\t\t")
    assert _page(czj_2025, number) == 10


def test_merged_header_cells_are_printed_once_in_their_top_left_position(czj_2025: SourceText) -> None:
    # 项目 spans the four label columns, 收入预算 the five value columns; 功能分类科目编码
    # spans 类/款/项; 事业单位经营收入 is one cell printed on two lines.
    first = _line(czj_2025, "项目\t\t\t\t收入预算\t\t\t\t")
    second = czj_2025.line(first + 1).text
    third = czj_2025.line(first + 2).text
    assert second == "功能分类科目编码\t\t\t功能分类科目名称\t合计\t财政拨款收入\t事业收入\t事业单位经营收入\t其他收入"
    assert third == "类\t款\t项\t\t\t\t\t\t"


def test_a_table_continued_on_the_next_page_is_joined_and_its_repeated_header_dropped(
    czj_2025: SourceText,
) -> None:
    # The 收入预算总表 runs from page 10 onto page 11, which prints the header again.
    last_on_10 = _line(czj_2025, "208\t05\t99\t其他行政事业单位养老支出\t9,620.00\t9,620.00\t\t\t")
    first_on_11 = czj_2025.line(last_on_10 + 1)
    assert first_on_11.text == "210\t\t\t卫生健康支出\t782,164.00\t782,164.00\t\t\t"
    assert _page(czj_2025, last_on_10) == 10 and _page(czj_2025, first_on_11.number) == 11
    total = _line(czj_2025, "合计\t\t\t\t31,214,205.80\t31,214,205.80\t\t\t")
    assert _page(czj_2025, total) == 11
    header = _line(czj_2025, "项目\t\t\t\t收入预算\t\t\t\t")  # once: page 11's copy was dropped
    assert header < last_on_10 < total


def test_a_cells_wrapped_lines_are_joined_into_one_value(czj_2024: SourceText) -> None:
    # 收入决算表, page 8: the name wraps onto a second line inside its cell.
    number = _line(czj_2024, "208\t05\t05\t机关事业单位基本养老保险缴费支出\t160.75\t160.75\t\t\t\t\t")
    assert _page(czj_2024, number) == 8


def test_running_text_wrapped_at_the_margin_is_one_paragraph(czj_2024: SourceText) -> None:
    # Page 21: two printed lines, one paragraph.
    paragraph = "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；"
    number = _line(czj_2024, paragraph)
    assert _page(czj_2024, number) == 21
    # A centred heading printed on two lines (also listed, on one line, in the contents on page 2).
    heading = "第三部分上海市普陀区财政局2024年度部门决算情况说明"
    assert [_page(czj_2024, line.number) for line in czj_2024.lines if line.text == heading] == [2, 21]


def test_text_clipped_away_at_the_top_of_a_page_is_not_read(czj_2025: SourceText) -> None:
    # Page 8 repeats the end of page 7 above its visible frame; only items 9-11 show.
    opening = "2025年，上海市普陀区财政局收入预算3,121.42万元"
    assert sum(1 for line in czj_2025.lines if line.text.startswith(opening)) == 1
    item = "11.“住房保障支出（类）住房改革支出（款）购房补贴（项）”"
    eleven = [line for line in czj_2025.lines if line.text.startswith(item)]
    assert [_page(czj_2025, line.number) for line in eleven] == [8]


def test_boxes_of_a_cell_are_where_the_page_draws_it(czj_2025: SourceText) -> None:
    number = _line(czj_2025, "201\t06\t01\t行政运行\t16,231,840.80\t16,231,840.80\t\t\t")
    start = czj_2025.line(number).text.index("16,231,840.80")
    span = czj_2025.span(number, start, start + len("16,231,840.80"))
    assert czj_2025.geometry is not None
    page, (x0, top, x1, bottom) = czj_2025.geometry.locate(span.char_start, span.char_end)  # type: ignore[misc]
    # Rendered at 144 dpi, the figure's ink spans x 775-908 px and y 554-572 px of page 10,
    # i.e. 387.5-454 pt across and 277-286 pt down (the cell's right wall at 456.5 pt):
    # the box covers the ink, closely.
    assert page == 10
    assert 380 < x0 <= 387.5 and 454 <= x1 < 460
    assert 268 < top <= 277 and 286 <= bottom < 292
    cell = czj_2025.geometry.cell_boxes[number][4]  # the cell the figure sits in
    assert cell[0] <= x0 and x1 <= cell[2] and cell[1] <= top and bottom <= cell[3]


def test_every_span_of_an_extraction_carries_its_page_and_box(czj_2025: SourceText) -> None:
    result = extract(czj_2025, Settings())
    table = next(t for t in result.tables if t.title.endswith("部门收入预算总表"))
    row = next(r for r in table.rows if r.name == "行政运行")
    cell = row.cells["收入预算/合计"]
    assert cell.value == 16231840.8
    assert cell.span is not None and cell.span.page == 10 and cell.span.bbox is not None
    assert row.name_span is not None and row.name_span.page == 10
    spans = _spans(result.model_dump())
    assert spans, "no spans found"
    unplaced = [s for s in spans if s["char_end"] > s["char_start"] and s.get("page") is None]
    assert not unplaced
    statement = next(s for s in result.narrative_statements if s.amount == 3121.42)
    assert statement.provenance["amount"].page == 7  # 部门预算编制说明, page 7
    located = [loc.span for f in result.findings for loc in f.locations if loc.span is not None]
    assert located and all(span.page is not None for span in located if span.char_end > span.char_start)


def test_text_input_spans_carry_no_page_and_dump_as_before() -> None:
    source = SourceText.from_text("t.txt", "a\tb\n", "0" * 64, "utf-8")
    assert source.geometry is None
    span = source.span(1, 0, 1)
    assert span.page is None and span.bbox is None
    assert span.model_dump(mode="json") == {"line_start": 1, "line_end": 1, "char_start": 0, "char_end": 1}
    assert Span(line_start=1, line_end=1, char_start=0, char_end=1).model_dump_json() == (
        '{"line_start":1,"line_end":1,"char_start":0,"char_end":1}'
    )


@pytest.mark.parametrize("path", PDFS, ids=[p.stem for p in PDFS])
def test_every_shanghai_pdf_reads_and_extracts_without_a_failure(path: Path) -> None:
    source = load_report(path, Settings())
    assert source.encoding == "pdf" and source.geometry is not None
    rows = [line for line in source.lines if "\t" in line.text]
    assert len(rows) >= 60  # nine tables of a few rows at least
    result = extract(source, Settings())
    assert result.failures == []
    assert sum(1 for t in result.tables if t.status == "present") >= 5


def _spans(value: object) -> list[dict[str, object]]:
    """Every dumped Span inside a dumped model."""
    found: list[dict[str, object]] = []
    if isinstance(value, dict):
        if {"line_start", "line_end", "char_start", "char_end"} <= value.keys():
            found.append(value)
        for item in value.values():
            found.extend(_spans(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_spans(item))
    return found
