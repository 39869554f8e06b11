"""The shortcuts taken for speed give what the long way gives.

Normalisation skips folding and markup removal on lines that need neither;
form scoring asks :func:`is_target` instead of building a ParsedTarget; the
statement reader splits clauses with a pattern instead of a character loop;
grounding folds whole strings. Each case here holds a value worked out by hand,
and reaches the shortcut through the public function that takes it.
"""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from extractor.document.segment import heading_of
from extractor.document.source import Line, SourceText, make_span, maps_to_itself, normalise_line
from extractor.forms import is_tabbed_block
from extractor.forms.cells import Cell, best_reading, is_indicator_header, row_cells
from extractor.forms.detect import find_form_blocks
from extractor.forms.lineflow_tokens import (
    RowReader,
    RowShape,
    Token,
    display_width,
    split_rows,
    tokenize,
    tokenize_line,
)
from extractor.forms.targets import is_target, parse_target
from extractor.narrative.clauses import (
    COMPARATOR,
    FLAT_HINT,
    REASON,
    TABULAR,
    TRAIL_LAST,
    TRAIL_STRIP,
    split_clauses,
    split_marks,
)
from extractor.narrative.grounding import find_quotes, ground_statement
from extractor.narrative.statements import extract_statements
from extractor.reconcile import registry
from extractor.reconcile.engine import Reporter
from extractor.reconcile.figures import Figure, form_figure, narrative_figure, table_figure
from extractor.tables.cells import RawCell, RawRow
from extractor.tables.detection import LineInfo, classify
from extractor.tables.header import table_width
from schemas import Cell as TableCell
from schemas import Column, Location, NarrativeStatement, PerformanceForm, Span, Table, TableRow
from tests.helpers.narrative import paragraph_of


def test_plain_line_keeps_identity_offsets() -> None:
    assert normalise_line("收入 1,234.56 万元") == ("收入 1,234.56 万元", tuple(range(14)), 0)


def test_full_width_figures_fold_on_the_fast_path() -> None:
    # １２．５％ is five characters; each folds to one ASCII character at the same place.
    assert normalise_line("增长１２．５％") == ("增长12.5%", tuple(range(7)), 0)


def test_markup_and_heading_are_dropped_with_their_offsets() -> None:
    text, offsets, heading = normalise_line("## **支出**<br/>１０")
    assert (text, heading) == ("支出10", 2)
    # "## " is 0-2, "**" 3-4, 支出 5-6, "**" 7-8, "<br/>" 9-13, １０ 14-15
    assert offsets == (5, 6, 14, 15)


def test_blank_is_set_at_construction_and_on_replace() -> None:
    line = Line(3, "  ", "  ", 10, (0, 1))
    assert line.blank
    page = Line(4, "12", "12", 13, (0, 1), page_number=True)
    assert page.blank
    assert not dataclasses.replace(line, text="支出").blank
    assert line == Line(3, "  ", "  ", 10, (0, 1))


def test_page_number_lines_are_blank_in_a_source() -> None:
    source = SourceText.from_text("x", "说明\n3\n第二部分 决算表\n", "0" * 64, "utf-8")
    assert [line.blank for line in source.lines] == [False, True, False, True]


@pytest.mark.parametrize(
    ("text", "reads"),
    [("≥90%", True), ("不低于95%", True), ("平稳", False), ("24年12月31日前", False), ("=0.30.3", True)],
)
def test_is_target_agrees_with_parse_target(text: str, reads: bool) -> None:
    assert is_target(text) is reads
    assert (parse_target(text) is not None) is reads


def test_parse_target_returns_a_fresh_model_each_time() -> None:
    first, second = parse_target("≥90%"), parse_target("≥90%")
    assert first == second and first is not second
    assert (first.comparator, first.number, first.unit) == (">=", 90.0, "%")


def test_clauses_keep_thousands_separators() -> None:
    text = "支出1,234.56万元，比上年增加12万元,增长1%"
    spans = split_clauses(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == ["支出1,234.56万元", "比上年增加12万元", "增长1%"]


def test_split_drops_empty_pieces() -> None:
    text = "甲。。乙！丙"
    assert [text[s:e] for s, e in split_marks(text, 0, len(text), "。！？!?")] == ["甲", "乙", "丙"]


def test_a_quote_found_in_folded_text_maps_back_to_the_original_characters() -> None:
    # Folded, "收入 1,234．5 万元" reads 收入1234.5万元: the space (2), the comma (4) and the
    # space before 万 (10) dropped; the quote stands at 3..13 of the original.
    assert find_quotes(paragraph_of("收入 1,234．5 万元"), "1234.5万元") == [(3, 13)]


# --- spans, offsets and per-source memos --------------------------------------------------


def test_make_span_is_a_validated_span() -> None:
    assert make_span(2, 3, 10, 20) == Span(line_start=2, line_end=3, char_start=10, char_end=20)
    with pytest.raises(ValidationError):
        make_span(0, 1, 0, 0)  # lines are 1-based


def test_from_text_inlines_normalise_line_for_plain_lines() -> None:
    raw = ["## 概况", "收入１０万元", "<b>支</b>出", "平常一行"]
    source = SourceText.from_text("x", "\n".join(raw), "0" * 64, "utf-8")
    read = [(line.text, line.offsets, line.heading_level) for line in source.lines]
    assert read == [normalise_line(text) for text in raw]
    # worked by hand: "## " dropped (offsets 3, 4); １０ folded in place; <b> and </b> dropped
    assert read[0] == ("概况", (3, 4), 2)
    assert read[1] == ("收入10万元", (0, 1, 2, 3, 4, 5), 0)
    assert read[2] == ("支出", (3, 8), 0)


def test_maps_to_itself_only_for_the_shared_identity() -> None:
    plain = SourceText.from_text("x", "收入支出", "0" * 64, "utf-8").lines[0]
    marked = SourceText.from_text("x", "**收入**", "0" * 64, "utf-8").lines[0]
    assert plain.offsets == (0, 1, 2, 3) and maps_to_itself(plain.offsets)
    assert marked.offsets == (2, 3) and not maps_to_itself(marked.offsets)
    assert not maps_to_itself(tuple([0, 1, 2, 3]))  # equal, but not known to be the identity


def test_span_over_is_the_merge_of_the_spans() -> None:
    source = SourceText.from_text("x", "ab cd\n  ef\ngh", "0" * 64, "utf-8")
    pieces = [(2, 2, 4), (1, 3, 5), (1, 0, 1)]
    merged = source.span(*pieces[0]).merge(source.span(*pieces[1])).merge(source.span(*pieces[2]))
    # line 1 starts at 0 ("ab cd"), line 2 at 6 ("  ef"): chars 0..1, 3..5, 8..10
    assert source.span_over(pieces) == merged == Span(line_start=1, line_end=2, char_start=0, char_end=10)
    with pytest.raises(ValueError):
        source.span_over([])


def test_memo_builds_once_per_source() -> None:
    source = SourceText.from_text("x", "甲\n乙", "0" * 64, "utf-8")
    calls: list[int] = []

    def build(s: SourceText) -> int:
        calls.append(1)
        return len(s.lines)

    assert source.memo("count", build) == 2 and source.memo("count", build) == 2
    assert calls == [1]


def test_form_blocks_are_found_once_and_handed_out_as_fresh_lists() -> None:
    text = "项目支出绩效自评表\n项目名称\t某项目\n第三部分 附件\n"
    source = SourceText.from_text("x", text, "0" * 64, "utf-8")
    first = find_form_blocks(source)
    assert first == [(1, 2, "self_evaluation")]
    first.clear()
    assert find_form_blocks(source) == [(1, 2, "self_evaluation")]


@pytest.mark.parametrize(
    ("text", "markdown", "level"),
    [
        ("一、概况", 0, 1),
        ("（二）部门职责", 0, 2),
        ("收入支出情况说明。", 0, None),  # no numbering: the patterns are not tried
        ("（一）负责全省的会议准备工作；", 0, None),  # numbered, but a sentence
        ("概况", 2, 3),  # a Markdown heading without numbering
        ("收入10万元", 2, None),  # a Markdown "heading" stating a figure is prose
    ],
)
def test_heading_of_skips_the_patterns_for_unnumbered_lines(text: str, markdown: int, level: int | None) -> None:
    assert heading_of(text, markdown) == level


def test_blank_lines_share_one_line_info() -> None:
    blank = SourceText.from_text("x", "\n", "0" * 64, "utf-8").lines[0]
    assert classify(blank) == LineInfo("blank") and classify(blank) is classify(blank)


# --- forms ----------------------------------------------------------------------------------


def test_row_cells_strip_and_keep_empty_cells() -> None:
    line = Line(1, "项目名称\t\t 某项目 ", "项目名称\t\t 某项目 ", 0, tuple(range(11)))
    cells = row_cells(line)
    # "项目名称" 0..4, tab at 4, empty cell at 5, tab at 5, " 某项目 " from 6: stripped 7..10
    assert cells == [Cell(0, "项目名称", 0, 4), Cell(1, "", 5, 5), Cell(2, "某项目", 7, 10)]
    assert cells[2].flat == "某项目"


def test_indicator_header_needs_a_cell_with_biao() -> None:
    header = Line(1, "一级指标\t二级指标\t三级指标\t指标值", "", 0, tuple(range(19)))
    spaced = Line(1, "一级 指标\t三级 指 标", "", 0, tuple(range(11)))
    plain = Line(1, "产出\t数量\t完成率", "", 0, tuple(range(8)))
    assert is_indicator_header(row_cells(header)) and is_indicator_header(row_cells(spaced))
    assert not is_indicator_header(row_cells(plain))


def test_tokens_are_the_words_of_a_line_with_their_offsets() -> None:
    line = Line(4, "满意度  ≥90%", "满意度  ≥90%", 0, tuple(range(9)))
    assert tokenize_line(line) == [Token(4, 0, 3, "满意度"), Token(4, 5, 9, "≥90%")]


def test_a_shared_row_reader_splits_as_a_fresh_one() -> None:
    source = SourceText.from_text("x", "满意度 ≥90% 95%\n完成率 100% 100%", "0" * 64, "utf-8")
    tokens = tokenize(source, 1, 2)
    reader = RowReader(tokens, 0)
    wide = split_rows(tokens, 0, None, reader)
    narrow = split_rows(tokens, 0, 6, reader)
    # two rows of three tokens each: name, target, actual
    assert wide == narrow == [RowShape(0, 1, 2, 3, 3), RowShape(3, 4, 5, 6, 6)]
    assert split_rows(tokens, 0, 6) == narrow


@pytest.mark.parametrize(("tab_rows", "tabbed"), [(2, False), (3, True), (5, True)])
def test_tabbed_block_stops_counting_at_three_rows(tab_rows: int, tabbed: bool) -> None:
    lines = ["标题"] + ["a\tb\tc"] * tab_rows + ["说明"]
    source = SourceText.from_text("x", "\n".join(lines), "0" * 64, "utf-8")
    assert is_tabbed_block(source, 1, len(lines)) is tabbed


# --- narrative ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "flat"), [("比上年持平", True), ("与上年相同", True), ("同上年无变化", True),
                                             ("同比持平", True), ("与2023年一致", True), ("比上年增长", False)])
def test_flat_hint_is_in_every_flat_mention(text: str, flat: bool) -> None:
    [said] = extract_statements([paragraph_of(f"项目支出500万元，{text}。")])
    assert (said.direction == "flat") is flat
    assert bool(FLAT_HINT.search(text)) or not flat


@pytest.mark.parametrize(
    "ending",
    [
        *("均为", "各为", "分别为", "为", "是", "约", "共计", "共", "各", "均", "分别", "的"),
        *("，", ",", "、", "：", ":", " "),
    ],
)
def test_trail_strip_ends_on_a_trail_last_character(ending: str) -> None:
    text = "基本支出" + ending
    found = TRAIL_STRIP.search(text)
    assert found is not None and found.end() == len(text)
    assert text[-1] in TRAIL_LAST or text[-1].isspace()


@pytest.mark.parametrize("text", ["同比", "环比", "与上年相比", "较上年", "比上年"])
def test_comparators_hold_bi_or_jiao(text: str) -> None:
    assert COMPARATOR.search(text) and ("比" in text or "较" in text)


@pytest.mark.parametrize("text", ["主要原因是", "原因为", "主要是", "主要由于"])
def test_reasons_hold_yuanyin_or_zhuyao(text: str) -> None:
    assert REASON.search(text) and ("原因" in text or "主要" in text)


def test_metric_names_lose_the_year_and_trailing_words() -> None:
    def metrics(text: str) -> list[str]:
        return [s.metric for s in extract_statements([paragraph_of(text)])]

    # "2024年" is the report's year, "为" a trailing word.
    assert metrics("2024年基本支出为100万元。") == ["基本支出"]
    # The prefix before the year spans 20 characters at most: a year starting at 20 is
    # trimmed with them, one starting at 21 is not.
    twenty = "一二三四五六七八九十" * 2
    assert metrics(twenty + "2024年基本支出100万元。") == ["基本支出"]
    assert metrics(twenty + "零2024年基本支出100万元。") == [twenty + "零2024年基本支出"]


@pytest.mark.parametrize(
    ("text", "quote", "found"),
    [
        ("收入 1,234万元", "1234万元", [(3, 10)]),  # thousands separator folded away
        ("增长12%", "１２％", [(2, 5)]),  # full-width figures fold to ASCII
        ("a类项目", "Ａ类", [(0, 2)]),  # and full-width letters to lower case
        ("支出决算数", "决算", [(2, 4)]),  # a text folding to itself is matched in place
    ],
)
def test_quotes_are_found_in_folded_text(text: str, quote: str, found: list[tuple[int, int]]) -> None:
    assert find_quotes(paragraph_of(text), quote) == found


def test_grounding_keeps_the_span_it_was_given() -> None:
    paragraph = paragraph_of("基本支出100万元。")
    given = paragraph.span(0, 4)
    statement = NarrativeStatement(
        paragraph_id="p1", metric="基本支出", amount=100.0, unit="万元",
        evidence={"metric": "基本支出", "amount": "100万元"}, provenance={"metric": given},
    )
    grounded = ground_statement(statement, paragraph)
    assert grounded.grounded and grounded.provenance["metric"] is given
    assert grounded.provenance["amount"] == Span(line_start=1, line_end=1, char_start=4, char_end=9)


# --- reconciliation figures -----------------------------------------------------------------


def test_cell_figure_builds_its_location_when_asked() -> None:
    span = Span(line_start=7, line_end=7, char_start=40, char_end=45)
    row = TableRow(code="201", name="一般公共服务支出", line=7,
                   cells={"本年支出合计": TableCell(value=12.5, text="12.50", span=span),
                          "基本支出": TableCell(value=2.0, text="2.00")})
    columns = [Column(key="本年支出合计", header=["本年支出合计"]), Column(key="基本支出", header=["基本支出"])]
    table = Table(id="公开03表", title="支出决算表", columns=columns)
    figure = table_figure(table, row, table.columns[0])
    assert (figure.value, figure.text, figure.decimals, figure.printed) == (12.5, "12.50", 2, True)
    assert figure.neighbours == (2.0,)
    assert figure.location == Location(kind="table", ref="公开03表 / 201 一般公共服务支出 / 本年支出合计",
                                       line_start=7, line_end=7, span=span)
    absent = table_figure(table, row, Column(key="项目支出", header=["项目支出"]), label="项目")
    assert (absent.value, absent.label, absent.location.span, absent.location.line_start) == (None, "项目", None, 7)


def test_form_figure_builds_its_location_when_asked() -> None:
    form = PerformanceForm(kind="self_evaluation", title="绩效自评表", project_name="某项目", line_start=3, line_end=30)
    figure = form_figure(form, "年度资金总额 / executed", 25.0, None, line=9)
    assert (figure.value, figure.text, figure.decimals) == (25.0, "25.00", 2)
    assert figure.location == Location(kind="form", ref="某项目 / 年度资金总额 / executed", line_start=9, line_end=9)


def test_a_statement_figure_is_printed_as_the_last_number_of_its_quote() -> None:
    statement = NarrativeStatement(
        paragraph_id="p1", metric="支出", evidence={"change_pct": "增长3.6%", "share_pct": "支出1,234.50万元，占5%",
                                                   "amount": "持平"},
    )
    assert narrative_figure(statement, "change_pct", 3.6).text == "3.6"
    assert narrative_figure(statement, "share_pct", 5.0).text == "5"
    assert narrative_figure(statement, "amount", None).text is None  # a quote without a number
    assert narrative_figure(statement, "prior_amount", None).text is None  # no quote


def _figure(value: float | None, text: str | None) -> Figure:
    return Figure(value=value, location=Location(kind="document", ref="x"), text=text)


def test_a_sum_that_adds_up_never_writes_its_text() -> None:
    reporter = Reporter(next(r for r in registry() if r.id == "table.row_sum"))
    asked: list[int] = []

    def what() -> str:
        asked.append(1)
        return "合计 vs 基本 + 项目"

    assert reporter.sum(_figure(3.0, "3.00"), [_figure(1.0, "1.00"), _figure(2.0, "2.00")], what) is None
    assert asked == [] and reporter.checked == []


def test_a_lazy_text_gives_the_message_a_plain_one_gives() -> None:
    rule = next(r for r in registry() if r.id == "table.row_sum")
    lazy, plain = Reporter(rule), Reporter(rule)
    parts = [_figure(1.0, "1.00"), _figure(2.0, "2.00")]
    found = lazy.sum(_figure(3.5, "3.50"), parts, lambda: "合计 vs 基本 + 项目")
    assert found is not None and found == plain.sum(_figure(3.5, "3.50"), parts, "合计 vs 基本 + 项目")
    # 3.50 - (1.00 + 2.00) = 0.50, beyond 3 figures × 0.005
    assert found.message == "合计 vs 基本 + 项目: 3.50 vs sum of 2 parts 3.00 (difference +0.50)"
    assert lazy.equal(_figure(2.0, "2.00"), _figure(1.0, "1.00"), lambda: "年末 vs 年初").message == (
        plain.equal(_figure(2.0, "2.00"), _figure(1.0, "1.00"), "年末 vs 年初").message
    ) == "年末 vs 年初: 2.00 vs 1.00 (difference +1.00)"


def test_the_best_reading_of_an_indicator_row_is_unshifted_when_the_columns_fit() -> None:
    cols = {"level3": 1, "target": 2, "actual": 3}
    cells = [Cell(0, "产出", 0, 2), Cell(1, "完成率", 3, 6), Cell(2, "≥90%", 7, 11), Cell(3, "95%", 12, 15),
             Cell(4, "多余", 16, 18)]
    # 完成率 under 三级指标, a quantity under 指标值, an actual beside it: no shift reads better
    assert best_reading(cols, cells, set()) == (0, {"level3": cells[1], "target": cells[2], "actual": cells[3]})


def test_statement_figure_writes_label_and_location_when_asked() -> None:
    span = Span(line_start=12, line_end=12, char_start=300, char_end=310)
    statement = NarrativeStatement(paragraph_id="p12", metric="基本支出", amount=1995.86, unit="万元",
                                   evidence={"amount": "1,995.86万元"}, provenance={"amount": span})
    figure = narrative_figure(statement, "amount", 1995.86)
    assert (figure.value, figure.text, figure.decimals, figure.label) == (1995.86, "1,995.86", 2, "基本支出 amount")
    assert figure.location == Location(kind="narrative", ref="p12 / 基本支出 / amount", line_start=12,
                                       line_end=12, span=span)
    missing = narrative_figure(statement, "change_pct", None)
    assert (missing.text, missing.location.span, missing.location.line_start) == (None, None, None)


@pytest.mark.parametrize(("text", "tabular"), [("12 34 56 78", True), ("12 34 56", False), ("支出 1 万元", False)])
def test_tabular_needs_three_figure_pairs(text: str, tabular: bool) -> None:
    # "12 34 56 78" holds "2 3", "4 5" and "6 7"; "12 34 56" only two of them
    assert (len(TABULAR.findall(text)) >= 3) is tabular


# --- round two: each shortcut against the long way it replaced ------------------------------


def test_whole_text_folding_gives_the_lines_normalise_line_gives() -> None:
    text = "## **支出**<br/>１０\n收入\u3000１２．５％\r\n- 3 -\n第二部分 决算表\n\t\n"
    source = SourceText.from_text("x", text, "0" * 64, "utf-8")
    for line in source.lines:
        assert (line.text, line.offsets, line.heading_level) == normalise_line(line.raw)
        assert line.blank == (line.page_number or not line.text.strip())
    assert [line.page_number for line in source.lines] == [False, False, True, False, False, False]


@pytest.mark.parametrize(
    ("text", "page"),
    [("12", True), ("- 12 -", True), ("12-", True), ("١٢", True), ("12 ", True),
     ("12a", False), ("a12", False), ("12345", False)],
)
def test_page_numbers_are_bare_integers_of_up_to_four_digits(text: str, page: bool) -> None:
    source = SourceText.from_text("x", f"说明\n{text}\n第二部分 决算表", "0" * 64, "utf-8")
    assert source.lines[1].page_number is page


def test_spans_written_out_equal_spans_from_bounds() -> None:
    source = SourceText.from_text("x", "## **支出**１０\n收入 12\n\n", "0" * 64, "utf-8")
    cases = [(1, 0, None), (1, 1, 3), (1, 3, 3), (1, 9, 12), (2, 0, 2), (2, 3, 5), (3, 0, None)]
    for number, start, end in cases:
        assert source.span(number, start, end) == make_span(*source.bounds(number, start, end))
    merged = source.span(1, 1, 3).merge(source.span(2, 3, 5)).merge(source.span(1, 0, 1))
    assert source.span_over([(1, 1, 3), (2, 3, 5), (1, 0, 1)]) == merged


def test_paragraph_bounds_clamp_as_min_and_max_do() -> None:
    paragraph = paragraph_of("abcdef")
    for start in range(-2, 9):
        for end in range(-2, 9):
            first = min(max(start, 0), 5)
            last = min(max(end, first + 1), 6)
            assert paragraph.bounds(start, end) == (1, 1, first, last)


def test_statements_are_built_grounded_as_grounding_would_ground_them() -> None:
    paragraph = paragraph_of(
        "2024年基本支出12,359.10万元，比上年增加430.34万元，增长3.6%，主要原因是人员增加；"
        "项目支出500万元，与上年持平。"
    )
    said = extract_statements([paragraph])
    assert [(s.metric, s.amount, s.change_amount, s.change_pct, s.direction) for s in said] == [
        ("基本支出", 12359.1, 430.34, 3.6, "increase"),
        ("项目支出", 500.0, None, None, "flat"),
    ]
    for statement in said:
        # Grounded again from its quotes alone, the statement is the one the reader built.
        again = ground_statement(statement.model_copy(update={"provenance": {}}), paragraph)
        assert again.grounded and again.model_dump() == statement.model_dump()


def test_table_width_in_one_pass_is_the_common_or_widest_filled() -> None:
    def row(*texts: str) -> RawRow:
        return RawRow([RawCell(t, 1, 0, len(t)) for t in texts], 1, [1])

    rows = [row("a", "1", "", ""), row("", " ", "", "", ""), row("b", "2", "3", "4"), row("c", "", "", "")]
    # three rows of 4 cells are filled; the widest fills 4; the blank row of 5 is not counted
    assert table_width(rows) == 4 and table_width([row("", "")]) == 0
    assert row(" ", "").is_blank() and not row("", "x").is_blank()


@pytest.mark.parametrize("text", ["", "abc", "满意度", "≥90%", "\u2e7f\u2e80", "5G基站"])
def test_display_width_counts_wide_characters_as_the_generator_did(text: str) -> None:
    assert display_width(text) == sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def test_first_row_hands_out_a_fresh_copy_and_ranges_outside_raise() -> None:
    source = SourceText.from_text("x", "满意度 ≥90% 95%", "0" * 64, "utf-8")
    reader = RowReader(tokenize(source, 1, 1), 0)
    first, again = reader.first_row(0), reader.first_row(0)
    assert first == again == RowShape(0, 1, 2, 3, 3) and first is not again
    with pytest.raises(IndexError):
        tokenize(source, 1, 2)
