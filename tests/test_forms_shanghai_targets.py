"""财政项目支出绩效目标填报表 (Shanghai's project target forms: targets only, no actuals)
read as performance forms of kind ``target``, with their funds arithmetic checked.

The material is a synthetic budget section with three forms in the family's layouts
(tests/data/shanghai_targets/report.txt, tab-separated as text extraction prints ruled
tables): 年度资金总额 / 其中：财政拨款 / 其他资金 and 资金总额 / 财政资金 / 其他资金; 项目总目标
and 年度总体目标; targets with the unit in brackets (``≥13459.00(平方米)``) and targets
printed over 指标性质 | 指标值 | 度量单位; 效果指标 as the outcome block; a form without
weights. The same lines are rendered to a ruled PDF (tests/helpers/pdf_builders.py) and
read back; the PDF's pdftotext renderings are committed beside the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import SourceText, decode_report
from extractor.document.loading import read_pdf_report
from extractor.forms import extract_forms
from extractor.pipeline import extract
from extractor.settings import Settings
from schemas import Finding, ParsedTarget, PerformanceForm
from tests.helpers.pdf_builders import Layout, ruled_report_pdf

DATA = Path(__file__).resolve().parent / "data" / "shanghai_targets"
DEPARTMENT = "上海市普陀区绿化和市容管理局"
OUT, EFFECT, BENEFIT, SATISFACTION = "产出指标", "效果指标", "效益指标", "满意度指标"

# project -> (implementing unit, funds (kind, amount), goal, indicators)
EXPECTED: dict[str, tuple[str, list[tuple[str, float]], str, list[tuple[object, ...]]]] = {
    "公共绿地养护管理": (
        "上海市普陀区绿化管理事务中心",
        [("annual_total", 13560000.0), ("current_year_appropriation", 13200000.0), ("other", 360000.0)],
        "完成全区13459平方米公共绿地的日常养护，绿地完好率保持100%，病虫害发现后5天内处置完毕。",
        [
            (OUT, "数量指标", "公共绿地养护面积", "≥13459.00(平方米)", (">=", 13459.0, "平方米"), 20.0),
            (OUT, "质量指标", "绿地完好率", "=100.00(%)", ("=", 100.0, "%"), 20.0),
            (OUT, "时效指标", "病虫害处置时限", "≤5(天)", ("<=", 5.0, "天"), 10.0),
            (OUT, "成本指标", "养护单价", "≤1007.50(元/平方米)", ("<=", 1007.5, "元/平方米"), 10.0),
            (EFFECT, "社会效益指标", "绿化景观效果", "优良中低差", None, 20.0),
            (EFFECT, "服务对象满意度指标", "市民满意度", "≥90.00(%)", (">=", 90.0, "%"), 20.0),
        ],
    ),
    "市容环境卫生作业": (
        "上海市普陀区市容环境卫生管理所",  # printed under 预算单位
        [("annual_total", 2000000.0), ("current_year_appropriation", 1333333.33), ("other", 666666.67)],
        "完成辖区道路清扫保洁和生活垃圾清运，垃圾日产日清，投诉按时处理。",
        [
            # 指标性质 | 指标值 | 度量单位 read as one target
            (OUT, "数量指标", "生活垃圾清运量", "≥36500吨", (">=", 36500.0, "吨"), 30.0),
            (OUT, "时效指标", "垃圾清运及时性", "及时率", None, 20.0),  # 定性: no comparator
            (BENEFIT, "社会效益指标", "道路保洁质量", "优良中低差", None, 20.0),
            (BENEFIT, "社会效益指标", "投诉处理按时办结率", "=100%", ("=", 100.0, "%"), 10.0),
            (SATISFACTION, "服务对象满意度指标", "居民满意度", "≥85%", (">=", 85.0, "%"), 20.0),
        ],
    ),
    "绿化专项规划编制": (
        DEPARTMENT,
        [("annual_total", 1.0), ("current_year_appropriation", 0.67), ("other", 0.34)],
        "完成普陀区绿化专项规划的编制并通过专家评审。",
        [
            (OUT, "数量指标", "规划编制数量", "=1(项)", ("=", 1.0, "项"), None),
            (OUT, "质量指标", "专家评审通过率", "=100.00(%)", ("=", 100.0, "%"), None),
            (BENEFIT, "可持续影响指标", "规划实施指导作用", "显著", None, None),
        ],
    ),
}


def _lines() -> list[str]:
    return (DATA / "report.txt").read_text(encoding="utf-8").splitlines()


def _pdf(lines: list[str]) -> bytes:
    return ruled_report_pdf(lines, Layout(running_head=f"{DEPARTMENT}2025年部门预算"))


def _source(rendering: str, settings: Settings, plant: tuple[str, str] = ("", "")) -> SourceText:
    """The report in one rendering, with ``plant`` (old, new) replaced in its text."""
    if rendering == "pdf":
        return read_pdf_report(_pdf([line.replace(*plant) for line in _lines()]), "report.pdf", settings)
    name = "report.txt" if rendering == "txt" else f"report.{rendering}.txt"
    text = (DATA / name).read_text(encoding="utf-8").replace(*plant)
    return decode_report(text.encode("utf-8"), name)


def _indicators(form: PerformanceForm) -> list[tuple[object, ...]]:
    def parsed(target: ParsedTarget | None) -> object:
        return None if target is None else (target.comparator, target.number, target.unit)

    return [(i.level1, i.level2, i.level3, i.target, parsed(i.target_parsed), i.weight) for i in form.indicators]


# txt: tab-separated; pdf: the ruled PDF read back; layout: `pdftotext -layout` of that PDF.
RENDERINGS = ("txt", "pdf", "layout")


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_every_target_form_is_read(rendering: str, settings: Settings) -> None:
    forms, failures = extract_forms(_source(rendering, settings))
    assert failures == []
    assert [f.project_name for f in forms] == list(EXPECTED)
    for form in forms:
        unit, funds, goal, indicators = EXPECTED[form.project_name or ""]
        assert form.kind == "target"
        assert form.title.startswith("财政项目支出绩效目标填报表"), form.title
        assert form.department == DEPARTMENT
        assert form.implementing_unit == unit
        # a target form prints one amount per row: the budget applied for
        assert [(r.kind, r.full_year_budget) for r in form.funds] == funds
        assert all(r.initial_budget is None and r.executed is None for r in form.funds)
        assert form.goals.expected == goal and form.goals.actual is None
        assert _indicators(form) == indicators
        assert all(i.actual is None and i.score is None for i in form.indicators)
        assert form.total_score is None


def test_pdftotext_default_rendering_gives_the_head_funds_and_goals(settings: Settings) -> None:
    """pdftotext without -layout prints the ruled table one cell per line, in column order:
    the forms, their head, funds (each amount on a line of its own below its label) and
    goals are read; the indicator rows are not reliable there and are not asserted."""
    forms, failures = extract_forms(_source("flow", settings))
    assert failures == []
    assert [f.project_name for f in forms] == list(EXPECTED)
    for form in forms:
        _, funds, goal, _ = EXPECTED[form.project_name or ""]
        assert form.kind == "target"
        assert form.title == "财政项目支出绩效目标填报表"
        assert form.department == DEPARTMENT
        assert [(r.kind, r.full_year_budget) for r in form.funds] == funds
        assert form.goals.expected == goal


def test_the_subtitle_year_and_the_new_labels_leave_no_warning(settings: Settings) -> None:
    for rendering in ("txt", "layout"):
        forms, _ = extract_forms(_source(rendering, settings))
        assert [f.warnings for f in forms] == [[], [], []], rendering


def _fund_findings(rendering: str, settings: Settings, plant: tuple[str, str] = ("", "")) -> list[Finding]:
    result = extract(_source(rendering, settings, plant), settings)
    return [f for f in result.findings if f.rule_id == "form.fund_sum"]


@pytest.mark.parametrize("rendering", [*RENDERINGS, "flow"])
def test_funds_arithmetic_is_silent_on_consistent_and_rounded_forms(rendering: str, settings: Settings) -> None:
    findings = _fund_findings(rendering, settings)
    # 1,333,333.33 + 666,666.67 = 2,000,000.00 exactly: nothing. 0.67 + 0.34 = 1.01 against a
    # printed 1.00: within the rounding of three printed figures, noted as info only.
    assert [f.message for f in findings if f.severity != "info"] == []
    assert [f.stated for f in findings if f.severity == "info"] == [1.0]


@pytest.mark.parametrize("rendering", [*RENDERINGS, "flow"])
def test_funds_arithmetic_fires_on_a_planted_error(rendering: str, settings: Settings) -> None:
    planted = ("13,200,000.00", "13,100,000.00")  # 其中：财政拨款 of the first form
    errors = [f for f in _fund_findings(rendering, settings, planted) if f.severity == "error"]
    assert len(errors) == 1
    assert "公共绿地养护管理" in errors[0].message
    assert (errors[0].stated, errors[0].expected) == (13560000.0, 13460000.0)
