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
    assert result.document.page_sizes is not None and len(result.document.page_sizes) == 24
    assert result.document.page_sizes[9] == (841.9, 595.3)  # page 10: A4 landscape
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


def test_a_page_stored_turned_and_shown_upright_reads_as_shown() -> None:
    # Landscape tables are often stored on portrait pages drawn sideways, with /Rotate 90
    # turning them upright on screen: the reading follows what the reader sees.
    import io

    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import RectangleObject

    from extractor.document.loading import read_pdf_report

    original = (SHANGHAI / "putuo_fuliyuan_2024_unit_budget.pdf").read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        page.add_transformation(Transformation((0, 1, -1, 0, height, 0)))  # drawn a quarter turn
        page.mediabox = RectangleObject((0, 0, height, width))
        page.cropbox = RectangleObject((0, 0, height, width))
        page.rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    upright = read_pdf_report(original, "upright.pdf", Settings())
    turned = read_pdf_report(buffer.getvalue(), "turned.pdf", Settings())
    assert turned.text == upright.text
    assert turned.geometry is not None and upright.geometry is not None
    assert turned.geometry.page_sizes == upright.geometry.page_sizes
    row = next(line.number for line in upright.lines if "\t" in line.text)
    assert upright.geometry.line_boxes[row - 1] is not None
    assert turned.geometry.line_boxes[row - 1] == pytest.approx(upright.geometry.line_boxes[row - 1], abs=0.05)


def test_a_paragraph_running_over_a_page_break_is_one_line_with_each_part_on_its_page() -> None:
    # putuo_shgzb_2024_final.pdf: page 17 ends "…占本年支出合计的", page 18 goes on "100.00%。…";
    # the text is double-spaced (line pitch twice the font size).
    source = load_report(SHANGHAI / "putuo_shgzb_2024_final.pdf", Settings())
    number = _line(
        source,
        "一般公共预算财政拨款支出307.82万元，占本年支出合计的100.00%。与2023年度相比，"
        "一般公共预算财政拨款支出增加307.82万元，增长100.00%。主要原因：单位于2024年成立。",
    )
    text = source.line(number).text
    head = source.span(number, 0, text.index("100.00%"))
    tail = source.span(number, text.index("100.00%"), len(text))
    assert source.geometry is not None
    assert source.geometry.locate(head.char_start, head.char_end)[0] == 17  # type: ignore[index]
    assert source.geometry.locate(tail.char_start, tail.char_end)[0] == 18  # type: ignore[index]


def test_a_table_drawn_inside_a_form_xobject_is_read_as_a_grid() -> None:
    # Some writers wrap a page's drawing in a form XObject, placed with its own matrix.
    import io

    from reportlab.pdfgen import canvas

    from extractor.document.loading import read_pdf_report
    from tests.helpers.pdf_builders import FONT

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.beginForm("table")
    pdf.setFont(FONT, 10)
    rows = [["项目", "预算数"], ["一般公共服务支出", "1,234.50"], ["合计", "1,234.50"]]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            pdf.drawString(10 + 120 * c, 200 - 20 * r - 14, cell)
    for r in range(len(rows) + 1):
        pdf.line(5, 200 - 20 * r, 245, 200 - 20 * r)
    for x in (5, 125, 245):
        pdf.line(x, 200, x, 140)
    pdf.endForm()
    pdf.saveState()
    pdf.translate(100, 400)  # the form is placed away from its own origin
    pdf.doForm("table")
    pdf.restoreState()
    pdf.showPage()
    pdf.save()
    source = read_pdf_report(buffer.getvalue(), "form.pdf", Settings())
    assert [line.text for line in source.lines if line.text] == ["\t".join(row) for row in rows]
    assert source.geometry is not None
    assert source.geometry.cell_boxes[2][1] == pytest.approx((225, 842 - 580, 345, 842 - 560))


def test_a_frame_around_the_text_is_no_table() -> None:
    # A border around the page with a rule under the heading: two "rows", one "column".
    import io

    from reportlab.pdfgen import canvas

    from extractor.document.loading import read_pdf_report
    from tests.helpers.pdf_builders import FONT

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.setFont(FONT, 12)
    pdf.rect(40, 40, 515, 762)
    pdf.line(40, 740, 555, 740)
    pdf.drawString(200, 760, "部门预算编制说明")
    pdf.drawString(60, 700, "收入预算3,121.42万元。")
    pdf.drawString(60, 680, "支出预算3,121.42万元。")
    pdf.showPage()
    pdf.save()
    source = read_pdf_report(buffer.getvalue(), "framed.pdf", Settings())
    lines = [line.text for line in source.lines]
    assert lines == ["部门预算编制说明", "收入预算3,121.42万元。", "支出预算3,121.42万元。"]


def test_cells_merged_down_and_across_are_printed_once_in_their_top_left_position() -> None:
    # putuo_wanli_2024_budget.pdf page 31, 部门“三公”经费和机关运行经费预算表: 合计 spans two
    # header rows, 2024年机关运行经费预算数 three, 公务用车购置及运行费 three columns.
    source = load_report(SHANGHAI / "putuo_wanli_2024_budget.pdf", Settings())
    first = _line(source, "2024年“三公”经费预算数\t\t\t\t\t\t2024年机关运行经费预算数")
    assert [source.line(first + k).text for k in (1, 2, 3)] == [
        "合计\t因公出国(境)费\t公务接待费\t公务用车购置及运行费\t\t\t",
        "\t\t\t小计\t购置费\t运行费\t",
        "47.91\t0\t1.35\t46.56\t25\t21.56\t443.18",
    ]
    assert _page(source, first) == 31


def test_radical_and_compatibility_code_points_read_as_the_ideograph_and_unmapped_glyphs_warn() -> None:
    # Word/WPS exports often give 支 as the Kangxi radical ⽀ (U+2F40); fonts without a map
    # back to text give private-use codes.
    import io

    from reportlab.pdfgen import canvas

    from extractor.document.loading import read_pdf_report
    from tests.helpers.pdf_builders import FONT

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.setFont(FONT, 12)
    pdf.drawString(60, 700, "一般公共预算\u2f40出")
    pdf.showPage()
    pdf.save()
    source = read_pdf_report(buffer.getvalue(), "radical.pdf", Settings())
    assert [line.text for line in source.lines] == ["一般公共预算支出"] and source.warnings == []

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.setFont(FONT, 12)
    pdf.drawString(60, 700, "一般公共预算支出")
    pdf.drawString(60, 680, "\ue001\ue002\ue003")
    pdf.showPage()
    pdf.save()
    source = read_pdf_report(buffer.getvalue(), "unmapped.pdf", Settings())
    assert len(source.warnings) == 1 and "27% of the characters have no Unicode meaning" in source.warnings[0]


def test_what_the_page_prints_is_read_as_printed_even_a_wrong_code() -> None:
    # putuo_fuliyuan_2024_unit_budget.pdf, 支出预算总表 (page 9) and 一般公共预算支出功能分类
    # 预算表 (page 11): the 类 column of 事业单位医疗 prints 7 where 210 is meant (visible on
    # the rendered pages).
    source = load_report(SHANGHAI / "putuo_fuliyuan_2024_unit_budget.pdf", Settings())
    rows = [line for line in source.lines if line.text == "7\t11\t02\t事业单位医疗\t503,724\t503,724\t"]
    assert [_page(source, line.number) for line in rows] == [9, 11]
    for line in rows:
        assert source.line(line.number - 1).text == "210\t11\t\t行政事业单位医疗\t503,724\t503,724\t"


def test_contents_entries_ending_in_leader_dots_are_lines_of_their_own(czj_2025: SourceText) -> None:
    # Page 2, the 目录: "五、部门预算表 ……" runs its dots to the margin and "1. 2025年部门财务收支
    # 预算总表 ……" follows, indented: two entries, not one wrapped paragraph.
    entries = [line.text for line in czj_2025.lines if "……" in line.text and _page(czj_2025, line.number) == 2]
    assert len(entries) == 16
    assert [entry.split(" ")[0] for entry in entries[4:6]] == ["五、部门预算表", "1.2025年部门财务收支预算总表"]
