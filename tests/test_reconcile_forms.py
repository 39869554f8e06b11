"""Performance-form rules on hand-built forms (figures from corpus 001's and 002's forms)."""

from __future__ import annotations

from extractor.reconcile import reconcile, registry
from extractor.reconcile.rules.form import misses
from schemas import Finding, FundRow, Indicator, ParsedTarget, PerformanceForm, ScoreTable, ScoreTableRow
from tests.reconcile_builders import result, span


def indicator(level3: str, target: str, actual: str | None, weight: float | None, score: float | None,
              t: tuple[str | None, float | None, str | None] | None = None,
              a: tuple[str | None, float | None, str | None] | None = None, line: int = 400) -> Indicator:
    return Indicator(
        level1="产出指标", level2="数量指标", level3=level3, target=target, actual=actual, weight=weight,
        score=score, line_start=line, line_end=line,
        target_parsed=ParsedTarget(comparator=t[0], number=t[1], unit=t[2]) if t else None,  # type: ignore[arg-type]
        actual_parsed=ParsedTarget(comparator=a[0], number=a[1], unit=a[2]) if a else None,  # type: ignore[arg-type]
        provenance={"score": span(line), "weight": span(line)},
    )


def meeting_form(total: float = 87.0, rate: float = 95.0, executed: float = 47.5,
                 satisfaction_score: float | None = 0.0) -> PerformanceForm:
    """001 lines 393-409: 政府序列会议经费."""
    funds = [
        FundRow(kind="annual_total", label="年度资金总额", initial_budget=100, full_year_budget=50, executed=executed,
                execution_rate=rate, score=7, provenance={"execution_rate": span(398), "executed": span(398)}),
        FundRow(kind="current_year_appropriation", label="当年财政拨款", initial_budget=100, full_year_budget=50,
                executed=47.5, execution_rate=95),
        FundRow(kind="carryover", label="上年结转资金", initial_budget=0, full_year_budget=0, executed=0,
                execution_rate=0),
        FundRow(kind="other", label="其他资金", initial_budget=0, full_year_budget=0, executed=0, execution_rate=0),
    ]
    indicators = [
        indicator("会议审核比例", "=100%", "100%", 25, 25, ("=", 100, "%"), (None, 100, "%"), 405),
        indicator("全省规模会议计划召开场次", "≤85场次", "85场次", 25, 25, ("<=", 85, "场次"), (None, 85, "场次"), 406),
        indicator("政府会议精神传达渠道", "≥3种", "3种", 30, 30, (">=", 3, "种"), (None, 3, "种"), 407),
        indicator("参会人员满意度", "≥90%", "90%", 10, satisfaction_score, (">=", 90, "%"), (None, 90, "%"), 408),
    ]
    return PerformanceForm(kind="self_evaluation", title="项目支出绩效自评表", project_name="政府序列会议经费",
                           funds=funds, indicators=indicators, total_score=total, line_start=393, line_end=409,
                           provenance={"total_score": span(409)})


def run(*forms: PerformanceForm) -> list[Finding]:
    return reconcile(result(forms=forms), [r for r in registry() if r.family == "form"])


def found(findings: list[Finding], severity: str = "error") -> list[tuple[str, float | None, float | None]]:
    return [(f.rule_id, f.stated, f.expected) for f in findings if f.severity == severity]


def test_meeting_form_is_consistent() -> None:
    findings = run(meeting_form())
    assert found(findings) == [] and found(findings, "warning") == []
    # 90% against ≥90% yet 0 of 10 points: allowed, reported as info only.
    assert [(f.rule_id, f.severity) for f in findings] == [("form.met_target_marks_lost", "info")]


def test_total_score_planted() -> None:
    assert found(run(meeting_form(total=78.0))) == [("form.total_score", 78.0, 87.0)]
    [finding] = [f for f in run(meeting_form(total=78.0)) if f.rule_id == "form.total_score"]
    assert finding.classification == "report_error"


def test_total_score_over_a_score_the_parser_could_not_read_is_an_extraction_finding() -> None:
    """参会人员满意度's 得分 unread (None): 总分 97 against 7 + 25 + 25 + 30 = 87 says more
    about the reading than about the report."""
    form = meeting_form(total=97.0, satisfaction_score=None)
    [finding] = [f for f in run(form) if f.rule_id == "form.total_score"]
    assert (finding.stated, finding.expected, finding.classification) == (97.0, 87.0, "extraction")


def test_execution_rate_planted_and_precision() -> None:
    """47.5 / 50 = 95%; 20.33 / 30 = 67.77% (001 line 414: 67.77 and 67.78 both printed)."""
    assert found(run(meeting_form(rate=59.0))) == [("form.execution_rate", 59.0, 95.0)]
    second = meeting_form()
    second.funds[0] = second.funds[0].model_copy(update={"full_year_budget": 30, "executed": 20.33,
                                                         "execution_rate": 67.78})
    second.funds[1] = second.funds[1].model_copy(update={"full_year_budget": 30, "executed": 20.33,
                                                         "execution_rate": 67.77})
    assert [f for f in found(run(second)) if f[0] == "form.execution_rate"] == []


def test_zero_budget_not_judged() -> None:
    form = meeting_form()
    form.funds[2] = form.funds[2].model_copy(update={"execution_rate": 100.0})
    assert found(run(form)) == []


def test_fund_sum_planted() -> None:
    form = meeting_form()
    form.funds[1] = form.funds[1].model_copy(update={"executed": 45.7})
    assert ("form.fund_sum", 47.5, 45.7) in found(run(form))


def test_missed_target_with_full_marks_is_flagged() -> None:
    form = meeting_form()
    form.indicators[2] = indicator("政府会议精神传达渠道", "≥3种", "2种", 30, 30, (">=", 3, "种"), (None, 2, "种"))
    findings = run(form)
    warnings = [f for f in findings if f.severity == "warning"]
    assert [(f.rule_id, f.classification, f.stated) for f in warnings] == [
        ("form.missed_target_full_marks", "semantic", 30.0)
    ]


def test_misses_comparators_and_units() -> None:
    t = ParsedTarget
    assert misses(t(comparator=">=", number=90, unit="%"), t(number=85, unit="%")) is True
    assert misses(t(comparator=">=", number=90, unit="%"), t(number=96, unit="%")) is False
    assert misses(t(comparator="<=", number=600, unit="元"), t(number=600, unit="元")) is False
    assert misses(t(comparator="<=", number=14, unit="万元"), t(number=14.2, unit="万")) is True
    assert misses(t(comparator="=", number=100, unit="%"), t(number=98, unit="%")) is True
    assert misses(t(comparator=">=", number=3, unit="次"), t(number=2, unit="个")) is None
    assert misses(t(comparator=None, number=3, unit="个"), t(number=1, unit="个")) is None


def test_weights_and_score_within_weight() -> None:
    """002 line 401: 原黄金局补差工资 prints weights 20, (none), 15, 30: 65 with one missing."""
    for weight, flagged in ((25.0, False), (35.0, False), (40.0, True)):  # sums 90, 100, 105
        form = meeting_form()
        form.indicators[0] = form.indicators[0].model_copy(update={"weight": weight, "score": weight})
        form.total_score = 62.0 + weight
        weights = [(f.classification, f.stated, f.expected) for f in run(form) if f.rule_id == "form.weights"]
        assert weights == ([("report_error", 105.0, 100.0)] if flagged else []), weight
    target = PerformanceForm(kind="target", title="项目支出绩效目标表", project_name="原黄金局补差工资",
                             line_start=389, line_end=405, indicators=[
                                 indicator("工资额", "≤14万元", None, 20, None),
                                 indicator("人数", "=10人", None, None, None),
                                 indicator("足额发放", "=100%", None, 15, None),
                                 indicator("信访维稳", "不发生", None, 30, None)])
    weights = [f for f in run(target) if f.rule_id == "form.weights"]
    assert [(f.severity, f.classification, f.stated, f.expected) for f in weights] == [
        ("warning", "extraction", 65.0, 90.0)
    ]
    over = meeting_form()
    over.indicators[1] = over.indicators[1].model_copy(update={"score": 26.0})
    assert ("form.score_within_weight", 26.0, 25.0) in found(run(over))


def test_weights_follow_the_reports_usual_total() -> None:
    """Three forms at 90 (001's self-evaluations: 25 + 25 + 30 + 10) make 90 the report's total,
    so a form at 100 stands out; alone, 100 would pass."""
    odd = meeting_form()
    odd.indicators[0] = odd.indicators[0].model_copy(update={"weight": 35.0, "score": 35.0})
    odd.total_score = 97.0
    findings = run(meeting_form(), meeting_form(), meeting_form(), odd)
    assert [(f.rule_id, f.stated, f.expected) for f in findings if f.rule_id == "form.weights"] == [
        ("form.weights", 100.0, 90.0)
    ]
    assert [f for f in run(odd) if f.rule_id == "form.weights"] == []


def score_table_004(produce: float = 30.78, total: float = 95.78) -> ScoreTable:
    """004 lines 655-663: 绩效自评一级指标得分情况表."""
    rows = [("投入", 15.0, 15.0, 100.0), ("过程", 20.0, 20.0, 100.0), ("产出", 35.0, produce, 87.94),
            ("效果", 30.0, 30.0, 100.0), ("合计", 100.0, total, 95.78)]
    return ScoreTable(title="绩效自评一级指标得分情况表", columns=["一级指标", "指标分值", "评价得分", "得分率"],
                      line_start=655, line_end=663, rows=[
                          ScoreTableRow(label=label, line=658 + i, values={"指标分值": w, "评价得分": s, "得分率": r})
                          for i, (label, w, s, r) in enumerate(rows)])


def run_scores(*tables: ScoreTable) -> list[Finding]:
    data = result()
    data.score_tables = list(tables)
    return reconcile(data, [r for r in registry() if r.family == "form"])


def test_score_table_004_consistent_and_planted() -> None:
    assert run_scores(score_table_004()) == []
    assert sorted(found(run_scores(score_table_004(total=96.78)))) == [
        ("form.score_table_rate", 95.78, 96.78),  # 合计 row: 得分率 95.78% but 96.78 / 100
        ("form.score_table_total", 96.78, 95.78),
    ]
    # 产出 37.08 of 35: over its weight, off its 得分率 87.94%, and the 合计 no longer adds up.
    assert sorted(f[0] for f in found(run_scores(score_table_004(produce=37.08)))) == [
        "form.score_table_rate", "form.score_table_total", "form.score_table_within_weight"
    ]


def test_score_table_average_column_is_not_summed() -> None:
    """004 line 816: the project table's 合计 自评得分 92.98 is no sum (no 分值 column beside it),
    while 预算指标 3488.15 is the sum of the twelve projects."""
    projects = [("扶持陶瓷产业特色小镇发展", 1500.0, 74.6), ("2024 年工信局遗属补助", 22.75, 95.0)]
    rows = [ScoreTableRow(label=name, line=802 + i, values={"预算指标": budget, "自评得分": score})
            for i, (name, budget, score) in enumerate(projects)]
    rows.append(ScoreTableRow(label="合计", line=816, values={"预算指标": 1522.75, "自评得分": 84.8}))
    table = ScoreTable(title="(二) 部门预算项目", columns=["预算项目", "预算指标", "自评得分"], rows=rows,
                       line_start=800, line_end=816)
    assert run_scores(table) == []
    table.rows[-1] = rows[-1].model_copy(update={"values": {"预算指标": 1525.75, "自评得分": 84.8}})
    assert found(run_scores(table)) == [("form.score_table_total", 1525.75, 1522.75)]
