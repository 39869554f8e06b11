"""Rules on project performance forms (项目支出绩效自评表 / 绩效目标表).

A self-evaluation form scores the 执行率 (execution rate) of the funds (usually
10 points) and each indicator (the other 90); a target form weighs its
indicators. 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金.
"""

from __future__ import annotations

from collections import Counter

from extractor.reconcile.columns import norm
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.figures import Figure, form_figure
from extractor.reconcile.tolerance import EPSILON, decimals_of, half_unit
from schemas import FundRow, Indicator, Location, ParsedTarget, PerformanceForm, ScoreTable, ScoreTableRow

# Totals an indicator weight column adds up to: 100, or 90 when the 执行率 item
# takes the other 10 points.
WEIGHT_TOTALS = (100.0, 90.0)
_UNIT_ALIASES = {"万": "万元", "亿": "亿元", "%": "%", "％": "%"}


def _fund_figure(form: PerformanceForm, row: FundRow, name: str) -> Figure:
    return form_figure(form, f"{row.label} / {name}", getattr(row, name), row.provenance.get(name),
                       min_decimals=0 if name == "execution_rate" else 2)


def _indicator_figure(form: PerformanceForm, indicator: Indicator, name: str) -> Figure:
    """An indicator's figure (score, weight) or, for text fields (target, actual), its location."""
    value = getattr(indicator, name)
    return form_figure(form, f"{indicator.level3 or indicator.level2 or '?'} / {name}",
                       value if isinstance(value, float | int) else None, indicator.provenance.get(name),
                       line=indicator.line_start)


def _annual(form: PerformanceForm) -> FundRow | None:
    return next((r for r in form.funds if r.kind == "annual_total"), None)


@rule("form.execution_rate", reads="资金情况 rows: 全年预算数, 全年执行数, 执行率",
      tolerance="judged at the decimals printed (rounded or truncated); a zero budget is not judged; "
      "100% printed for an overspent budget is accepted (capped rate); a rate printed as a fraction (1.00 for "
      "100%) is accepted")
def execution_rate(ctx: Context, out: Reporter) -> None:
    """执行率 equals 全年执行数 / 全年预算数."""
    for form in ctx.result.performance_forms:
        for row in form.funds:
            if row.execution_rate is None or row.executed is None or not row.full_year_budget:
                continue
            if row.execution_rate == 100 and row.executed > row.full_year_budget:
                continue  # forms cap the rate at 100%
            rate, executed = _fund_figure(form, row, "execution_rate"), _fund_figure(form, row, "executed")
            budget = _fund_figure(form, row, "full_year_budget")
            out.note(rate, executed, budget)
            if out.accepts_percent(rate, executed, budget) or _fraction_fits(rate, executed, budget):
                continue
            initial = _fund_figure(form, row, "initial_budget")
            if initial.value and initial.value != budget.value and out.accepts_percent(rate, executed, initial):
                # The form divided by the 年初预算数: a convention slip, not a wrong figure.
                out.flag(f"{form.project_name}: {row.label} 执行率 {rate.value:g}% is 全年执行数 / 年初预算数 "
                         f"({executed.amount():g} / {initial.amount():g}), not / 全年预算数 ({budget.amount():g})",
                         [rate, executed, initial, budget], severity="warning", stated=rate.value,
                         expected=executed.amount() / budget.amount() * 100.0)
                continue
            out.percent(rate, executed, budget, f"{form.project_name}: {row.label} 执行率")


def _fraction_fits(rate: Figure, executed: Figure, budget: Figure) -> bool:
    """A rate printed as a fraction (``1.00`` under 执行率 for 100%) that fits executed / budget."""
    if rate.value is None or rate.value > 1.5 or executed.value is None or not budget.value:
        return False
    # forms keep no printed text: a fraction is taken at 2 decimals at least ("1.00")
    return abs(rate.value * 100.0 - executed.value / budget.value * 100.0) <= 100.0 * half_unit(max(rate.decimals, 2))


@rule("form.fund_sum", reads="资金情况: 年度资金总额 and 当年财政拨款 + 上年结转资金 + 其他资金, for 年初预算数, "
      "全年预算数 and 全年执行数", tolerance="½ unit of the last printed decimal per printed figure")
def fund_sum(ctx: Context, out: Reporter) -> None:
    """年度资金总额 equals the sum of its sources, column by column."""
    for form in ctx.result.performance_forms:
        total = _annual(form)
        parts = [r for r in form.funds if r.kind != "annual_total"]
        if total is None or not parts:
            continue
        for name in ("initial_budget", "full_year_budget", "executed"):
            if getattr(total, name) is None or all(getattr(r, name) is None for r in parts):
                continue
            out.sum(_fund_figure(form, total, name), [_fund_figure(form, r, name) for r in parts],
                    f"{form.project_name}: 年度资金总额 {name}")


@rule("form.total_score", reads="self-evaluation forms: 总分, each indicator's 自评得分, the funds' 得分",
      tolerance="½ unit of the last printed decimal per printed score")
def total_score(ctx: Context, out: Reporter) -> None:
    """总分 equals the indicator scores plus the 执行率 score."""
    for form in ctx.result.performance_forms:
        if form.total_score is None or not any(i.score is not None for i in form.indicators):
            continue
        parts = [_indicator_figure(form, i, "score") for i in form.indicators]
        annual = _annual(form)
        if annual is not None and annual.score is not None:
            parts.append(_fund_figure(form, annual, "score"))
        stated = form_figure(form, "总分", form.total_score, form.provenance.get("total_score"), line=form.line_end)
        # An indicator without a score, or rows the parser warned about: the sum may miss a part.
        unread = any(i.score is None for i in form.indicators) or any("indicator" in w for w in form.warnings)
        out.sum(stated, parts, f"{form.project_name}: 总分", suspect=unread)


def _usual_total(forms: list[PerformanceForm]) -> tuple[float, ...]:
    """The weight total a report uses: the total most of its complete forms share
    (at least three and half of them), else any of :data:`WEIGHT_TOTALS`."""
    totals = [round(sum(i.weight or 0.0 for i in f.indicators), 2) for f in forms
              if f.indicators and all(i.weight is not None for i in f.indicators)]
    if len(totals) >= 3:
        common, count = Counter(totals).most_common(1)[0]
        if count * 2 >= len(totals) and common in WEIGHT_TOTALS:
            return (common,)
    return WEIGHT_TOTALS


@rule("form.weights", severity="warning", reads="each form's indicator weights (权重 / 分值); the totals of the "
      "report's other forms", tolerance="the sum must be the report's usual total (100, or 90 beside a 10-point "
      "执行率), exact to ½ unit")
def weights(ctx: Context, out: Reporter) -> None:
    """The indicator weights add up to the form's total: the total most forms of the report
    share, else 100 or 90 (when the 执行率 takes the other 10 points)."""
    forms = ctx.result.performance_forms
    accepted = _usual_total(forms)
    for form in forms:
        known = [i for i in form.indicators if i.weight is not None]
        if not known:
            continue
        total = sum(i.weight or 0.0 for i in known)
        lacking = [i for i in form.indicators if i.weight is None]
        if not lacking:  # with a weight missing, the others cannot be judged one by one
            out.note(*[_indicator_figure(form, i, "weight") for i in known])
        if any(abs(total - t) <= half_unit(2) for t in accepted):
            continue
        nearest = min(accepted, key=lambda t: abs(total - t))
        figures = [_indicator_figure(form, i, "weight") for i in form.indicators]
        note = f"; {len(lacking)} indicator(s) without a weight" if lacking else ""
        out.flag(f"{form.project_name}: indicator weights add up to {total:g}, not {nearest:g}{note}", figures,
                 classification="extraction" if lacking else "report_error", stated=total, expected=nearest)


def _unit(target: ParsedTarget) -> str | None:
    return _UNIT_ALIASES.get(target.unit or "", target.unit) if target.unit else None


def misses(target: ParsedTarget, actual: ParsedTarget) -> bool | None:
    """True when ``actual`` misses ``target`` (``≥90%`` vs ``85%``), None when they cannot be compared."""
    if target.comparator is None or target.number is None or actual.number is None:
        return None
    if _unit(target) and _unit(actual) and _unit(target) != _unit(actual):
        return None
    a, t = actual.number, target.number
    return {
        ">=": a < t - EPSILON, ">": a <= t + EPSILON, "<=": a > t + EPSILON, "<": a >= t - EPSILON,
        "=": abs(a - t) > EPSILON,
    }[target.comparator]


@rule("form.missed_target_full_marks", severity="warning",
      reads="indicators with a parsed target (comparator, number, unit), a parsed actual, weight and score",
      tolerance="exact comparison in the same unit; indicators in different units are not judged")
def missed_target_full_marks(ctx: Context, out: Reporter) -> None:
    """An indicator whose actual misses its target (≥/≤/=) should not score full marks."""
    for form in ctx.result.performance_forms:
        for i in form.indicators:
            if i.target_parsed is None or i.actual_parsed is None or i.weight is None or i.score is None:
                continue
            if i.score < i.weight - EPSILON or not misses(i.target_parsed, i.actual_parsed):
                continue
            out.flag(f"{form.project_name}: {i.level3}: actual {i.actual} misses target {i.target} yet scores "
                     f"full marks {i.score:g}/{i.weight:g}",
                     [_indicator_figure(form, i, "score"), _indicator_figure(form, i, "actual"),
                      _indicator_figure(form, i, "target")], classification="semantic",
                     stated=i.score, expected=None)


@rule("form.met_target_marks_lost", severity="info",
      reads="indicators with a parsed target, a parsed actual, weight and score",
      tolerance="exact comparison in the same unit")
def met_target_marks_lost(ctx: Context, out: Reporter) -> None:
    """An indicator that meets its target but loses points (allowed, but worth a look)."""
    for form in ctx.result.performance_forms:
        for i in form.indicators:
            if i.target_parsed is None or i.actual_parsed is None or i.weight is None or i.score is None:
                continue
            if i.score >= i.weight - EPSILON or misses(i.target_parsed, i.actual_parsed) is not False:
                continue
            out.flag(f"{form.project_name}: {i.level3}: actual {i.actual} meets target {i.target} yet scores "
                     f"{i.score:g}/{i.weight:g}", [_indicator_figure(form, i, "score")],
                     classification="semantic", stated=i.score, expected=i.weight)


@rule("form.score_within_weight", reads="indicators' weight and score; the funds' score (at most 10 by custom, "
      "not judged)", tolerance="½ unit of the last printed decimal")
def score_within_weight(ctx: Context, out: Reporter) -> None:
    """No indicator scores more than its weight."""
    for form in ctx.result.performance_forms:
        for i in form.indicators:
            if i.weight is None or i.score is None:
                continue
            out.equal(_indicator_figure(form, i, "score"), _indicator_figure(form, i, "weight"),
                      f"{form.project_name}: {i.level3}: score within weight", relation="<=")


# Score tables of a department's self-evaluation report (绩效自评得分情况表 and the like).
_ADDITIVE = ("分值", "权重", "预算", "执行", "金额", "资金")
_TOTAL_LABELS = ("合计", "总计", "总分", "合计数")


def _score_figure(table: ScoreTable, row: ScoreTableRow, column: str, min_decimals: int = 2) -> Figure:
    value = row.values.get(column)
    span = row.provenance.get(column)
    location_ref = f"{table.title} / {row.label} / {column}"

    def locate() -> Location:
        return Location(kind="form", ref=location_ref, line_start=span.line_start if span else row.line,
                        line_end=span.line_end if span else row.line, span=span)

    decimals = max(decimals_of(value), min_decimals)
    return Figure(value=value, location=locate, label=location_ref,
                  text=None if value is None else f"{value:.{decimals}f}")


def _score_columns(table: ScoreTable) -> tuple[str | None, str | None, list[str]]:
    """(weight column, score column, additive columns) by header words."""
    numeric = [c for c in table.columns if any(c in r.values for r in table.rows)]
    weight = next((c for c in numeric if "分值" in c or "权重" in c), None)
    score = next((c for c in numeric if "得分" in c and "率" not in c), None)
    additive = [c for c in numeric if "率" not in c and any(w in c for w in _ADDITIVE)]
    if weight is not None and score is not None:
        additive.append(score)  # scores add up only beside the weights they are out of
    return weight, score, additive


@rule("form.score_table_total", reads="score tables of a self-evaluation report: the 合计 row and the rows above "
      "it, in columns that add up (分值/权重, 得分 beside a 分值 column, 预算/执行/金额)",
      tolerance="½ unit of the last printed decimal per printed figure")
def score_table_total(ctx: Context, out: Reporter) -> None:
    """In a score table, the 合计 row equals the sum of the rows above it."""
    for table in ctx.result.score_tables:
        total = next((r for r in table.rows if norm(r.label) in _TOTAL_LABELS), None)
        if total is None:
            continue
        rows = [r for r in table.rows if r is not total and r.line < total.line]
        for column in _score_columns(table)[2]:
            if total.values.get(column) is None:
                continue
            out.sum(_score_figure(table, total, column), [_score_figure(table, r, column) for r in rows],
                    f"{table.title}: 合计 / {column}")


@rule("form.score_table_rate", reads="score tables: 得分率 against 得分 / 分值 on each row",
      tolerance="judged at the decimals printed (rounded or truncated); a rate printed as a fraction (1.00) is "
      "accepted")
def score_table_rate(ctx: Context, out: Reporter) -> None:
    """得分率 equals 得分 / 分值."""
    for table in ctx.result.score_tables:
        weight, score, _ = _score_columns(table)
        rate = next((c for c in table.columns if "得分率" in c), None)
        if weight is None or score is None or rate is None:
            continue
        for row in table.rows:
            printed, scored, out_of = (_score_figure(table, row, rate, 0), _score_figure(table, row, score),
                                       _score_figure(table, row, weight))
            if _fraction_fits(printed, scored, out_of):
                continue  # 1.00 under 得分率 for 100%
            out.percent(printed, scored, out_of, f"{table.title}: {row.label} 得分率")


@rule("form.score_table_within_weight", reads="score tables: 得分 and 分值 on each row",
      tolerance="½ unit of the last printed decimal")
def score_table_within_weight(ctx: Context, out: Reporter) -> None:
    """No row of a score table scores more than its 分值."""
    for table in ctx.result.score_tables:
        weight, score, _ = _score_columns(table)
        if weight is None or score is None:
            continue
        for row in table.rows:
            if row.values.get(score) is not None and row.values.get(weight) is not None:
                out.equal(_score_figure(table, row, score), _score_figure(table, row, weight),
                          f"{table.title}: {row.label} 得分 within 分值", relation="<=")
