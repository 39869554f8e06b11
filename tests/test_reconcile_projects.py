"""Project rules on the corpus: each genuine report error found by hand fires (values checked
against the source text), consistent projects stay silent, rounding is told apart."""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.pipeline import extract
from extractor.reconcile import reconcile, registry
from extractor.settings import Settings
from schemas import ExtractionResult, Finding


@pytest.fixture(scope="module")
def results(corpus: dict[str, SourceText], settings: Settings) -> dict[str, ExtractionResult]:
    return {key: extract(source, settings) for key, source in corpus.items()}


def run(result: ExtractionResult, rule_id: str) -> list[Finding]:
    chosen = [r for r in registry() if r.id == rule_id]
    assert chosen, rule_id
    return reconcile(result, chosen)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != "info"]


def test_summary_vs_form_fires_on_48_05_against_90(results: dict[str, ExtractionResult]) -> None:
    # 001 line 1523: "项目绩效自评得分48.05分"; the form (lines 1129-1143) prints 总分 90.00.
    found = errors(run(results["001"], "project.summary_vs_form"))
    assert len(found) == 1
    assert (found[0].stated, found[0].expected) == (48.05, 90.0)
    assert "招商引资专项经费" in found[0].message and found[0].project is not None
    assert sorted(loc.line_start for loc in found[0].locations) == [1143, 1523]
    # 000: 40 summaries against 40 forms, budgets and executed all agree.
    assert errors(run(results["000"], "project.summary_vs_form")) == []


def test_summary_vs_form_rounding_and_unit_slip(results: dict[str, ExtractionResult]) -> None:
    result = results["000"].model_copy(deep=True)
    summary = next(s for s in result.projects.summaries if s.name == "安全生产管理经费")
    summary.executed = 7.994  # 7.99 printed with one more place: rounding
    assert [f.classification for f in run(result, "project.summary_vs_form")] == ["rounding"]
    summary.executed = 79900.0  # 7.99 万元 written in 元
    found = run(result, "project.summary_vs_form")
    assert len(found) == 1 and found[0].severity == "warning" and "10,000" in found[0].message


def test_summary_indicators_fire_on_the_four_satisfaction_figures(results: dict[str, ExtractionResult]) -> None:
    found = errors(run(results["001"], "project.summary_indicators"))
    # 001 lines 1425 (98% vs 90%), 1443 (96% vs 90%), 1461 (96% vs 90%), 1463 (94% vs 96%)
    assert sorted((f.locations[0].line_start, f.stated, f.expected) for f in found) == [
        (1425, 98.0, 90.0), (1443, 96.0, 90.0), (1461, 96.0, 90.0), (1463, 94.0, 96.0)]
    # 离退休老干部活动经费 states 96% and its form's indicator says 96%: silent.
    assert not any("离退休" in f.message for f in found)


def test_form_goal_text_fires_on_the_same_four_forms(results: dict[str, ExtractionResult]) -> None:
    found = errors(run(results["001"], "project.form_goal_text"))
    assert sorted((f.stated, f.expected) for f in found) == [(94.0, 96.0), (96.0, 90.0), (96.0, 90.0), (98.0, 90.0)]
    assert sorted(f.locations[0].line_start for f in found) == [529, 635, 745, 762]


def test_summary_rate_fires_on_99_99_against_6_992_of_7(results: dict[str, ExtractionResult]) -> None:
    found = errors(run(results["004"], "project.summary_rate"))
    assert len(found) == 1 and found[0].stated == 99.99 and found[0].expected == pytest.approx(99.8857, abs=1e-4)
    # 001's 50 summaries print 完成预算的 X% at 0 or 1 decimal (48.1% for 48.05 / 100): all accepted.
    assert errors(run(results["001"], "project.summary_rate")) == []


def test_summary_rate_accepts_a_fraction(results: dict[str, ExtractionResult]) -> None:
    result = results["004"].model_copy(deep=True)
    summary = next(s for s in result.projects.summaries if s.name == "化肥厂等国有企业服务费用")
    summary.rate = 1.0  # 25 / 25 printed as 1.00
    summary.evidence["rate"] = "执行率 1.00"
    assert not any(f.message.startswith("化肥厂") for f in errors(run(result, "project.summary_rate")))
    summary.rate = 0.9
    summary.evidence["rate"] = "执行率 0.90"
    assert any(f.message.startswith("化肥厂") for f in errors(run(result, "project.summary_rate")))


def test_score_row_vs_mentions_fires_on_84_31_against_71_75(results: dict[str, ExtractionResult]) -> None:
    found = errors(run(results["004"], "project.score_row_vs_mentions"))
    assert len(found) == 1
    assert (found[0].stated, found[0].expected) == (84.31, 71.75)
    assert "良 vs 中" in found[0].message
    assert sorted(loc.line_start for loc in found[0].locations) == [807, 870]


def test_grade_threshold(results: dict[str, ExtractionResult]) -> None:
    for key in results:  # every grade printed in the corpus fits its score
        assert errors(run(results[key], "project.grade_threshold")) == []
    result = results["004"].model_copy(deep=True)
    summary = next(s for s in result.projects.summaries if s.name == "怀仁市建市五周年活动费用")
    summary.grade = "良"  # 94.99 is 优
    found = errors(run(result, "project.grade_threshold"))
    assert len(found) == 1 and "94.99" in found[0].message and "优" in found[0].message


def test_score_components(results: dict[str, ExtractionResult]) -> None:
    found = run(results["004"], "project.score_components")
    # 004 line 826: 5.3 + 12 + 6 + 5.3 of 10 + 20 + 10 + 10: 78.6, printed 74.60 (line 828);
    # line 876: 执行率 9.97 of 10 and the rest full marks: 99.97, printed 99.94 (line 878);
    # line 868: 84.32 by the components, printed 84.31: rounding.
    assert sorted((f.severity, f.stated, f.expected) for f in found) == [
        ("error", 74.6, 78.6), ("error", 99.94, 99.97), ("info", 84.31, 84.32)]


def test_claimed_totals(results: dict[str, ExtractionResult]) -> None:
    (seventy,) = errors(run(results["000"], "project.claimed_totals"))
    assert (seventy.stated, seventy.expected) == (70.0, 40.0) and "54235.07" in seventy.message
    (fifty,) = errors(run(results["001"], "project.claimed_totals"))
    assert "5823.95" in fifty.message and "5573.89" in fifty.message
    # 004: 12 projects and 2462.99 万元 executed against the score table's 12 rows, 2462.985: silent.
    assert errors(run(results["004"], "project.claimed_totals")) == []


def test_listed_items(results: dict[str, ExtractionResult]) -> None:
    # 004 line 600 lists item 7 at 5 万元 (50 in the score table): 3443.15 against 3488.15;
    # the lists at line 639 (8 items, 3454.75) and of the transfers add up.
    (found,) = errors(run(results["004"], "project.listed_items"))
    assert (found.stated, found.expected) == (3488.15, 3443.15)


def test_summary_without_form_and_repeated_summary(results: dict[str, ExtractionResult]) -> None:
    without = run(results["000"], "project.summary_without_form")
    assert sorted(f.message.split(":")[0] for f in without) == [
        "培训费", "服务大厅运行专项", "补充人员经费和公用经费不足", "补充人员经费和公用经费不足"]
    (repeated,) = run(results["000"], "project.repeated_summary")
    assert repeated.message.startswith("全市包装会议费")
    assert [loc.line_start for loc in repeated.locations] == [6840, 6854]  # both places printed
    assert run(results["001"], "project.summary_without_form") == []
    # without a claim that every project was evaluated, a report may publish some forms only
    partial = results["000"].model_copy(deep=True)
    partial.projects.claims = []
    assert run(partial, "project.summary_without_form") == []
    assert run(results["001"], "project.repeated_summary") == []


def test_met_target_scored_zero(results: dict[str, ExtractionResult]) -> None:
    (found,) = run(results["001"], "project.met_target_scored_zero")
    assert "参会人员满意度" in found.message and found.locations[0].line_start == 407


def test_table_row_budget(results: dict[str, ExtractionResult]) -> None:
    assert errors(run(results["002"], "project.table_row_budget")) == []
    result = results["002"].model_copy(deep=True)
    form = next(f for f in result.performance_forms if f.project_name == "卧钢退休人员工资")
    form.funds[0].full_year_budget = 17.8
    (found,) = errors(run(result, "project.table_row_budget"))
    assert (found.stated, found.expected) == (17.3, 17.8) and found.locations[0].line_start == 339


def test_form_execution_rate_printed_as_a_fraction(results: dict[str, ExtractionResult]) -> None:
    result = results["001"].model_copy(deep=True)
    form = next(f for f in result.performance_forms if f.project_name == "机要交换系统维护费")  # 27 / 27
    annual = next(r for r in form.funds if r.kind == "annual_total")
    annual.execution_rate = 1.0  # printed "1.00" under 执行率 (%): a fraction, not an error
    assert not any("机要交换" in f.message for f in run(result, "form.execution_rate"))
    annual.execution_rate = 0.5
    assert any("机要交换" in f.message for f in errors(run(result, "form.execution_rate")))


def test_score_table_rate_printed_as_a_fraction(results: dict[str, ExtractionResult]) -> None:
    result = results["004"].model_copy(deep=True)
    table = next(t for t in result.score_tables if "一级指标" in t.title)
    row = next(r for r in table.rows if r.label == "投入")  # 15 of 15 (line 658)
    row.values["得分率"] = 1.0
    assert not any("投入" in f.message for f in run(result, "form.score_table_rate"))
    row.values["得分率"] = 0.9
    assert any("投入" in f.message for f in errors(run(result, "form.score_table_rate")))
