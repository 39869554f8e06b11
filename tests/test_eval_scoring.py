"""The scorer on hand-made cases: alignment, tolerances, units, nulls, text thresholds."""

from __future__ import annotations

import pytest

from evals.comparators import char_f1, fold_text, numbers_equal, short_equal, text_equal
from evals.gold_io import GoldBundle, GoldStatement, GoldTableRow
from evals.results import ScoreReport
from evals.scoring import merge_reports, score_forms, score_report, score_statements
from evals.table_rows import header_matches, score_table_rows, table_key
from schemas import (
    Cell,
    Column,
    DocumentInfo,
    ExtractionResult,
    FundRow,
    Goals,
    Indicator,
    NarrativeStatement,
    PerformanceForm,
    RunInfo,
    Table,
    TableRow,
)


def _statement(metric: str, amount: float | None, **fields: object) -> NarrativeStatement:
    return NarrativeStatement(
        paragraph_id=str(fields.pop("paragraph_id", "p10")),
        metric=metric,
        amount=amount,
        unit=str(fields.pop("unit", "万元")),
        **fields,
    )  # type: ignore[arg-type]


GOLD_STATEMENTS = [
    _statement("本年收入合计", 58845.28),
    _statement(
        "财政拨款收入",
        58773.72,
        prior_amount=None,
        change_amount=31214.23,
        change_pct=112.97,
        direction="increase",
        reasons=["2024年度产业政策资金增加"],
    ),
    _statement(
        "其他收入",
        71.56,
        change_amount=-33.39,
        change_pct=-31.82,
        direction="decrease",
        reasons=["助保金池资金减少利息收入减少"],
    ),
    _statement("本年支出合计", 58902.41, paragraph_id="p20"),
]


def _indicator(
    level3: str, target: str, actual: str | None, weight: float, score: float | None, line: int
) -> Indicator:
    return Indicator(
        level1="产出指标",
        level2="数量指标",
        level3=level3,
        target=target,
        actual=actual,
        weight=weight,
        score=score,
        line_start=line,
        line_end=line,
    )


def _form(name: str, start: int, indicators: list[Indicator], total: float | None = 90.0) -> PerformanceForm:
    return PerformanceForm(
        kind="self_evaluation",
        title="项目支出绩效自评表",
        project_name=name,
        department="某部门",
        implementing_unit="某单位",
        funds=[
            FundRow(
                kind="annual_total",
                label="年度资金总额",
                initial_budget=100,
                full_year_budget=50,
                executed=47.5,
                execution_rate=95,
                score=7,
            )
        ],
        goals=Goals(expected="通过降低会议召开成本，提高会议经费的使用效率", actual="已完成全年会议保障任务"),
        indicators=indicators,
        total_score=total,
        line_start=start,
        line_end=start + 15,
    )


def _gold_form() -> PerformanceForm:
    return _form(
        "政府序列会议经费",
        393,
        [
            _indicator("会议审核比例", "=100%", "100%", 25, 25, 404),
            _indicator("全省规模会议计划召开场次", "≤85场次", "85场次", 25, 25, 405),
            _indicator("政府会议精神传达渠道", "≥3种", "3种", 30, 30, 406),
            _indicator("参会人员满意度", "≥90%", "90%", 10, 0, 407),
        ],
    )


# --- comparators -----------------------------------------------------------------------------


def test_numbers_within_tolerance_and_units() -> None:
    assert numbers_equal(58845.28, 58845.284)
    assert numbers_equal(58845.28, 58845.285)  # 0.005 is inside
    assert not numbers_equal(58845.28, 58845.29)  # 0.01 is not
    assert numbers_equal(100, 1_000_000, "万元", "元")
    assert numbers_equal(1.5, 15000, "亿元", "万元")
    assert not numbers_equal(100, 100, "万元", "元")
    assert numbers_equal(95.0, 95.0, "%", "%")
    # 元 tables print fen: compared to half a fen, not to half a 万元-cent (50 元)
    assert not numbers_equal(22118861.34, 22118861.0, "元", "元")
    assert numbers_equal(22118861.34, 22118861.344, "元", "元")
    # across units, the coarser unit's rounding: 1.35 万元 stands for 13,450–13,550 元
    assert numbers_equal(1.35, 13549.0, "万元", "元")
    assert not numbers_equal(1.35, 13551.0, "万元", "元")


def test_short_strings_fold_nfkc_and_punctuation() -> None:
    assert short_equal("≥90%", ">=90％")
    assert short_equal("《专家建议》期数", "专家建议期数")
    assert short_equal("吉林省人民政府办公厅（本级）", "吉林省人民政府办公厅(本级)")
    assert short_equal("≥6 期", "≥6期")
    assert not short_equal("≥90%", "≤90%")
    assert not short_equal("数量指标", "质量指标")
    assert fold_text(" 公开０１表。") == "公开01表"


def test_char_f1_threshold_behaviour() -> None:
    gold = "2024年度产业政策资金增加"
    assert char_f1(gold, gold) == 1.0
    # one character dropped of 14: F1 = 2*13/(13+14) ≈ 0.963 -> correct
    assert text_equal(gold, "2024年产业政策资金增加")
    # a different reason shares a few characters only
    assert char_f1(gold, "人员调动导致人员经费减少") < 0.8
    assert not text_equal(gold, "人员调动导致人员经费减少")
    # 4 of 5 characters, nothing extra: F1 = 2*0.8/1.8 ≈ 0.889, correct at the default 0.8 ...
    assert text_equal("政策资金增", "政策资金")
    # ... but not under a stricter threshold
    assert not text_equal("政策资金增", "政策资金", threshold=0.9)
    # 2 of 6 characters: F1 = 0.5
    assert not text_equal("政策资金增加", "资金")


# --- statements ------------------------------------------------------------------------------


def test_identical_statements_score_perfectly_with_correct_nulls() -> None:
    score = score_statements(GOLD_STATEMENTS, [s.model_copy() for s in GOLD_STATEMENTS])
    assert score.micro.precision == 1.0 and score.micro.recall == 1.0
    assert score.records["statements"].matched == 4
    # fields that must stay empty and did: share_pct on all 4, prior_amount on all 4, ...
    assert score.fields["share_pct"].correct_null == 4
    assert score.fields["change_pct"].correct == 2 and score.fields["change_pct"].correct_null == 2
    assert not score.diffs


def test_missing_statement_does_not_shift_later_ones() -> None:
    predicted = [GOLD_STATEMENTS[0], GOLD_STATEMENTS[2], GOLD_STATEMENTS[3]]  # 财政拨款收入 lost
    score = score_statements(GOLD_STATEMENTS, predicted)
    assert score.records["statements"].matched == 3
    assert score.records["statements"].missed == 1
    assert score.fields["amount"].correct == 3 and score.fields["amount"].missed == 1
    assert score.fields["amount"].wrong == 0
    assert score.fields["change_pct"].correct == 1 and score.fields["change_pct"].missed == 1
    assert score.micro.precision == 1.0 and score.micro.recall < 1.0


def test_extra_statement_is_spurious() -> None:
    extra = _statement(
        "基本支出", 4513.66, change_amount=-360.72, change_pct=-7.4, direction="decrease", paragraph_id="p20"
    )
    score = score_statements(GOLD_STATEMENTS, [*GOLD_STATEMENTS, extra])
    assert score.records["statements"].spurious == 1
    assert score.fields["amount"].spurious == 1 and score.fields["amount"].correct == 4
    assert score.fields["change_amount"].spurious == 1
    assert score.micro.recall == 1.0 and score.micro.precision < 1.0
    # with partial gold the extra one is not held against the extraction
    partial = score_statements(GOLD_STATEMENTS, [*GOLD_STATEMENTS, extra], complete=False)
    assert partial.micro.precision == 1.0 and partial.records["statements"].spurious == 0


def test_reordered_statements_all_match() -> None:
    score = score_statements(GOLD_STATEMENTS, list(reversed(GOLD_STATEMENTS)))
    assert score.records["statements"].matched == 4
    assert score.micro.f1 == 1.0


def test_rounding_and_unit_of_statement_amounts() -> None:
    gold = [_statement("三公经费", 100.0, change_pct=-5.2, direction="decrease")]
    in_yuan = [_statement("三公经费", 1_000_000.0, unit="元", change_pct=-5.204, direction="decrease")]
    score = score_statements(gold, in_yuan)
    assert score.fields["amount"].correct == 1
    assert score.fields["change_pct"].correct == 1
    assert score.fields["unit"].wrong == 1  # the unit itself was written differently
    off = [_statement("三公经费", 100.01, change_pct=-5.21, direction="decrease")]
    score = score_statements(gold, off)
    assert score.records["statements"].matched == 1  # matched by metric and paragraph
    assert score.fields["amount"].wrong == 1 and score.fields["change_pct"].wrong == 1
    unsigned = [_statement("三公经费", 100.0, change_pct=5.2, direction="decrease")]
    assert score_statements(gold, unsigned).fields["change_pct"].wrong == 1


def test_reasons_compared_by_char_f1() -> None:
    gold = [GOLD_STATEMENTS[1]]
    close = [GOLD_STATEMENTS[1].model_copy(update={"reasons": ["2024年度产业政策资金增加。"]})]
    assert score_statements(gold, close).fields["reasons"].correct == 1
    other = [GOLD_STATEMENTS[1].model_copy(update={"reasons": ["人员调动"]})]
    assert score_statements(gold, other).fields["reasons"].wrong == 1
    none = [GOLD_STATEMENTS[1].model_copy(update={"reasons": []})]
    assert score_statements(gold, none).fields["reasons"].missed == 1


# --- forms -----------------------------------------------------------------------------------


def test_forms_missing_and_reordered_indicators() -> None:
    gold = [_gold_form()]
    pred = _gold_form()
    # the parser lost the second indicator and put the rest in another order
    pred.indicators = [pred.indicators[3], pred.indicators[0], pred.indicators[2]]
    score = score_forms(gold, [pred])
    assert score.records["forms"].matched == 1
    assert score.records["indicators"].matched == 3 and score.records["indicators"].missed == 1
    assert score.fields["indicators.target"].correct == 3
    assert score.fields["indicators.target"].missed == 1
    assert score.fields["indicators.target"].wrong == 0
    assert score.fields["indicators.deviation_reason"].correct_null == 3
    assert score.fields["funds.executed"].correct == 1
    assert score.fields["goals.expected"].correct == 1


def test_forms_wrong_values_and_extra_form() -> None:
    pred = _gold_form()
    pred.indicators[3] = pred.indicators[3].model_copy(update={"score": 10, "actual": "96%"})
    pred.total_score = 87.004
    extra = _form("离退休老干部活动经费", 410, [_indicator("组织活动开展次数", "≥3次", "3次", 20, 20, 422)])
    score = score_forms([_gold_form()], [extra, pred])
    assert score.records["forms"].matched == 1 and score.records["forms"].spurious == 1
    assert score.fields["indicators.score"].wrong == 1 and score.fields["indicators.score"].correct == 3
    assert score.fields["indicators.actual"].wrong == 1
    assert score.fields["total_score"].wrong == 1  # 87.004 against the gold 90
    assert score.fields["project_name"].spurious == 1
    assert score.records["indicators"].spurious == 1
    wrong = [d for d in score.diffs if d.field == "indicators.score" and d.outcome == "wrong"]
    assert wrong and float(wrong[0].gold or "nan") == 0 and float(wrong[0].predicted or "nan") == 10


# --- table rows ------------------------------------------------------------------------------


def _table(rows: list[TableRow], unit: str = "万元") -> Table:
    return Table(
        id="公开01表",
        title="收入支出决算表",
        unit=unit,
        columns=[Column(key="收入/决算数", header=["收入", "决算数"], side="收入")],
        rows=rows,
    )


def _gold_row() -> GoldTableRow:
    return GoldTableRow(
        table_id="公开01表",
        name="本年收入合计",
        line=52,
        cells={
            "收入/决算数": Cell(value=1093.88, text="1093.88"),
            "支出/决算数": Cell(value=1055.28, text="1055.28"),
            "支出/备注": Cell(value=None, text=""),
        },
    )


def test_header_paths_match_without_space_and_top_prefix() -> None:
    assert header_matches("本年支出/基本支出/人员经费", "本年支出/基本支出/人员 经费")
    assert header_matches("收入/决算数", "决算数", pred_side="收入")
    assert not header_matches("收入/决算数", "决算数", pred_side="支出")
    assert header_matches("本年支出/基本支出", "基本支出")
    assert not header_matches("本年支出/基本支出", "项目支出")
    assert table_key("公开01表") == table_key("公开1表") == table_key("公开 01 表")


def test_table_key_is_the_role_the_title_names() -> None:
    # gold titles as printed, the reader's titles without the year, its ids without the level
    assert table_key("2025年部门收入预算总表") == table_key("部门收入预算总表") == table_key("收入预算总表")
    assert table_key("2026年预算单位财务收支预算总表") == table_key("财务收支预算总表")
    assert table_key("单位“三公”经费和机关运行经费预算表") == table_key("2025年部门“三公”经费和机关运行经费预算表")
    assert table_key("2024年度本年一般公共预算支出表") == table_key("一般公共预算支出表")
    # the role stays: income is not expenditure, 基本支出 of a 部门预算经济分类 table keeps its 部门
    assert table_key("2025年部门收入预算总表") != table_key("部门支出预算总表")
    assert table_key("部门一般公共预算基本支出部门预算经济分类预算表").endswith("部门预算经济分类预算表")


def test_table_rows_cells_units_and_nulls() -> None:
    row = TableRow(
        name="本年收入合计",
        line=52,
        cells={
            "收入/决算数": Cell(value=10938800.0, text="10938800"),
            "支出/决算数": Cell(value=1055.29, text="1055.29"),
        },
    )
    other = TableRow(
        name="一般公共预算财政拨款收入", line=41, cells={"收入/决算数": Cell(value=1.0, text="1")}
    )
    table = _table([other, row], unit="元")
    # the 元 table: 10938800 元 = 1093.88 万元 -> correct; 1055.29 元 is not 1055.28 万元
    score = score_table_rows([_gold_row()], [table])
    assert score.records["rows"].matched == 1
    assert score.fields["cells"].correct == 1
    assert score.fields["cells"].wrong == 1
    assert score.fields["cells"].correct_null == 1
    # rows without gold (the 一般公共预算 row) count neither way
    assert score.fields["cells"].spurious == 0


def test_table_row_missing_and_spurious_cells() -> None:
    row = TableRow(
        name="本年收入 合计",
        line=52,
        cells={
            "决算数": Cell(value=1093.88, text="1093.88"),
            "支出/调整数": Cell(value=3.0, text="3"),
        },
        side="收入",
    )
    score = score_table_rows([_gold_row()], [_table([row])])
    assert score.fields["cells"].correct == 1  # 决算数 on the 收入 side
    assert score.fields["cells"].missed == 1  # 支出/决算数 absent
    assert score.fields["cells"].spurious == 1  # 支出/调整数 is not in the gold row
    lost = score_table_rows([_gold_row()], [])
    assert lost.records["rows"].missed == 1 and lost.fields["cells"].missed == 2


def test_two_sided_rows_on_one_line_align_by_side() -> None:
    gold = [
        GoldTableRow(
            table_id="公开01表",
            name="总计",
            side="收入",
            line=124,
            cells={"收入/决算数": Cell(value=18968.91, text="18968.91")},
        ),
        GoldTableRow(
            table_id="公开01表",
            name="总计",
            side="支出",
            line=124,
            cells={"支出/决算数": Cell(value=18968.91, text="18968.91")},
        ),
    ]
    # the parser lists the 支出 side first; a key-blind alignment would cross them
    expenditure = TableRow(
        name="总计", side="支出", line=124, cells={"决算数": Cell(value=18968.91, text="18968.91")}
    )
    income = TableRow(
        name="总计", side="收入", line=124, cells={"决算数": Cell(value=18968.91, text="18968.91")}
    )
    score = score_table_rows(gold, [_table([expenditure, income])])
    assert score.records["rows"].matched == 2
    assert score.fields["cells"].correct == 2 and score.fields["cells"].support == 2


def test_unlabelled_row_and_table_known_by_title() -> None:
    gold = [
        GoldTableRow(
            table_id="一般公共预算“三公”经费支出表",
            name="",
            line=387,
            cells={"决算数/合计": Cell(value=1055.28, text="1055.28")},
        )
    ]
    row = TableRow(name="", line=387, cells={"决算数/合计": Cell(value=1055.28, text="1055.28")})
    table = Table(id="sangong", title="一般公共预算“三公”经费支出表", rows=[row])
    score = score_table_rows(gold, [table])
    assert score.fields["cells"].correct == 1
    other = Table(id="sangong", title="政府性基金预算支出表", rows=[row])
    assert score_table_rows(gold, [other]).fields["cells"].missed == 1


def _coded(name: str, code: str | None, line: int, value: float) -> TableRow:
    return TableRow(name=name, code=code, line=line, cells={"支出预算/合计": Cell(value=value, text=str(value))})


def test_pdf_gold_rows_align_by_code_not_by_another_tools_lines() -> None:
    """A PDF's gold numbers the lines of ``pdftotext -layout``; the reader numbers its own.
    Two 行政运行 rows (of 财政事务 and of 司法) are told apart by their 科目编码 even where the
    reader's line numbers happen to be the gold's lines swapped."""
    gold = [
        GoldTableRow(
            table_id="2026年预算单位支出预算总表",
            name="行政运行",
            code="2010601",
            line=40,
            cells={"支出预算/合计": Cell(value=10.0, text="10.00")},
            unit="元",
        ),
        GoldTableRow(
            table_id="2026年预算单位支出预算总表",
            name="行政运行",
            code="2040601",
            line=41,
            cells={"支出预算/合计": Cell(value=20.0, text="20.00")},
            unit="元",
        ),
    ]
    predicted = [_coded("行政运行", "2040601", 40, 20.0), _coded("行政运行", "2010601", 41, 10.0)]
    table = Table(id="支出预算总表", title="预算单位支出预算总表", unit="元", rows=predicted)
    for lines_comparable in (True, False):
        score = score_table_rows(gold, [table], complete=True, lines_comparable=lines_comparable)
        assert score.fields["cells"].correct == 2 and score.fields["code"].correct == 2
    # without codes, a PDF gold's line says nothing: the rows match by name and columns
    uncoded = [row.model_copy(update={"code": None, "line": 900}) for row in gold[:1]]
    score = score_table_rows(uncoded, [table.model_copy(update={"rows": predicted[1:]})], lines_comparable=False)
    assert score.records["rows"].matched == 1 and score.fields["cells"].correct == 1


def test_complete_table_gold_counts_rows_without_gold() -> None:
    gold = [
        GoldTableRow(
            table_id="预算单位支出预算总表",
            name="合计",
            line=50,
            cells={"支出预算/合计": Cell(value=30.0, text="30.00")},
            unit="元",
        )
    ]
    rows = [_coded("合计", None, 7, 30.0), _coded("幻行", "2990101", 6, 5.0)]
    stray = Table(id="其他表", title="某某表", unit="元", rows=[_coded("另一行", None, 9, 1.0)])
    table = Table(id="支出预算总表", title="2026年预算单位支出预算总表", unit="元", rows=rows)
    partial = score_table_rows(gold, [table, stray])
    assert partial.fields["cells"].spurious == 0 and partial.records["rows"].spurious == 0
    complete = score_table_rows(gold, [table, stray], complete=True, lines_comparable=False)
    assert complete.records["rows"].spurious == 2  # the stray row and the table the gold lacks
    assert complete.fields["cells"].correct == 1 and complete.fields["cells"].spurious == 2
    assert complete.fields["code"].spurious == 1


# --- aggregate -------------------------------------------------------------------------------


def _extraction(**lists: object) -> ExtractionResult:
    return ExtractionResult(
        document=DocumentInfo(source_name="x.txt", sha256="0" * 64, encoding="utf-8"),
        run=RunInfo(extractor_version="test"),
        **lists,
    )  # type: ignore[arg-type]


def test_score_report_aggregates_and_round_trips_as_json() -> None:
    gold_statements = [GoldStatement(**s.model_dump(), lines=(10, 12)) for s in GOLD_STATEMENTS]
    bundle = GoldBundle(
        key="t",
        forms=[_gold_form()],
        statements=gold_statements,
        table_rows=[_gold_row()],
        complete={"forms": True, "statements": True},
    )
    extraction = _extraction(performance_forms=[_gold_form()], narrative_statements=GOLD_STATEMENTS[:3])
    report = score_report(bundle, extraction)
    assert set(report.types) == {"forms", "statements", "table_rows"}
    assert report.types["forms"].micro.f1 == 1.0
    assert report.types["statements"].records["statements"].missed == 1
    assert report.types["table_rows"].fields["cells"].missed == 2  # no table extracted
    micro = report.micro
    assert micro.correct == sum(t.micro.correct for t in report.types.values())
    assert 0.0 < report.macro.f1 < 1.0
    again = ScoreReport.model_validate_json(report.model_dump_json())
    assert again.micro == report.micro and again.types["forms"].fields == report.types["forms"].fields
    both = merge_reports([report, report])
    assert both.micro.correct == 2 * micro.correct and both.micro.missed == 2 * micro.missed
    assert both.types["statements"].records["statements"].gold == 8


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_empty_values_are_null(empty: str | None) -> None:
    pred = _gold_form()
    pred.indicators = [i.model_copy(update={"deviation_reason": empty}) for i in pred.indicators]
    score = score_forms([_gold_form()], [pred])
    assert score.fields["indicators.deviation_reason"].correct_null == 4
    assert score.micro.f1 == 1.0
