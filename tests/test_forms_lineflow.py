"""The line-flow form parser on report 000 (长春市工业和信息化局 2024 决算) and a
synthetic form in other spellings. Expected values are read off the text."""

from __future__ import annotations

import re

import pytest

from extractor.document import SourceText
from extractor.errors import InputError
from extractor.forms import vocabulary
from extractor.forms.lineflow import parse_lineflow_form
from schemas import PerformanceForm

_TITLE = "项目支出绩效自评表"
_PART = re.compile(r"^\s*第[一二三四五六七八九十]+部分")


def _blocks(source: SourceText) -> list[tuple[int, int]]:
    """The form blocks of 000 found the simplest way (independent of forms.detect):
    a line that is exactly the title starts a block; the next title or part heading ends it."""
    starts = [line.number for line in source.lines if line.text.strip() == _TITLE]
    blocks: list[tuple[int, int]] = []
    for index, first in enumerate(starts):
        if index + 1 < len(starts):
            last = starts[index + 1] - 1
        else:
            last = next(line.number for line in source.lines[first:] if _PART.match(line.text)) - 1
        blocks.append((first, last))
    return blocks


@pytest.fixture(scope="module")
def report(corpus: dict[str, SourceText]) -> SourceText:
    return corpus["000"]


@pytest.fixture(scope="module")
def forms(report: SourceText) -> dict[int, PerformanceForm]:
    return {first: parse_lineflow_form(report, first, last) for first, last in _blocks(report)}


def test_000_holds_40_forms_and_the_toc_entry_is_not_one(report: SourceText) -> None:
    blocks = _blocks(report)
    # 41 lines carry the title; line 442 is the heading 十、部门预算项目支出绩效自评表.
    assert sum(_TITLE in line.text for line in report.lines) == 41
    assert len(blocks) == 40
    assert blocks[0] == (444, 539)
    assert blocks[-1] == (5938, 6131)


# (level1, level2, level3, target, actual, deviation_reason) per indicator, as printed.
P, E, S, C = "产出指标", "效益指标", "满意度指标", "成本指标"
SAT = "服务对象满意度指标"

EXPECTED: dict[int, dict[str, object]] = {
    444: {
        "project_name": "“万人驻（助）万企”长春政企通平台（长春亲清政企关系数字服务平台）运行维护及升级改造相关费用",
        "implementing_unit": "长春市工业和信息化局",
        "line_end": 539,
        "funds": {
            "current_year_appropriation": (35, 35, 34.96, 99.89),
            "carryover": (0, None, None, None),
            "other": (0, None, None, None),
            "annual_total": (35, 35, 34.96, 99.89),
        },
        "expected": "借助互联网手段更加快捷高效的为企业提供服务。突出优化营商环境，全面营造长春“亲”“清”政企关系，"
        "为助力企业发展创造更好的发展平台和空间环境。",
        "actual_start": "进一步丰富企业信息库",
        "actual_end": "等五大功能为一体的综合性数字服务平台。",
        "indicators": [
            (P, "数量指标", "平台数量", "1", "1", None),
            (P, "质量指标", "平台运行情况", "平稳", "平稳", None),
            (E, "社会效益指标", "企业问题流转情况", "畅通", "畅通", None),
            (S, SAT, "企业满意度", ">=90%", "100%", None),
        ],
    },
    540: {
        "project_name": "2024 产业招商经费",
        "line_end": 694,
        "funds": {
            "current_year_appropriation": (13, 13, 12.81, 98.54),
            "carryover": (0, 0, 0, 0),
            "other": (0, 0, 0, 0),
            "annual_total": (13, 13, 12.81, 98.54),
        },
        "expected": "深入贯彻习近平总书记在新时代推动东北全面振兴座谈会上的讲话，响应市委全会部署",
        "actual": "深入贯彻习近平总书记在新时代推动东北全面振兴座谈会上的讲话，响应市委全会部署",
        "indicators": [
            (C, "经济成本指标", "总经济成本", "13万", "12.81万元", None),
            (P, "数量指标", "项目资金需求方向", "3个", "3个", None),
            (P, "时效指标", "拨付时效", "24年12 月31 日前", "24 年12 月31 日前", None),
            (E, "社会效益指标", "对社会的影响", "提升", "提升", None),
            (S, SAT, "服务对象满意度", "满意", "满意", None),
        ],
    },
    695: {
        "project_name": "安全生产管理经费",
        "line_end": 804,  # line 808 is the page number 26
        "expected": "开展安全生产检查和教育培训，提高全员安全意识和业务水平，防范生产安全事故发生。",
        "actual_start": "全年组织民爆领域专家",
        "actual_end": "组织全市民爆行业安全生产培训 2次。",
        "indicators": [
            (P, "数量指标", "安全生产检查次数", ">=6 次", "6次", None),
            (E, "社会效益指标", "事故发生情况", "不发生", "不发生", None),
        ],
    },
    924: {
        "project_name": "电煤应急储备补贴",
        "funds": {"current_year_appropriation": (936, 936, 936.0, 100.0)},
        "indicators": [
            (P, "数量指标", "储煤数量", "60 万吨", "57.5万吨", "根据市政府实际批准57.5 万吨"),
            (E, "生态效益指标", "储煤对环境无影响", "无影响", "无影响", None),
            (S, SAT, "电厂满意度", "满意", "满意", None),
        ],
    },
    1057: {
        "project_name": "法律顾问服务费",
        "indicators": [
            (P, "数量指标", "法律咨询次数", ">=1 次", "10 次", None),
            (E, "社会效益指标", "促进相关政策有效实施", "规避风险", "规避风险", None),
        ],
    },
    1535: {
        "project_name": "连续生产和增产扩能企业奖补",
        "indicators": [
            (C, "经济成本指标", "经济成本", "2165 万元", "2165 万元", None),
            (P, "数量指标", "奖补总金额", "2165 万元", "2165 万元", None),
            (
                P,
                "质量指标",
                "奖补支持范围",
                "24 年春节期间连续生产和一季度增产扩能规上企业",
                "24 年春节期间连续生产和一季度增产扩能规上企业",
                None,
            ),
            (P, "时效指标", "奖补及时性", "24年12月31 日前", "24 年 12月 31 日前", None),
            (
                E,
                "经济效益指标",
                "生产影响",
                "推动工业企业 24 年春节连续生产",
                "推动工业企业 24年春节连续生产",
                None,
            ),
            (S, SAT, "服务对象满意度", "满意", "满意", None),
        ],
    },
    1865: {
        "project_name": "全市工业和信息化发展宣传经费",
        "expected": "完成 2024 年全年工信战线宣传任务",
        "actual_start": "2024 年对外发布新闻报道共计 317 篇",
        "indicators": [
            (P, "数量指标", "发布次数", ">=5 次", "317次", None),
            (E, "社会效益指标", "产生的社会影响", "积极", "积极", None),
            (S, SAT, "读者观众满意度", ">=90%", "100%", None),
        ],
    },
    2096: {
        "project_name": "市级优秀工业软件和市级优秀服务商奖补",
        "funds": {"annual_total": (735, 735, 735.0, 100.0)},
        "indicators": [
            (C, "经济成本指标", "优秀工业软件和服务机构成本", "735 万元", "735万元", None),
            (P, "数量指标", "优秀工业软件", "51 个", "51 个", None),
            (P, "时效指标", "拨付时效", "24 年12 月31 日前", "24年12 月31 日前", None),
            (E, "社会效益指标", "社会影响力", "提升", "提升", None),
            (S, SAT, "企业满意度", "满意", "满意", None),
        ],
    },
    2405: {
        "project_name": "铁路无人监护道口管理经费",
        "expected": "保障列车运行安全 对人员进行培训，每月进行全面检查。",
        "actual": "每月对全市铁路无人监护道口进行检查，不定期与省厅及沈阳铁路局集团公司进行铁路道口安全检查。",
        "indicators": [
            (P, "数量指标", "铁道口看守数量", ">=18个", "17 个", "本年度关闭1个铁路道口"),
            (E, "社会效益指标", "列车通行情况", "正常", "正常", None),
        ],
    },
    2887: {
        "project_name": "长春市国家级互联网骨干直联点项目",
        "funds": {"current_year_appropriation": (5400, 5400, 5400.0, 100.0)},
        "expected": "完成国家级互联网骨干直联点建设，上线试运行",
        "actual": "完成国家级互联网骨干直联点建设，上线试运行",
        "indicators": [
            (C, "经济成本指标", "骨干直联点项目未支付金额", "≤5600万元", "5400万元", None),
            (P, "数量指标", "建成直联点监测系统主动监测功能节点数量", "=55 个", "=55 个", None),
            (P, "质量指标", "建成后网络时延情况", "≤10毫秒", "9 毫秒", None),
            (P, "质量指标", "建成后网络丢包率", "0.50%", "0.50%", None),
            (P, "时效指标", "完成直联点建设上线试运行时间", "2024 年底", "2024年底", None),
            # 经济效益 is printed without 指标 (lines 3016-3018)
            (E, "经济效益指标", "推动我省数字经济发展", "推动快速发展", "推动快速发展", None),
            (
                E,
                "社会效益指标",
                "提升互联网访问性能和网络基础设施水平",
                "提升基础网络支撑服务能力",
                "提升基础网络支撑服务能力",
                None,
            ),
            (S, SAT, "对供应商提供的服务满意度", "≥90%", "100%", None),
        ],
    },
    3507: {
        "project_name": "长春市重点产业链发展咨询研究费用第二批",
        "indicators": [
            (C, "经济成本指标", "控制成本", "无浪费", "无浪费", None),
            (P, "数量指标", "拨付资金额度", "548 万元", "548 万元", None),
            (P, "质量指标", "咨询报告完成情况", "完成", "完成", None),
            (P, "时效指标", "拨付及时", "及时", "及时", None),
            (E, "经济效益指标", "推动长春市高质量发展", "高质量发展", "高质量发展", None),
            (E, "社会效益指标", "对社会的影响", "提升", "提升", None),
            (S, SAT, "企业满意度", "满意", "满意", None),
        ],
    },
    4212: {
        "project_name": "专精特新小巨人资金",
        # both goals printed on one line, side by side (line 4242)
        "expected": "支持重点小巨人企业发展",
        "actual": "支持重点小巨人企业发展",
        "indicators": [
            (P, "数量指标", "支持重点小巨人企业数量", "2", "2", None),
            (P, "数量指标", "主营业务收入占营业收入比重", ">=70%", "70%", None),
            (P, "数量指标", "研发经费支出占营业收入比重", ">=4%", "4%", None),
            (
                P,
                "质量指标",
                "企业创新发展预期目标",
                "不断加大创新投入，推动科技成果产业化落地及推广",
                "不断加大创新投入，推动科技成果产业化落地及推广",
                None,
            ),
            (
                E,
                "社会效益指标",
                "地方培育扶持情况",
                "广泛开展中小企业培训工作，全面提升广大“专精特新”中小企业人才素质与能力",
                "广泛开展中小企业培训工作，全面提升广大“专精特新”中小企业人才素质与能力",
                None,
            ),
            (S, SAT, "服务对象满意度", "95%", "100%", None),
        ],
    },
    4371: {
        "project_name": "全市包装会议费",
        "implementing_unit": "长春市包装工业技术推广中心",
        "funds": {"current_year_appropriation": (3, 3, 0.3, 10.0), "annual_total": (3, 3, 0.3, 10.0)},
        "expected_start": "完成全市包装行业的行业指导",
        "expected_end": "创造更好的经济效益。",
        "actual_start": "2024 年 7 月召开全市包装行业会议一次。",
        "indicators": [
            (C, "经济成本指标", "会议召开费用", "<=40000元", "3000元", "节约项目经费，压缩会议成本。"),
            (P, "数量指标", "会议次数", ">=1 次", "1次", None),
            (E, "社会效益指标", "行业政策和知晓", "=100 分", "100分", None),
            # the level-3 cell itself reads 满意度指标 (lines 4518-4520)
            (S, SAT, "满意度指标", "=100 分", "100分", None),
        ],
    },
    4678: {
        "project_name": "长春市企业联合会聘用人员经费",
        "implementing_unit": "长春市企业联合会",
        "actual": "全年已完成聘用人员经费 27万元支付。",
        "indicators": [
            (
                C,
                "经济成本指标",
                "部门运行成本",
                "=28.13万元",
                "27万元",
                "年度指标 28.13 万元，实际部门预算最终审批为27 万元，已达到百分百完成率。",
            ),
            (P, "数量指标", "数量人员指标", "=3 人", "3人", None),
            (E, "社会效益指标", "人员配备合理", "合理", "合理", None),
            (S, SAT, "人员配备满意度", "满意", "满意", None),
        ],
    },
    4990: {
        "project_name": "长春市中小企业人才创业指导中心聘用人员经费",
        "implementing_unit": "长春市中小企业人才创业指导中心",
        # 执行数 printed as 100%: not an amount, left empty with a warning
        "funds": {
            "current_year_appropriation": (13.25, 13.25, None, 100.0),
            "carryover": (None, None, None, None),
        },
        "expected": "合理、合规使用资金，足额、及时发放聘用人员经费 13.25 万元。",
        "actual": "合理、合规使用资金，足额、及时发放聘用人员经费13.25 万元。",
        "indicators": [
            (P, "数量指标", "聘用人员经费发放月数", "12 月", "12 月", None),
            (P, "质量指标", "聘用人员经费使用比率", "100%", "100%", None),
            (P, "时效指标", "聘用人员经费使用及时性", "及时", "及时", None),
            # 满意度指标 is printed before 社会效益指标 (line 5102): the hierarchy places the row
            (E, "社会效益指标", "工资保障有效性", "有效", "有效", None),
            (E, "可持续影响指标", "人员管理制度健全性", "健全", "健全", None),
            (S, SAT, "相关人员满意度", "满意", "满意", None),
        ],
    },
    5132: {
        "project_name": "房屋日常维护",
        "implementing_unit": "长春市手工业合作联社",
        "funds": {"annual_total": (1, 1, 1.0, 100.0)},
        "expected": "房屋日常维护",
        "actual": "房屋日常维护",
        "indicators": [
            (C, "经济成本指标", "房屋维修成本", "1万元", "1万元", None),
            (P, "数量指标", "房屋维修面积", "219.278平方米", "219.278平方米", None),
            (P, "质量指标", "工程验收通过率", "100%", "100%", None),
            (P, "时效指标", "房屋维修及时率", "100%", "100%", None),
            # two rows under one printed 社会效益指标 (lines 5259-5273)
            (E, "社会效益指标", "保障办公区正常使用", "有效", "有效", None),
            (E, "社会效益指标", "人员配备合理性", "有效", "有效", None),
            (S, SAT, "工作人员满意度", "85%", "85%", None),
        ],
    },
    5424: {
        "project_name": "长春市无线电监测站无线电保障工作经费",
        "implementing_unit": "长春市无线电监测站",
        "indicators": [
            (P, "数量指标", "无线电监测时长", "≥60 天", "60 天", None),
            (P, "数量指标", "无线电考试保障执行次数", "≥20 次", "99 次", None),
            (P, "质量指标", "无线电监测准确率", "100%", "100%", None),
            (P, "时效指标", "无线电监测及时率", "100%", "100%", None),
            (P, "时效指标", "无线电考试保障任务执行及时率", "100%", "100%", None),
            (E, "社会效益指标", "保障良好电磁环境", "良好", "良好", None),
            (E, "社会效益指标", "查测定位“黑广播”完成率", "100%", "100%", None),
            (E, "社会效益指标", "人员配备合理性", "合理", "合理", None),
            (S, SAT, "满意度", "100%", "100%", None),
        ],
    },
    5752: {
        "project_name": "长春市节能监察支队节能监察执法费",
        "implementing_unit": "长春市节能监察支队",
        "line_end": 5932,  # line 5936 is the page number 66
        "funds": {"current_year_appropriation": (3.2, 3.2, 1.65, 51.56)},
        "expected": "完成 2024 年节能监察工作",
        "actual": "完成 2024 年节能监察工作",
        "indicators": [
            (
                C,
                "经济成本指标",
                "节能监察执行成本",
                "=3.2万元",
                "1.65万元",
                "下半年单位撤销，职能划转，导致未完成年度指标值",
            ),
            (
                P,
                "数量指标",
                "节能执法监察企业数量",
                "60户",
                "30 户",
                "下半年单位撤销，职能划转，导致未完成年度指标值",
            ),
            (P, "质量指标", "节能执法监察工作规范", "规范", "规范", None),
            (P, "时效指标", "节能监察执行及时率", "=100%", "100%", None),
            (E, "经济效益指标", "完成节能降耗指标", "=100%", "100%", None),
            (E, "社会效益指标", "企业能耗浪费事件发生数", "=0起", "0 起", None),
            (E, "社会效益指标", "人员配备合理性", "=100%", "100%", None),
            (S, SAT, "工作人员满意度", ">=95%", "100%", None),
        ],
    },
    5938: {
        "project_name": "长春市节能监察支队节能监察咨询费",
        "implementing_unit": "长春市节能监察支队",
        "line_end": 6131,
        "funds": {"annual_total": (2.4, 2.4, 1.5, 62.5)},
        "expected": "为确保在水泥、钢铁、建材、热电等行业节能监察结果合法有效",
        "actual": "为确保在水泥、钢铁、建材、热电等行业节能监察结果合法有效",
        "indicators": [
            (
                C,
                "经济成本指标",
                "行业专家聘请成本",
                "=1000元/人次",
                "1000元/人次",
                "下半年单位撤销，职能划转，导致未完成年度指标值",
            ),
            (
                P,
                "数量指标",
                "行业专家聘请人数",
                "=24 人次",
                "15 人次",
                "下半年单位撤销，职能划转，导致未完成年度指标值",
            ),
            (P, "质量指标", "行业专家到位率", "规范", "规范", None),
            (P, "时效指标", "行业专家到位及时率", "=100%", "100%", None),
            (E, "经济效益指标", "完成节能降耗指标", "=100%", "100%", None),
            (E, "社会效益指标", "节能监察结果准确率", "=100%", "100%", None),
            (E, "社会效益指标", "人员配备合理性", "=100%", "100%", None),
            (S, SAT, "企业满意度", ">=90%", "100%", None),
        ],
    },
}


@pytest.mark.parametrize("first", sorted(EXPECTED))
def test_000_form_fields(forms: dict[int, PerformanceForm], first: int) -> None:
    form = forms[first]
    want = EXPECTED[first]
    assert form.kind == "self_evaluation"
    assert form.title == _TITLE
    assert form.line_start == first
    assert form.project_name == want["project_name"]
    assert form.implementing_unit == want.get("implementing_unit", "长春市工业和信息化局")
    assert form.department is None  # 000 prints no 主管部门
    if "line_end" in want:
        assert form.line_end == want["line_end"]
    funds = {row.kind: row for row in form.funds}
    assert list(funds) == ["current_year_appropriation", "carryover", "other", "annual_total"]
    for kind, figures in want.get("funds", {}).items():  # type: ignore[attr-defined]
        row = funds[kind]
        assert (row.initial_budget, row.full_year_budget, row.executed, row.execution_rate) == figures
        assert row.score is None  # 000's forms have no 得分 column
    for field in ("expected", "actual"):
        text = getattr(form.goals, field)
        if field in want:
            assert text == want[field]
        if f"{field}_start" in want:
            assert text is not None and text.startswith(want[f"{field}_start"])  # type: ignore[arg-type]
        if f"{field}_end" in want:
            assert text is not None and text.endswith(want[f"{field}_end"])  # type: ignore[arg-type]
    got = [(i.level1, i.level2, i.level3, i.target, i.actual, i.deviation_reason) for i in form.indicators]
    assert got == want["indicators"]
    assert form.total_score is None


def test_000_every_form_reads_complete_indicators(forms: dict[int, PerformanceForm]) -> None:
    """All 40 forms: every indicator has level 1, 2, 3, target and actual; the
    only warnings are 4990's percentages printed in the 全年执行数 column."""
    for first, form in forms.items():
        assert len(form.indicators) >= 2, first
        for indicator in form.indicators:
            assert all(
                (indicator.level1, indicator.level2, indicator.level3, indicator.target, indicator.actual)
            ), (first, indicator)
            assert indicator.level2 in vocabulary.HIERARCHY[indicator.level1], (first, indicator)
        assert form.goals.expected and form.goals.actual, first
        if first != 4990:
            assert form.warnings == [], (first, form.warnings)
    assert forms[4990].warnings == [
        "funds row 当年财政拨款: a percentage (100%) in the executed column, not read",
        "funds row 年度资金总和: a percentage (100%) in the executed column, not read",
    ]


def test_000_provenance_spans_every_line_of_a_broken_cell(
    report: SourceText, forms: dict[int, PerformanceForm]
) -> None:
    form = forms[540]
    assert report.original(form.provenance["project_name"]) == "2024 产业招商经费"
    cost = form.indicators[0]
    assert (cost.line_start, cost.line_end) == (625, 632)
    spans = cost.provenance
    assert (spans["level1"].line_start, spans["level1"].line_end) == (617, 619)  # 成本指 / 标
    assert (spans["level2"].line_start, spans["level2"].line_end) == (621, 623)  # 经济成 / 本指标
    assert report.original(spans["level3"]).split() == ["总经济成", "本"]
    assert report.original(spans["target"]) == "13万"
    assert report.original(spans["actual"]).split() == ["12.81", "万元"]
    assert (spans["actual"].line_start, spans["actual"].line_end) == (630, 632)
    appropriation = form.funds[0]
    assert report.original(appropriation.provenance["executed"]) == "12.81"
    assert appropriation.provenance["executed"].line_start == 564
    expected = form.goals.provenance["expected"]
    assert (expected.line_start, expected.line_end) == (578, 584)
    assert form.goals.provenance["actual"].line_end == 590
    deadline = form.indicators[2]
    assert (deadline.provenance["target"].line_start, deadline.provenance["target"].line_end) == (652, 658)
    assert (deadline.provenance["actual"].line_start, deadline.provenance["actual"].line_end) == (660, 666)


def test_000_parsed_targets(forms: dict[int, PerformanceForm]) -> None:
    satisfaction = forms[444].indicators[3]
    assert satisfaction.target_parsed is not None and satisfaction.target_parsed.model_dump() == {
        "comparator": ">=",
        "number": 90.0,
        "unit": "%",
    }
    assert satisfaction.actual_parsed is not None and satisfaction.actual_parsed.number == 100.0
    coal = forms[924].indicators[0]
    assert coal.target_parsed is not None and (coal.target_parsed.number, coal.target_parsed.unit) == (
        60.0,
        "万吨",
    )
    assert forms[540].indicators[2].target_parsed is None  # a deadline, not a quantity
    assert forms[444].indicators[1].target_parsed is None  # 平稳


# A form of another department in other spellings: 主管部门 and 实施单位 on one
# line, a wrapped project name, 分值 / 得分 columns in funds and indicators,
# 其中： before a funds row, dashes in empty cells, 绩效指标 one character per
# line, a level-1 label printed after its first row, a level-2 label printed
# after its first row (merged cell), broken labels, a deviation reason over two
# lines and a 总分 row.
SYNTHETIC = """\
项目支出绩效自评表
（2024年度）
项目名称 某某市中小企业公共服务平台

运营补助
主管部门 某某市工业和信息化局 实施单位 某某市中小企业服务中心
项目资金
（万元）
年初预
算数
全年预算数 全年执行数 分值 执行率 得分
年度资金总额 100 120 108.00 10 90.00% 9
其中：当年财政拨款 100 120 108.00 — 90.00% —
上年结转资金 — — — — — —
其他资金 0
年度总体
目标
预期目标 实际完成情况
为中小企业提供政策咨询、融资对接等
服务不少于500次。
全年为中小企业提供政策咨询、融资对接等服务620次，
完成年度目标。
绩
效
指
标
一级指标 二级指标 三级指标
年度指
标值
实际完成
值
分值 得分 偏差原因分析及改进措施
数量指标 服务企业人次 ≥500人次 620人次 20 20
产出指标
质
量指标
服务满
意率
≥95% 97% 20 20
时效指
标
完成时间 2024年12月底前 2024年11月 10 10
效益指标
政策知晓率 ≥80% 76% 10 8 宣传覆盖不足，下年度
加强线上宣传
社会效益
指标
平台运行 稳定 稳定 10 10
满意度指
标
服务对
象满意
度指标
服务对象满意度 ≥90% 96% 10 10
总分 100 98
"""


def test_synthetic_form_in_other_spellings() -> None:
    source = SourceText.from_text("synthetic", SYNTHETIC, "0" * 64, "utf-8")
    last = len(SYNTHETIC.split("\n")) - 1
    form = parse_lineflow_form(source, 1, last)
    assert form.project_name == "某某市中小企业公共服务平台运营补助"
    assert (form.provenance["project_name"].line_start, form.provenance["project_name"].line_end) == (3, 5)
    assert form.department == "某某市工业和信息化局"
    assert form.implementing_unit == "某某市中小企业服务中心"
    funds = {row.kind: row for row in form.funds}
    total = funds["annual_total"]
    assert (
        total.initial_budget,
        total.full_year_budget,
        total.executed,
        total.execution_rate,
        total.score,
    ) == (
        100,
        120,
        108,
        90,
        9,
    )
    appropriation = funds["current_year_appropriation"]
    assert (appropriation.executed, appropriation.execution_rate, appropriation.score) == (108, 90, None)
    carryover = funds["carryover"]
    assert (carryover.initial_budget, carryover.executed) == (None, None)
    assert (funds["other"].initial_budget, funds["other"].full_year_budget) == (0, None)
    assert form.goals.expected == "为中小企业提供政策咨询、融资对接等服务不少于500次。"
    assert form.goals.actual == "全年为中小企业提供政策咨询、融资对接等服务620次，完成年度目标。"
    got = [
        (i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score, i.deviation_reason)
        for i in form.indicators
    ]
    assert got == [
        (P, "数量指标", "服务企业人次", "≥500人次", "620人次", 20, 20, None),
        (P, "质量指标", "服务满意率", "≥95%", "97%", 20, 20, None),
        (P, "时效指标", "完成时间", "2024年12月底前", "2024年11月", 10, 10, None),
        (E, "社会效益指标", "政策知晓率", "≥80%", "76%", 10, 8, "宣传覆盖不足，下年度加强线上宣传"),
        (E, "社会效益指标", "平台运行", "稳定", "稳定", 10, 10, None),
        (S, SAT, "服务对象满意度", "≥90%", "96%", 10, 10, None),
    ]
    assert form.total_score == 98
    first = form.indicators[0]
    # 产出指标 is printed on the line after the row it heads
    assert first.provenance["level1"].line_start == 34
    # 社会效益 / 指标 (lines 46-47) is printed after its first row (lines 44-45)
    assert (
        form.indicators[3].provenance["level2"].line_start,
        form.indicators[3].provenance["level2"].line_end,
    ) == (
        46,
        47,
    )
    assert form.indicators[3].provenance["deviation_reason"].line_end == 45
    assert form.warnings == []


def test_rejects_lines_outside_the_report(report: SourceText) -> None:
    with pytest.raises(InputError):
        parse_lineflow_form(report, 444, len(report.lines) + 1)
    with pytest.raises(InputError):
        parse_lineflow_form(report, 2, 1)


# Goals printed line by line in turn (expected, actual, expected, ...), a
# "key value" line after the unit, a funds row with one non-zero figure and a
# level-3 name without values.
ALTERNATING = """\
项目支出绩效自评表
项目名称 老旧小区改造
实施单位 某某区住房和城乡建设局
项目负责人 张三
资金情况
年初预算数 全年预算数 全年执行数 执行率
当年财政拨款 50 50 45 90.00
上年结转资金 5
年度资金总和 50 50 45 90.00
预期目标 实际完成情况
完成老旧小区改造十二个，
实际完成老旧小区改造十二个，惠及居民
惠及居民三千户，改善居住
三千二百户，居住条件明显改善，群众满
条件，提升群众满意度。
意度显著提升，城市更新工作顺利开展。
绩效指标
一级指标 二级指标 三级指标 年度指标值 实际完成值 偏差原因分析及改进措施
产出指标
数量指标
改造小区数量 12个 12个
5G基站覆盖小区数量 ≥10个 12个
质量指标
工程质量
效益指标
社会效益指标
居民满意度提升 明显 明显
"""


def test_synthetic_alternating_goals_and_honest_warnings() -> None:
    source = SourceText.from_text("alternating", ALTERNATING, "1" * 64, "utf-8")
    lines = ALTERNATING.split("\n")
    form = parse_lineflow_form(source, 1, len(lines) - 1)
    assert form.implementing_unit == "某某区住房和城乡建设局"  # 项目负责人 张三 is not part of it
    assert form.goals.expected == "完成老旧小区改造十二个，惠及居民三千户，改善居住条件，提升群众满意度。"
    assert form.goals.actual == (
        "实际完成老旧小区改造十二个，惠及居民三千二百户，居住条件明显改善，群众满意度显著提升，城市更新工作顺利开展。"
    )
    carryover = next(row for row in form.funds if row.kind == "carryover")
    assert (carryover.initial_budget, carryover.full_year_budget) == (5, None)
    got = [(i.level1, i.level2, i.level3, i.target, i.actual) for i in form.indicators]
    assert got == [
        (P, "数量指标", "改造小区数量", "12个", "12个"),
        (P, "数量指标", "5G基站覆盖小区数量", "≥10个", "12个"),  # a name may begin with digits
        (P, "质量指标", "工程质量", None, None),
        (E, "社会效益指标", "居民满意度提升", "明显", "明显"),
    ]
    quality_line = lines.index("工程质量") + 1
    assert form.warnings == [
        "funds row 上年结转资金: 1 figures for 4 columns, placed from the left",
        f"indicator 工程质量 (line {quality_line}): target and actual not found",
    ]


def test_target_form_reads_its_one_goal() -> None:
    text = "项目支出绩效目标表\n项目名称 某某平台运维\n年度总体\n目标\n保障平台全年稳定运行，\n服务企业不少于200家。\n"
    source = SourceText.from_text("target", text, "2" * 64, "utf-8")
    form = parse_lineflow_form(source, 1, 6)
    assert form.kind == "target"
    assert form.project_name == "某某平台运维"
    assert form.goals.expected == "保障平台全年稳定运行，服务企业不少于200家。"
    assert form.goals.actual is None
    assert form.warnings == ["no 绩效指标 header: indicators not read"]


# A 预算's 项目支出绩效目标表 as PDF line flow prints it (after 002's first form, in
# other words): no 实际完成值 column, one target and its 权重 per row, a text target.
TARGET_FORM = """某某市工业和信息化局2025年项目支出绩效目标表

项目名称 员额人员经费

项目级次 二级项目

主管部门及编码 某某市工业和信息化局-601

项目资金 (万元) 年度资金总额 5.20

其中：财政拨款 5.20

其他资金 0.00

年度绩效 目标 按月发放员额同志工资

绩效指标 一级指标 二级指标 三级指标 指标值 权重

成本指标 经济成本指标 员额人员工资 =5.196万元 20

产出指标 数量指标 员额人员人数 =1人 40

效益指标 社会效益指标 维持日常工作运转 保障收入 30
"""


def test_line_flow_target_form_reads_one_value_and_its_weight() -> None:
    source = SourceText.from_text("target-flow", TARGET_FORM, "3" * 64, "utf-8")
    form = parse_lineflow_form(source, 1, len(TARGET_FORM.split("\n")) - 1)
    assert (form.kind, form.project_name, form.department) == ("target", "员额人员经费", "某某市工业和信息化局")
    assert [(row.kind, row.full_year_budget, row.initial_budget) for row in form.funds] == [
        ("annual_total", 5.2, None),
        ("current_year_appropriation", 5.2, None),
        ("other", 0.0, None),
    ]
    assert form.goals.expected == "按月发放员额同志工资"
    got = [(i.level1, i.level2, i.level3, i.target, i.actual, i.weight) for i in form.indicators]
    assert got == [
        ("成本指标", "经济成本指标", "员额人员工资", "=5.196万元", None, 20),
        ("产出指标", "数量指标", "员额人员人数", "=1人", None, 40),
        ("效益指标", "社会效益指标", "维持日常工作运转", "保障收入", None, 30),
    ]
    parsed = form.indicators[0].target_parsed
    assert parsed is not None and (parsed.comparator, parsed.number, parsed.unit) == ("=", 5.196, "万元")
    assert form.warnings == []


def test_row_printed_whole_on_one_line_is_split_by_its_cells() -> None:
    """Target and actual both text and different (a target not met): the figures
    at the line's end (分值, 得分) fix the columns."""
    text = (
        "项目支出绩效自评表\n项目名称 后勤保障\n"
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
        "产出指标 质量指标 省政府后勤工作保障 保障工作需求 保障全部工作需求 30 30\n"
        "满意度指标 服务对象满意度指标 服务对象满意度 ≥90% 95% 20 20\n"
    )
    source = SourceText.from_text("cells", text, "4" * 64, "utf-8")
    form = parse_lineflow_form(source, 1, 5)
    got = [(i.level3, i.target, i.actual, i.weight, i.score) for i in form.indicators]
    assert got == [
        ("省政府后勤工作保障", "保障工作需求", "保障全部工作需求", 30, 30),
        ("服务对象满意度", "≥90%", "95%", 20, 20),
    ]
