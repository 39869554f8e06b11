"""Tab-separated performance forms: corpora 001 (自评表) and 002 (目标表), plus synthetic forms.

Expected values are read by hand from the sample text (line numbers given).
"""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.forms import extract_forms
from extractor.forms.detect import find_form_blocks
from extractor.forms.tabbed import parse_tabbed_form
from schemas import PerformanceForm

P, Q, E, S, SAT, C = "产出指标", "效益指标", "满意度指标", "社会效益指标", "服务对象满意度指标", "成本指标"
NUM, QUAL, TIME, ECON = "数量指标", "质量指标", "时效指标", "经济成本指标"


@pytest.fixture(scope="module")
def forms001(corpus: dict[str, SourceText]) -> dict[int, PerformanceForm]:
    return {form.line_start: form for form in extract_forms(corpus["001"])[0]}


@pytest.fixture(scope="module")
def forms002(corpus: dict[str, SourceText]) -> dict[int, PerformanceForm]:
    return {form.line_start: form for form in extract_forms(corpus["002"])[0]}


def indicators(form: PerformanceForm) -> list[tuple[object, ...]]:
    return [
        (i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score, i.deviation_reason)
        for i in form.indicators
    ]


def funds(form: PerformanceForm) -> list[tuple[object, ...]]:
    return [
        (f.kind, f.initial_budget, f.full_year_budget, f.executed, f.execution_rate, f.score)
        for f in form.funds
    ]


def self_eval_funds(
    initial: float,
    full: float,
    executed: float,
    rate: float,
    score: float | None,
    appropriation_rate: float | None = None,
) -> list[tuple[object, ...]]:
    """The four fund rows of a 001 form whose money is all 当年财政拨款."""
    return [
        ("annual_total", initial, full, executed, rate, score),
        ("current_year_appropriation", initial, full, executed, appropriation_rate or rate, None),
        ("carryover", 0.0, 0.0, 0.0, 0.0, None),
        ("other", 0.0, 0.0, 0.0, 0.0, None),
    ]


# --- counts and detection -----------------------------------------------------------------


def test_form_counts(corpus: dict[str, SourceText]) -> None:
    assert len(extract_forms(corpus["001"])[0]) == 50
    assert len(extract_forms(corpus["002"])[0]) == 14  # titles at 389, 406, …, 644
    assert extract_forms(corpus["004"])[0] == []


def test_detection_skips_toc_and_repeated_titles(corpus: dict[str, SourceText]) -> None:
    blocks = find_form_blocks(corpus["001"])
    starts = [first for first, _, _ in blocks]
    assert 391 not in starts  # 十、部门预算项目支出绩效自评表: a TOC entry, no body
    assert starts[:7] == [393, 410, 429, 446, 465, 483, 501]  # 499 repeats the title of 501
    assert blocks[0] == (393, 408, "self_evaluation")
    assert blocks[-1] == (1251, 1266, "self_evaluation")  # ends before 第三部分 (1268)
    assert all(kind == "self_evaluation" for _, _, kind in blocks)
    blocks002 = find_form_blocks(corpus["002"])
    assert [first for first, _, _ in blocks002] == [
        389,
        406,
        422,
        441,
        460,
        487,
        505,
        525,
        542,
        559,
        581,
        602,
        620,
        644,
    ]
    assert blocks002[-1][1] == 668  # ends before 第三部分 情况说明 (670)
    assert all(kind == "target" for _, _, kind in blocks002)


# --- corpus 001: 项目支出绩效自评表 ---------------------------------------------------------


def test_001_first_form(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[393]
    assert form.kind == "self_evaluation"
    assert form.title == "项目支出绩效自评表"
    assert (form.line_start, form.line_end) == (393, 408)
    assert form.project_name == "政府序列会议经费"
    assert form.department == "吉林省人民政府办公厅"
    assert form.implementing_unit == "吉林省人民政府办公厅（本级）"
    # 资金情况 header and rows carry an empty tab before 执行率 and 得分 (line 404-408)
    assert funds(form) == self_eval_funds(100.0, 50.0, 47.5, 95.0, 7.0)
    assert form.goals.expected is not None and form.goals.expected.startswith("通过降低会议召开成本")
    assert form.goals.expected.endswith("有效传达省政府重要决策和工作部署。")
    assert form.goals.actual is not None and form.goals.actual.startswith(
        "省政府办公厅严格贯彻会议经费管理要求"
    )
    assert form.goals.actual.endswith("切实保障经费使用合规性与行政公共形象。")
    assert indicators(form) == [
        (P, NUM, "会议审核比例", "=100%", "100%", 25.0, 25.0, None),
        (P, NUM, "全省规模会议计划召开场次", "≤85场次", "85场次", 25.0, 25.0, None),
        (Q, S, "政府会议精神传达渠道", "≥3种", "3种", 30.0, 30.0, None),
        (E, SAT, "参会人员满意度", "≥90%", "90%", 10.0, 0.0, None),
    ]
    assert form.total_score == 87.0
    assert form.warnings == []


def test_001_second_form_other_alignment(forms001: dict[int, PerformanceForm]) -> None:
    # Lines 410-427: one tab fewer before every value than the first form, and
    # the 满意度指标 row one column further left.
    form = forms001[410]
    assert form.project_name == "离退休老干部活动经费"
    assert form.department == "吉林省人民政府办公厅"
    assert form.implementing_unit == "吉林省人民政府办公厅（本级）"
    assert funds(form) == self_eval_funds(30.0, 30.0, 20.33, 67.77, 5.0, appropriation_rate=67.78)
    assert form.goals.expected is not None and form.goals.expected.startswith("按照全年离退休老干部工作安排")
    assert form.goals.actual is not None and form.goals.actual.endswith("切实提升了老干部的幸福感。")
    assert indicators(form) == [
        (C, ECON, "慰问离退休老干部人均成本", "≤600元", "600元", 20.0, 20.0, None),
        (P, NUM, "组织活动开展次数", "≥3次", "3次", 20.0, 20.0, None),
        (P, NUM, "服务离退休老干部人数", "≥120人", "120人", 10.0, 10.0, None),
        (P, NUM, "全年安排慰问老干部次数", "≥25次", "25次", 10.0, 10.0, None),
        (Q, S, "提高困难离退休老干部生活水平", "有所提高", "有所提高", 20.0, 20.0, None),
        (E, SAT, "老干部满意度", "≥90%", "96%", 10.0, 10.0, None),
    ]
    assert form.total_score == 95.0


def test_001_deviation_reasons(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[429]  # lines 429-444
    assert form.project_name == "省政府决策咨询委员会专项经费"
    assert funds(form) == self_eval_funds(100.0, 100.0, 99.87, 99.87, 7.0)
    assert indicators(form)[:2] == [
        (
            P,
            NUM,
            "《专家建议》期数",
            "≥6 期",
            "19 期",
            25.0,
            25.0,
            "按照全年实际工作安排撰写专家建议期数，超出原定年度目标值。",
        ),
        (
            P,
            NUM,
            "决策咨询年度重点课题编撰数量",
            "≥6 份",
            "19 份",
            25.0,
            25.0,
            "按照全年实际工作安排编撰重点课题，超出原定年度目标值。",
        ),
    ]
    assert form.total_score == 97.0


def test_001_p_fragments_in_goals(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[446]  # lines 446-463: <p>…</p> inside the goal cells
    assert form.project_name == "政府信息公开工作经费"
    assert funds(form) == self_eval_funds(12.0, 12.0, 0.5, 4.17, 0.0, appropriation_rate=4.2)
    assert form.goals.expected is not None
    assert form.goals.expected.startswith("1、按照全年工作安排，启动开展第三方评估")
    assert "<p>" not in form.goals.expected and "</p>" not in form.goals.expected
    assert "高效开展。 2、逐步优化政府信息公开平台建设" in form.goals.expected
    assert form.goals.actual is not None and form.goals.actual.startswith(
        "本年度紧扣政府信息公开法治化的目标"
    )
    assert form.goals.actual.endswith("推动政务公开和民生服务融合。")
    assert indicators(form) == [
        (P, NUM, "召开会议和培训次数", "≥1 次", "1 次", 10.0, 10.0, None),
        (P, NUM, "委托第三方服务次数", "≥1 次", "1 次", 20.0, 20.0, None),
        (P, NUM, "形成评估报告份数", "=121 份", "121 份", 20.0, 20.0, None),
        (Q, S, "政府信息公开透明度", "多渠道获取", "多渠道获取", 30.0, 30.0, None),
        (E, SAT, "服务对象满意度", "≥90%", "90%", 10.0, 10.0, None),
    ]
    assert form.total_score == 90.0


def test_001_words_broken_by_spaces(forms001: dict[int, PerformanceForm]) -> None:
    # Lines 735-751: header and labels broken inside words (绩效 指标, 满意 度指 标).
    form = forms001[735]
    assert form.project_name == "参事、馆员咨询费"
    assert form.implementing_unit == "吉林省文史研究馆"
    assert funds(form) == self_eval_funds(40.0, 40.0, 38.2, 95.5, 7.0)
    assert indicators(form) == [
        (C, ECON, "咨询费年标准", "≤6000 元", "6000 元", 20.0, 20.0, None),
        (P, NUM, "参事、馆员保障人数", "≤80 人", "80 人", 40.0, 40.0, None),
        (Q, S, "为省政府决策提供智力支撑", "建言献策", "建言 献策", 20.0, 20.0, None),
        (E, SAT, "参事、馆员满意度", "≥90%", "90%", 10.0, 10.0, None),
    ]
    assert form.total_score == 97.0


def test_001_latex_targets(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[769]  # lines 769-787
    assert form.project_name == "办公楼运行经费"
    assert form.implementing_unit == "吉林省人民政府办公厅机关事务服务中心"
    assert funds(form) == self_eval_funds(296.0, 296.0, 296.0, 100.0, 10.0)
    rows = indicators(form)
    assert rows[0] == (C, ECON, "水费成本", "≥ 6.8 元/吨", "6.8 元/吨", 10.0, 10.0, None)
    assert rows[2] == (P, NUM, "办公楼用水总量", "≥ 21144 吨", "21144 吨", 10.0, 10.0, "无偏差")
    assert rows[5] == (Q, S, "保障办公楼水电正常运转率", r"$\geq 98\%$", "98%", 20.0, 20.0, "无偏差")
    assert rows[6] == (E, SAT, "省政府、办公厅工作人员满意度", r"$\geq 95\%$", "95%", 10.0, 10.0, "无偏差")
    parsed = form.indicators[5].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number, parsed.unit) == (">=", 98.0, "%")
    parsed = form.indicators[0].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number, parsed.unit) == (">=", 6.8, "元/吨")
    assert len(rows) == 7
    assert form.total_score == 100.0


def test_001_row_shifted_left_with_level2_in_level1_column(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[805]  # line 818: ⇥时效指标⇥人员工资按时发放⇥每月 15 日发放⇥…
    assert form.project_name == "业务管理经费"
    assert funds(form) == self_eval_funds(470.0, 470.0, 470.0, 100.0, 10.0)
    assert indicators(form) == [
        (P, NUM, "聘用服务人员数", "=49 人", "49 人", 20.0, 20.0, "无偏差"),
        (P, NUM, "补助食堂科、通讯科差额人员数", "=31 人", "31 人", 15.0, 15.0, "无偏差"),
        (P, TIME, "人员工资按时发放", "每月 15 日发放", "每月 15 日发放", 15.0, 15.0, "无偏差"),
        (Q, S, "省政府后勤工作保障", "保障工作需求", "保障全部工作需求", 30.0, 30.0, "无偏差"),
        (E, SAT, "省政府后勤工作满意度", "=100%", "100%", 10.0, 10.0, "无偏差"),
    ]
    assert form.indicators[2].target_parsed is None
    assert form.total_score == 100.0


def test_001_actual_printed_as_number(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[907]  # line 919: 支付及时性 按月支付 / 100
    assert form.project_name == "办公楼管理及维护经费"
    assert form.implementing_unit == "吉林省人民政府驻深圳办事处(本级)"
    assert funds(form) == self_eval_funds(55.0, 55.0, 55.0, 100.0, 10.0)
    assert indicators(form) == [
        (P, NUM, "保障人数", "≥23人", "23人", 30.0, 30.0, None),
        (P, TIME, "支付及时性", "按月支付", "100", 20.0, 20.0, None),
        (Q, S, "物业服务投诉率", "=0%", "0%", 40.0, 40.0, None),
    ]
    assert form.total_score == 100.0


def test_001_extra_columns_and_far_project_name(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[942]  # lines 942-958: 项目名称 followed by 11 tabs, 16-column rows
    assert form.project_name == "深圳及周边重点区域招商引资和经贸联系"
    assert form.department == "吉林省人民政府办公厅"
    assert form.implementing_unit == "吉林省人民政府驻深圳办事处（本级）"
    assert funds(form) == self_eval_funds(50.0, 50.0, 17.73, 35.5, 0.0)
    assert form.goals.expected is not None and form.goals.expected.startswith("1. 经贸交流活动共 7 场")
    assert indicators(form) == [
        (P, NUM, "宣传推介次数", "=1 场", "1 场", 20.0, 20.0, None),
        (P, NUM, "经贸交流次数", "≥7 场", "7 场", 20.0, 20.0, None),
        (P, NUM, "考察对接企业个数", "≥20 户", "20 户", 10.0, 10.0, None),
        (Q, S, "吉林省对外知名度及影响力提升", "得到提升", "100", 40.0, 40.0, None),
    ]
    assert form.total_score == 90.0


def test_001_shifted_time_row(forms001: dict[int, PerformanceForm]) -> None:
    form = forms001[980]  # line 993 one column left; 年度总体 目标 broken
    assert form.project_name == "香港工作部日常运行保障经费"
    assert funds(form) == self_eval_funds(115.0, 115.0, 115.0, 100.0, 10.0)
    assert form.goals.expected is not None and form.goals.expected.startswith("保障办公室等的政府地税")
    assert form.goals.actual is not None and form.goals.actual.startswith("保障办公场所正常运行")
    assert indicators(form) == [
        (P, NUM, "保障人数", "≥2人", "2人", 10.0, 10.0, None),
        (P, NUM, "保障面积", "=175平方米", "175平方米", 10.0, 10.0, None),
        (P, TIME, "支付及时性", "按月支付", "100", 30.0, 30.0, None),
        (Q, S, "业务保障有效性", "有效保障", "有效保障", 40.0, 40.0, None),
    ]
    assert form.total_score == 100.0


def test_001_level3_in_first_column(forms001: dict[int, PerformanceForm]) -> None:
    # Lines 1145-1166: 质量指标 rows one column left, two 效益 rows with the name in column 0.
    form = forms001[1145]
    assert form.project_name == "政务经贸及宣传招引工作经费"
    assert form.implementing_unit == "吉林省人民政府驻北京办事处（本级）"
    assert funds(form) == self_eval_funds(240.0, 240.0, 240.0, 100.0, 10.0)
    assert indicators(form) == [
        (P, NUM, "保障项目数", "≥840次", "840次", 10.0, 10.0, None),
        (P, NUM, "宣传推介次数", "≥1次", "1次", 10.0, 10.0, None),
        (P, NUM, "经贸交流次数", "≥1次", "1次", 10.0, 10.0, None),
        (P, NUM, "参与筹备召开人才招聘会场次", "≥1次", "1次", 10.0, 10.0, None),
        (P, QUAL, "企业/人员参与率", "≥70%", "70%", 5.0, 5.0, None),
        (P, QUAL, "服务工作保障率", "=100%", "100%", 5.0, 5.0, None),
        (Q, S, "政务工作保障有效性", "≥98%", "98%", 10.0, 10.0, None),
        (Q, S, "提供劳务合作就业岗位信息数", "≥3000个", "3000个", 10.0, 10.0, None),
        (Q, S, "吉林省对外知名度及影响力提升", "≥100000人次", "100000人次", 10.0, 10.0, None),
        (Q, S, "接待任务完成率", "=100%", "100%", 10.0, 10.0, None),
    ]
    assert form.total_score == 100.0


def test_001_provenance_points_at_the_source(
    corpus: dict[str, SourceText], forms001: dict[int, PerformanceForm]
) -> None:
    source = corpus["001"]
    form = forms001[393]
    assert source.original(form.provenance["project_name"]) == "政府序列会议经费"
    assert source.original(form.provenance["total_score"]) == "87.00"
    assert form.provenance["total_score"].line_start == 408
    first = form.indicators[0]
    assert source.original(first.provenance["target"]) == "=100%"
    assert source.original(first.provenance["level1"]) == "产出指标"
    # level 1 of the second row comes from the row above, where it is printed
    second = form.indicators[1]
    assert second.provenance["level1"].line_start == 404
    assert second.provenance["level3"].line_start == 405
    fund = form.funds[0]
    assert source.original(fund.provenance["executed"]) == "47.5"
    assert source.original(fund.provenance["score"]) == "7"
    goals = forms001[446].goals
    # the span starts at the first character kept by normalisation (after `<p>`)
    assert source.original(goals.provenance["expected"]).startswith("1、按照全年工作安排")
    assert goals.provenance["expected"].line_start == 456


def test_001_all_forms_complete(forms001: dict[int, PerformanceForm]) -> None:
    for form in forms001.values():
        assert form.project_name and form.department and form.implementing_unit, form.line_start
        assert len(form.funds) == 4, form.line_start
        assert form.goals.expected and form.goals.actual, form.line_start
        assert form.total_score is not None, form.line_start
        assert form.indicators, form.line_start
        for item in form.indicators:
            assert item.level1 and item.level2 and item.level3, (form.line_start, item.line_start)
            assert item.weight is not None and item.score is not None, (form.line_start, item.line_start)
        assert form.warnings == [], (form.line_start, form.warnings)


# --- corpus 002: 项目支出绩效目标表 ---------------------------------------------------------

DEPT002 = "延边朝鲜族自治州工业和信息化局"


def target_funds(amount: float, other: float = 0.0) -> list[tuple[object, ...]]:
    """年度资金总额 / 其中：财政拨款 / 其他资金: one amount each, in full_year_budget."""
    return [
        ("annual_total", None, amount, None, None, None),
        ("current_year_appropriation", None, amount, None, None, None),
        ("other", None, other, None, None, None),
    ]


def targets(form: PerformanceForm) -> list[tuple[object, ...]]:
    return [(i.level1, i.level2, i.level3, i.target, i.weight) for i in form.indicators]


def test_002_every_form_is_a_target_form(forms002: dict[int, PerformanceForm]) -> None:
    for form in forms002.values():
        assert form.kind == "target"
        assert form.title == "延边朝鲜族自治州工业和信息化局2024年项目支出绩效目标表"
        assert form.department == DEPT002  # 主管部门及编码: the code -601/-603 is dropped
        assert form.implementing_unit is None
        assert form.total_score is None
        assert form.goals.expected and form.goals.actual is None
        assert all(i.actual is None and i.score is None for i in form.indicators)


def test_002_first_form_shifted_rows(forms002: dict[int, PerformanceForm]) -> None:
    # Lines 389-404. Line 402 is one column right and lost its weight;
    # line 403 prints 质量指标 in the level-1 column.
    form = forms002[389]
    assert (form.line_start, form.line_end) == (389, 404)
    assert form.project_name == "原黄金局补差工资"
    assert funds(form) == target_funds(14.0)
    assert form.goals.expected == "足额补发原黄金公司人员工资"
    assert targets(form) == [
        (C, ECON, "工资额", "≤14万元", 20.0),
        (P, NUM, "人数", "=10人", None),
        (P, QUAL, "足额发放", "=100%", 15.0),
        (Q, S, "信访维稳", "不发生上访上诉事件", 30.0),
    ]
    assert any("line 402" in warning and "no weight" in warning for warning in form.warnings)


def test_002_simple_form(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[406]  # lines 406-420
    assert form.project_name == "员额人员经费"
    assert funds(form) == target_funds(5.2)
    assert form.goals.expected == "按月发放员额同志工资"
    assert targets(form) == [
        (C, ECON, "员额人员工资", "=5.196万元", 20.0),
        (P, NUM, "员额人员人数", "=1人", 40.0),
        (Q, S, "维持日常工作运转", "保障收入", 30.0),
    ]
    assert form.warnings == []


def test_002_department_code_603(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[422]  # 主管部门及编码 … -603
    assert form.project_name == "延吉纺织厂护厂经费"
    assert form.department == DEPT002
    assert funds(form) == target_funds(16.98)
    assert [row[2:] for row in targets(form)] == [
        ("律师费", "=3万元", 6.0),
        ("人员成本", "=10.28万元", 7.0),
        ("办公成本", "=3.7万元", 7.0),
        ("发放人数", "=4人", 40.0),
        ("维护正常运转", "完成", 15.0),
        ("解决历史遗留问题", "长期进行", 15.0),
    ]


def test_002_labels_spread_over_rows(forms002: dict[int, PerformanceForm]) -> None:
    # Lines 452-458: 产出指标 on line 454 (two columns right), 数量指标 on line 455
    # in the level-1 column, 满意度 row one column left.
    form = forms002[441]
    assert form.project_name == "延边州经济干部科技创新驱动产业发展培训"
    assert funds(form) == target_funds(22.0)
    assert targets(form) == [
        (C, ECON, "人均培训成本", "<=550元/天", 20.0),
        (P, NUM, "开班次数", ">=1次", None),
        (P, NUM, "培训人数", "<=50人", 15.0),
        (P, QUAL, "获得培训结业证书", ">=60%", 15.0),
        (Q, S, "提高全州经济干部谋划产业发展的能力水平", "完成并掌握培训的课程内容", 20.0),
        (E, SAT, "参训人员对培训课程及工作人员的满意度", ">=90%", 10.0),
    ]


def test_002_name_in_first_column(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[460]  # line 483: 企业的满意度⇥⇥⇥>=90%⇥5⇥
    assert form.project_name == "延边州工业经济高质量发展专项资金"
    assert funds(form) == target_funds(499.0)
    rows = targets(form)
    assert len(rows) == 14
    assert rows[7] == (P, QUAL, "产值", ">=60%", 10.0)
    assert rows[8] == (Q, S, "就业率", "不低于上年同期", 5.0)
    assert rows[-2:] == [
        (E, SAT, "企业满意度", ">=90%", 5.0),
        (E, SAT, "企业的满意度", ">=90%", 5.0),
    ]


def test_002_truncated_rows(forms002: dict[int, PerformanceForm]) -> None:
    # Lines 516-523: line 520 one column right without weight, line 521 holds only a name.
    form = forms002[505]
    assert form.project_name == "延边工业综合服务平台运营维护资金"
    assert funds(form) == target_funds(45.0)
    assert targets(form) == [
        (C, ECON, "委托标准", "<=45万元", 20.0),
        (C, ECON, "委托机构数", "<=1家", 10.0),
        (P, NUM, "平台数量", "<=1套", 10.0),
        (P, QUAL, "平台正常运营天数", ">250天", None),
        (P, QUAL, "平台维护工作完成率", None, None),
        (Q, S, "信息泄露事故数量", "=0次", 20.0),
        (E, SAT, "民营企业社会满意度", ">=90%", 10.0),
    ]


def test_002_time_indicator_under_output(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[525]  # lines 536-540
    assert form.project_name == "吴世日退休工资"
    assert funds(form) == target_funds(7.0)
    assert targets(form) == [
        (C, ECON, "工资额", "≤7万元", 20.0),
        (P, NUM, "人数", "=1人", None),
        (P, TIME, "及时发放", "按时发放", 15.0),
        (Q, S, "信访维稳", "避免上访上诉事件", 30.0),
    ]


def test_002_cost_targets(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[559]  # lines 559-579
    assert form.project_name == "退休人员补助经费"
    assert funds(form) == target_funds(153.7)
    rows = targets(form)
    assert rows[:4] == [
        (C, ECON, "退休干部公用经费", "=8.04万元", 5.0),
        (C, ECON, "转社保退休人员医疗补助", "<=21.05万元", 5.0),
        (C, ECON, "退休人员补贴经费", "<=123.414万元", 5.0),
        (C, ECON, "退休干部党组书记工作经费", "=1.2万元", 5.0),
    ]
    assert rows[-1] == (E, SAT, "退休干部满意度", ">90%", 10.0)
    parsed = form.indicators[1].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number, parsed.unit) == ("<=", 21.05, "万元")


def test_002_shifted_columns_590_600(forms002: dict[int, PerformanceForm]) -> None:
    # Line 599 `推动中小企业转型升级⇥⇥⇥有效⇥10⇥` (name in column 0),
    # line 600 `满意度指标⇥服务对象满意度指标⇥企业满意度⇥>=90%⇥10⇥` (one column left).
    form = forms002[581]
    assert form.project_name == "市场开拓及创新创业"
    assert funds(form) == target_funds(23.0)
    assert form.goals.expected == "开展市场开拓、举办创新创业大赛"
    assert targets(form) == [
        (C, ECON, "参展费用", "<=15万元", 10.0),
        (C, ECON, "参展差旅费", "<=5万元", 2.0),
        (C, ECON, "创客大赛费用", "<=3万元", 8.0),
        (P, NUM, "参展企业", ">=30户", 20.0),
        (P, NUM, "创客大赛项目", ">=10个", 20.0),
        (Q, S, "扩大影响力", ">=3个", 10.0),
        (Q, S, "推动中小企业转型升级", "有效", 10.0),
        (E, SAT, "企业满意度", ">=90%", 10.0),
    ]
    assert sum(i.weight or 0 for i in form.indicators) == 90.0


def test_002_malformed_target_610_620(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[602]  # line 615: =0.30.3
    assert form.project_name == "离休人员补助经费"
    assert funds(form) == target_funds(0.9)
    assert targets(form) == [
        (C, ECON, "离休干部公用经费", "=0.6万元", 10.0),
        (C, ECON, "离休干部特需经费", "=0.30.3", 10.0),
        (P, NUM, "离休干部人数", "=3人", 40.0),
        (Q, S, "离休干部教育引导、服务保障工作", "按时完成教育引导、服务保障工作", 20.0),
        (E, SAT, "离休干部满意度", ">=90%", 10.0),
    ]
    parsed = form.indicators[1].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number, parsed.unit) == ("=", 0.3, None)


def test_002_names_in_first_column_after_benefits(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[620]  # lines 631-642
    assert form.project_name == "吉林亚松改制遗留问题、工作经费及偿还职工债务"
    assert funds(form) == target_funds(101.75)
    assert form.goals.expected == (
        "开展综合事务管理，保障单位各项事务正常运转。发放补助金，保障职工及家属生活。偿还职工债务，解决历史遗留问题。"
    )
    assert targets(form)[-4:] == [
        (Q, S, "维护日常运转", "完成", 8.0),
        (Q, S, "解决历史遗留问题", "长期进行", 7.0),
        (Q, S, "发放补助", "完成", 8.0),
        (Q, S, "偿还债务", "长期进行", 7.0),
    ]
    assert len(form.indicators) == 11


def test_002_last_form(forms002: dict[int, PerformanceForm]) -> None:
    form = forms002[644]  # lines 644-668
    assert (form.line_start, form.line_end) == (644, 668)
    assert form.project_name == "化工园区建设工作"
    assert funds(form) == target_funds(20.0)
    assert form.goals.expected == "全年化工园区建设指导"
    rows = targets(form)
    assert len(rows) == 13
    assert rows[0] == (C, ECON, "差旅费", "<=4万元", 5.0)
    assert rows[8] == (Q, S, "化工园区水平", "提升", 10.0)
    assert rows[-2:] == [
        (E, SAT, "化工园区满意度", ">=90%", 5.0),
        (E, SAT, "参训人员满意度", ">=90%", 5.0),
    ]
    # 20 (成本) + 40 (产出) + 20 (效益) + 10 (满意度): the form's weights add up to 90
    assert sum(i.weight or 0 for i in form.indicators) == 90.0


# --- synthetic forms --------------------------------------------------------------------


def make_source(text: str) -> SourceText:
    return SourceText.from_text("synthetic.txt", text, "0" * 64, "utf-8")


def tab(*cells: str) -> str:
    return "\t".join(cells)


OTHER_SPELLING = "\n".join(
    [
        "某某局2023年度部门预算项目支出绩效自评表",
        tab("项目名称", "", "示例项目", "", ""),
        tab("主管部门", "某某局", "实施单位", "某某中心", ""),
        tab("资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        tab("", "年度资金总和", "10", "12", "9", "10", "75%", "7.5"),
        tab("", "其中：财政拨款", "10", "12", "9", "—", "75%", "—"),
        tab("年度总体目标", "预期目标", "", "实际完成情况"),
        tab("", "完成示例工作", "", "已完成示例工作"),
        tab("一级指标", "二级指标", "三级指标", "指标值", "实际值", "分值", "得分", "偏差原因"),
        tab("产出", "数量", "培训人次", "≥100人次", "120人次", "50", "50", ""),
        tab("", "", "印发资料", "＞95%", "", "20", "18", "资料印发未完成"),
        tab("满意度", "服务对象满意度", "学员满意度", "≥90%", "93%", "20", "20", ""),
        tab("总分", "", "", "", "", "", "95.5", ""),
    ]
)


def test_other_header_spelling_and_missing_cell() -> None:
    source = make_source(OTHER_SPELLING)
    [form] = extract_forms(source)[0]
    assert form.kind == "self_evaluation"
    assert form.title == "某某局2023年度部门预算项目支出绩效自评表"
    assert form.project_name == "示例项目"
    assert (form.department, form.implementing_unit) == ("某某局", "某某中心")
    assert funds(form) == [
        ("annual_total", 10.0, 12.0, 9.0, 75.0, 7.5),
        ("current_year_appropriation", 10.0, 12.0, 9.0, 75.0, None),
    ]
    assert (form.goals.expected, form.goals.actual) == ("完成示例工作", "已完成示例工作")
    # 分值 = weight, 得分 = score, 实际值 = actual, 指标值 = target; aliases folded
    assert indicators(form) == [
        (P, NUM, "培训人次", "≥100人次", "120人次", 50.0, 50.0, None),
        (P, NUM, "印发资料", "＞95%", None, 20.0, 18.0, "资料印发未完成"),  # 实际值 missing
        (E, SAT, "学员满意度", "≥90%", "93%", 20.0, 20.0, None),
    ]
    parsed = form.indicators[1].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number) == (">", 95.0)
    assert form.total_score == 95.5


def test_truncated_form_keeps_what_is_there() -> None:
    lines = OTHER_SPELLING.split("\n")[:10]  # stops after the first indicator row
    source = make_source("\n".join(lines))
    [form] = extract_forms(source)[0]
    assert form.project_name == "示例项目"
    assert len(form.funds) == 2
    assert indicators(form) == [(P, NUM, "培训人次", "≥100人次", "120人次", 50.0, 50.0, None)]
    assert form.total_score is None
    assert any("总分" in warning for warning in form.warnings)


def test_truncated_before_indicators() -> None:
    source = make_source("\n".join(OTHER_SPELLING.split("\n")[:6]))
    [form] = extract_forms(source)[0]
    assert form.project_name == "示例项目"
    assert form.indicators == []
    assert any("no indicator table" in warning for warning in form.warnings)


def test_target_form_with_level3_alone_and_continuation() -> None:
    text = "\n".join(
        [
            "项目绩效目标表",
            tab("项目名称", "", "示例", "", ""),
            tab("主管部门及编码", "", "某某局-101", "", ""),
            tab("项目资金（万元）", "年度资金总额", "1,995.86", "", ""),
            tab("年度绩效目标", "目标一", "", "", ""),
            tab("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "权重"),
            tab("", "产出指标", "时效指标", "完成时间", "24年12月31日前", "30"),
            tab("", "", "", "", "（含节假日）", ""),
            tab("", "效益指标", "可持续影响指标", "长效机制", "建立", "70"),
        ]
    )
    [form] = extract_forms(make_source(text))[0]
    assert form.kind == "target"
    assert form.department == "某某局"
    assert funds(form) == [("annual_total", None, 1995.86, None, None, None)]
    assert targets(form) == [
        (P, TIME, "完成时间", "24年12月31日前（含节假日）", 30.0),  # text continued on the next line
        (Q, "可持续影响指标", "长效机制", "建立", 70.0),
    ]
    assert form.indicators[0].target_parsed is None
    assert form.indicators[0].line_end == 8
    assert form.warnings == []


def test_labels_printed_below_their_first_row() -> None:
    # A merged level-1/level-2 cell printed on the middle row of its block.
    text = "\n".join(
        [
            "项目支出绩效目标表",
            tab("项目名称", "示例"),
            tab("一级指标", "二级指标", "三级指标", "指标值", "权重"),
            tab("", "", "甲", "=1个", "10"),
            tab("产出指标", "数量指标", "乙", "=2个", "10"),
            tab("", "", "丙", "=3个", "10"),
            tab("", "社会效益指标", "丁", "提升", "70"),
        ]
    )
    [form] = extract_forms(make_source(text))[0]
    assert targets(form) == [
        (P, NUM, "甲", "=1个", 10.0),
        (P, NUM, "乙", "=2个", 10.0),
        (P, NUM, "丙", "=3个", 10.0),
        (Q, S, "丁", "提升", 70.0),  # 社会效益指标 says its level 1 whatever the row above
    ]


def test_toc_entry_is_not_a_form() -> None:
    text = "目录\n十、部门预算项目支出绩效自评表\n\n第三部分 情况说明\n正文"
    assert find_form_blocks(make_source(text)) == []


def test_parse_tabbed_form_directly(corpus: dict[str, SourceText]) -> None:
    form = parse_tabbed_form(corpus["002"], 389, 404)
    assert form.kind == "target"  # read from the title when not given
    assert form.project_name == "原黄金局补差工资"


def test_alias_alone_is_a_name_and_the_form_ends_at_a_heading() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表",
            tab("项目名称", "示例"),
            tab("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "权重", "自评得分"),
            tab("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "50", "50"),
            tab("", "", "满意度", "≥80%", "85%", "40", "40"),  # 满意度: a name here, not a label
            tab("总分", "", "", "", "", "", "90"),
            tab("附注", "本表金额单位为万元"),
            "十一、其他重要事项情况说明",
            tab("某表", "1", "2"),
        ]
    )
    [form] = extract_forms(make_source(text))[0]
    assert indicators(form) == [
        (E, SAT, "群众满意度", "≥90%", "95%", 50.0, 50.0, None),
        (E, SAT, "满意度", "≥80%", "85%", 40.0, 40.0, None),
    ]
    assert form.total_score == 90.0
    assert form.line_end == 7  # the 附注 row is still in the block, the heading is not
    assert any("after the 总分 row" in warning for warning in form.warnings)


def test_resolve_levels_middle_labels() -> None:
    from extractor.forms.vocabulary import resolve_levels

    labels: list[tuple[str | None, str | None]] = [
        (None, None),
        ("产出指标", "数量指标"),
        (None, None),
        (None, None),
        ("效益指标", "社会效益指标"),
        (None, None),
    ]
    top = resolve_levels(labels)
    assert [(one, two) for one, two, _, _ in top] == [(P, NUM), (P, NUM), (P, NUM), (P, NUM), (Q, S), (Q, S)]
    assert [source for _, _, source, _ in top] == [1, 1, 1, 1, 4, 4]
    middle = resolve_levels(labels, label_first=False)
    # rows 2 and 3 sit between two blocks: the nearer label wins
    assert [one for one, _, _, _ in middle] == [P, P, P, Q, Q, Q]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("项目支出绩效自评表", "self_evaluation"),
        ("部门预算项目支出绩效自评表", "self_evaluation"),
        ("项目支出绩效自评表（2024年度）", "self_evaluation"),
        ("延边朝鲜族自治州工业和信息化局2024年项目支出绩效目标表", "target"),
        ("某局2024年项目绩效目标表", "target"),
        ("十、部门预算项目支出绩效自评表", None),  # numbered: a TOC entry or heading
        ("- 十二、项目支出绩效目标申报表", None),
        ("关于项目支出绩效自评表的说明", None),
        ("项目支出绩效评价报告", None),
    ],
)
def test_title_kind(title: str, kind: str | None) -> None:
    from extractor.forms.detect import title_kind

    assert title_kind(title) == kind


def test_dispatch_by_layout(corpus: dict[str, SourceText]) -> None:
    from extractor.forms import is_tabbed_block

    first, last, _ = find_form_blocks(corpus["000"])[0]
    assert (first, last) == (444, 539)
    assert not is_tabbed_block(corpus["000"], first, last)  # PDF line flow: the line-flow parser
    assert is_tabbed_block(corpus["001"], 393, 408)
    assert len(find_form_blocks(corpus["000"])) == 40  # 40 titles after the TOC entry on line 442
