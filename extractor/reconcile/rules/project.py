"""Rules on projects: every claim the report makes about one project, against the others.

A project's mentions (:mod:`extractor.projects`) are its performance form, its row of
the project expenditure table, its per-project summary in the 情况说明, its paragraph of
the self-evaluation report and its row of that report's score table. Rules here
compare what those places say (score, grade, budget, executed, rate, indicators),
the totals the report claims against the forms it publishes, and the arithmetic of
the prose itself. Every finding names the project (``Finding.project``).
"""

from __future__ import annotations

import re

from extractor.projects.claims import says_all
from extractor.projects.mentions import is_project_score_table
from extractor.projects.names import plain
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.figures import Figure, form_figure, table_figure
from extractor.reconcile.projects_index import (
    GRADES,
    ProjectView,
    claim_location,
    corroborated,
    grade_for,
    report_thresholds,
    satisfaction_indicators,
    summary_figure,
    views,
)
from extractor.reconcile.rules.form import _score_figure as score_figure
from extractor.reconcile.rules.form import misses
from extractor.reconcile.tolerance import EPSILON, half_unit, percent_accepts, sum_tolerance
from schemas import Finding, PerformanceForm, ProjectSummary, ScoreTable, ScoreTableRow

# "满意度达 96%" states an actual; "满意度达到 90%以上" a threshold
_GOAL_SATISFACTION = re.compile(r"满意[度率](?:测评|调查)?(?:达到|达|为|是)?\s*(?P<v>\d+(?:\.\d+)?)\s*[%％]"
                                r"(?!\s*(?:及?以上|左右))")
# Forms published for a selection of the projects evaluated ("选取重点项目公开绩效自评表").
_SELECTED = re.compile(r"(?:选取|抽取|部分|重点)(?:二级)?项目[^。]{0,10}(?:公开|自评表)")
_UNIT_SLIP = 10000.0  # 元 printed among 万元: the same amount, 10,000 times larger


def _tag(finding: Finding | None, view: ProjectView) -> None:
    if finding is not None:
        finding.project = view.project.id


def _amount(out: Reporter, view: ProjectView, stated: Figure, expected: Figure, what: str) -> None:
    """``stated`` equals ``expected``; an amount 10,000 times the other is a 元 / 万元 slip."""
    if stated.value is None or expected.value is None:
        return
    for factor in (_UNIT_SLIP, 1 / _UNIT_SLIP):
        if expected.value and abs(stated.value - expected.value * factor) <= sum_tolerance(2, 2) * max(factor, 1):
            _tag(out.flag(f"{view.name}: {what}: {stated.value:g} vs {expected.value:g}, off by exactly 10,000 "
                          "(an amount in 元 printed among 万元)", [stated, expected], severity="warning",
                          stated=stated.value, expected=expected.value), view)
            return
    _tag(out.equal(stated, expected, f"{view.name}: {what}"), view)


@rule("project.summary_vs_form", reads="per-project summaries of the 情况说明 (自评得分, 全年预算数, 执行数) and "
      "the linked form's 总分, 年度资金总额 全年预算数 and 全年执行数",
      tolerance="½ unit of the last printed decimal per figure; 10,000 times apart is a unit slip (warning)")
def summary_vs_form(ctx: Context, out: Reporter) -> None:
    """A project's summary states the score, budget and executed amount of its form."""
    for view in views(ctx):
        form, annual = view.form, view.annual
        for summary in view.summaries:
            if form is None or not corroborated(view, summary):
                continue
            if summary.score is not None and form.total_score is not None:
                _tag(out.equal(summary_figure(summary, "score"),
                               form_figure(form, "总分", form.total_score, form.provenance.get("total_score"),
                                           line=form.line_end), f"{view.name}: summary 自评得分 vs form 总分"), view)
            if annual is None:
                continue
            for field_name, form_field, label in (("budget", "full_year_budget", "全年预算数"),
                                                  ("executed", "executed", "全年执行数")):
                value = getattr(annual, form_field)
                if getattr(summary, field_name) is None or value is None:
                    continue
                _amount(out, view, summary_figure(summary, field_name),
                        form_figure(form, f"{annual.label} / {form_field}", value, annual.provenance.get(form_field)),
                        f"summary {label} vs form")


@rule("project.summary_indicators", reads="satisfaction figures the summary states (``满意度达 96%``) and the "
      "actual (实际完成值) of the linked form's one satisfaction indicator",
      tolerance="exact: percentages are compared as printed; a form with several satisfaction indicators, or a "
      "summary stating several different values, is not judged")
def summary_indicators(ctx: Context, out: Reporter) -> None:
    """The satisfaction a project's summary reports is the actual of its form's satisfaction indicator."""
    for view in views(ctx):
        if view.form is None:
            continue
        indicators = satisfaction_indicators(view.form)
        if len(indicators) != 1 or indicators[0].actual_parsed is None or indicators[0].actual_parsed.number is None:
            continue
        indicator = indicators[0]
        actual = indicator.actual_parsed.number if indicator.actual_parsed else None
        for summary in view.summaries:
            if not corroborated(view, summary):
                continue
            stated = {i.actual_parsed.number for i in summary.indicators if i.actual_parsed and i.actual_parsed.number}
            if len(stated) != 1 or actual is None:
                continue
            value = stated.pop()
            if abs(value - actual) <= EPSILON:
                continue
            quoted = next(i for i in summary.indicators if i.actual_parsed and i.actual_parsed.number == value)
            figure = summary_figure(summary, "indicator", value, quoted.provenance.get("actual"))
            form_side = form_figure(view.form, f"{indicator.level3} / actual", actual,
                                    indicator.provenance.get("actual"), line=indicator.line_start, min_decimals=0)
            _tag(out.flag(f"{view.name}: the summary says {quoted.name} {quoted.actual}, the form's indicator "
                          f"{indicator.level3} has 实际完成值 {indicator.actual}", [figure, form_side],
                          stated=value, expected=actual), view)


@rule("project.form_goal_text", reads="a form's 实际完成情况 text (``满意度达 96%``) and the actual of its one "
      "satisfaction indicator", tolerance="exact; a text stating several different satisfaction figures, or a "
      "form with several satisfaction indicators, is not judged")
def form_goal_text(ctx: Context, out: Reporter) -> None:
    """What a form's 实际完成情况 says of satisfaction is its satisfaction indicator's actual."""
    for view in views(ctx):
        form = view.form
        if form is None or not form.goals.actual:
            continue
        indicators = satisfaction_indicators(form)
        if len(indicators) != 1 or indicators[0].actual_parsed is None:
            continue
        indicator = indicators[0]
        actual = indicator.actual_parsed.number if indicator.actual_parsed else None
        text = form.goals.actual
        stated = {float(m.group("v")) for m in _GOAL_SATISFACTION.finditer(text)
                  if not any(s in text[max(m.start("v") - 2, 0) : m.start("v")] for s in "≥≤><")}
        if len(stated) != 1 or actual is None:
            continue
        value = stated.pop()
        if abs(value - actual) <= EPSILON:
            continue
        goal = form_figure(form, "实际完成情况", value, form.goals.provenance.get("actual"), min_decimals=0)
        side = form_figure(form, f"{indicator.level3} / actual", actual, indicator.provenance.get("actual"),
                           line=indicator.line_start, min_decimals=0)
        _tag(out.flag(f"{view.name}: 实际完成情况 says satisfaction {value:g}%, the indicator {indicator.level3} "
                      f"has 实际完成值 {indicator.actual}", [goal, side], stated=value, expected=actual), view)


def _rate_accepted(rate: Figure, executed: Figure, budget: Figure) -> bool:
    """The printed rate fits executed / budget, as a percentage or as a fraction (``1.00`` = 100%).
    Amounts in prose are taken at 2 decimals at least (``7 万元`` is 7.00, not 6.5–7.5)."""
    value, numerator, denominator = rate.amount(), executed.amount(), budget.amount()
    errors = {"numerator_error": half_unit(max(executed.decimals, 2)),
              "denominator_error": half_unit(max(budget.decimals, 2))}
    if percent_accepts(value, numerator, denominator, percent_decimals=rate.decimals, **errors):
        return True
    return value <= 1.5 and percent_accepts(value * 100.0, numerator, denominator,
                                            percent_decimals=max(rate.decimals - 2, 0), **errors)


@rule("project.summary_rate", reads="per-project prose (summary or self-evaluation paragraph): 完成预算的 / 执行率 "
      "X%, 全年预算数 / 预算指标 and 执行数 / 实际支出",
      tolerance="judged at the decimals printed (rounded or truncated); a rate printed as a fraction (1.00 for "
      "100%) is accepted")
def summary_rate(ctx: Context, out: Reporter) -> None:
    """The rate a project's prose states is its executed amount over its budget."""
    for view in views(ctx, with_unlinked=True):
        for summary in [*view.summaries, *view.evaluations]:
            if summary.rate is None or summary.executed is None or not summary.budget:
                continue
            rate = summary_figure(summary, "rate")
            executed, budget = summary_figure(summary, "executed"), summary_figure(summary, "budget")
            out.note(rate, executed, budget)
            if _rate_accepted(rate, executed, budget):
                continue
            expected = summary.executed / summary.budget * 100.0
            _tag(out.flag(f"{view.name}: 执行率 in the prose: printed {summary.rate:g}% but {summary.executed:g} / "
                          f"{summary.budget:g} = {expected:.{rate.decimals + 1}f}%", [rate, executed, budget],
                          stated=summary.rate, expected=round(expected, 4)), view)


def _row_figure(table: ScoreTable, row: ScoreTableRow, column: str) -> Figure:
    return score_figure(table, row, column)


def _score_column(table: ScoreTable, *words: str) -> str | None:
    """The first numeric column whose header holds ``words`` (not a rate, not the label column)."""
    numeric = [c for c in table.columns if any(c in r.values for r in table.rows)]
    return next((c for c in numeric if all(w in c for w in words) and "率" not in c), None)


@rule("project.score_row_vs_mentions", reads="per-project score-table rows (自评得分, 自评结果, 预算, 执行) and the "
      "linked self-evaluation paragraph, summary and form (score, grade, budget, executed)",
      tolerance="½ unit of the last printed decimal per figure; grades exactly")
def score_row_vs_mentions(ctx: Context, out: Reporter) -> None:
    """A project's row in the score table says what its paragraph, summary and form say."""
    for view in views(ctx):
        if view.score_row is None:
            continue
        table, row = view.score_row
        score_col = _score_column(table, "得分")
        others: list[tuple[ProjectSummary | PerformanceForm, str]] = [
            (s, "paragraph") for s in view.evaluations if corroborated(view, s)]
        others += [(s, "summary") for s in view.summaries if corroborated(view, s)]
        if score_col is not None and row.values.get(score_col) is not None:
            row_score = _row_figure(table, row, score_col)
            for other, where in others:
                if isinstance(other, ProjectSummary) and other.score is not None:
                    finding = out.equal(summary_figure(other, "score"), row_score,
                                        f"{view.name}: {where} score vs score table")
                    _tag(finding, view)
                    if finding is not None and finding.severity != "info":
                        _grades_note(finding, other.grade, _row_grade(table, row))
            if view.form is not None and view.form.total_score is not None:
                _tag(out.equal(form_figure(view.form, "总分", view.form.total_score,
                                           view.form.provenance.get("total_score"), line=view.form.line_end),
                               row_score, f"{view.name}: form 总分 vs score table"), view)
        for words, field_name in ((("预算",), "budget"), (("执行",), "executed")):
            column = _score_column(table, *words)
            if column is None or row.values.get(column) is None:
                continue
            for other, where in others:
                if isinstance(other, ProjectSummary) and getattr(other, field_name) is not None:
                    _amount(out, view, summary_figure(other, field_name), _row_figure(table, row, column),
                            f"{where} {field_name} vs score table {column}")


def _row_grade(table: ScoreTable, row: ScoreTableRow) -> str | None:
    return next((v.strip() for k, v in row.texts.items() if ("结果" in k or "等级" in k) and v.strip() in GRADES),
                None)


def _grades_note(finding: Finding, stated: str | None, expected: str | None) -> None:
    if stated and expected and stated != expected:
        finding.message += f"; grades {stated} vs {expected}"


@rule("project.grade_threshold", reads="each score printed with a grade (score-table rows, self-evaluation "
      "paragraphs, summaries) and the report's grade thresholds (``90（含）—100分为优``; else 90 / 80 / 60)",
      tolerance="exact at the thresholds")
def grade_threshold(ctx: Context, out: Reporter) -> None:
    """A grade (优 / 良 / 中 / 差) is the one the report's thresholds give the score."""
    thresholds = report_thresholds(ctx)
    for view in views(ctx, with_unlinked=True):
        pairs: list[tuple[Figure, str]] = []
        for summary in [*view.summaries, *view.evaluations]:
            if summary.score is not None and summary.grade:
                pairs.append((summary_figure(summary, "score"), summary.grade))
        if view.score_row is not None:
            table, row = view.score_row
            column, grade = _score_column(table, "得分"), _row_grade(table, row)
            if column is not None and grade and row.values.get(column) is not None:
                pairs.append((_row_figure(table, row, column), grade))
        for figure, grade in pairs:
            expected = grade_for(figure.amount(), thresholds)
            if expected is not None and expected != grade:
                _tag(out.flag(f"{view.name}: score {figure.amount():g} is graded {grade}, the thresholds give "
                              f"{expected}", [figure], stated=figure.value), view)


@rule("project.score_components", reads="self-evaluation paragraphs: each indicator's 设置分值 and 实际得分, "
      "points taken off (扣 X 分), the statement that the others scored full marks, the 综合指标得分",
      tolerance="½ unit of the last printed decimal per printed component; judged only when the weights add up "
      "to 100 and the others are said to score full marks")
def score_components(ctx: Context, out: Reporter) -> None:
    """A project's total score is its weights less what each scored component lost and the deductions."""
    for view in views(ctx, with_unlinked=True):
        for summary in view.evaluations:
            if summary.score is None or "full_marks" not in summary.evidence or "components" in summary.evidence:
                continue
            weights = [i.weight for i in summary.indicators if i.weight is not None]
            if abs(sum(weights) - 100.0) > EPSILON or any(i.score is not None and i.weight is None
                                                           for i in summary.indicators):
                continue
            lost = sum((i.weight or 0.0) - i.score for i in summary.indicators if i.score is not None)
            expected = 100.0 - lost - (summary.deduction or 0.0)
            parts = [summary_figure(summary, "score")]
            scored = [i for i in summary.indicators if i.score is not None]
            components = [summary_figure(summary, f"{i.name} 实际得分", i.score, i.provenance.get("score"))
                          for i in scored]
            stated = parts[0]
            derived = Figure(expected, stated.location, label="100 - points lost", text=f"{expected:.2f}",
                             rounding=sum(c.error for c in components) or None)
            finding = out.equal(stated, [derived], f"{view.name}: 综合指标得分 vs 100 less the points lost by "
                                + "、".join(f"{i.name} {i.score:g}/{i.weight:g}" for i in scored)
                                + (f" and {summary.deduction:g} taken off" if summary.deduction else ""))
            if finding is not None:
                finding.locations += [c.location for c in components]
            _tag(finding, view)


@rule("project.claimed_totals", reads="claims covering all projects (``全面开展绩效自评，二级项目 50 个，共涉及资金 "
      "5823.95 万元``) and the self-evaluation forms published (or the rows of the per-project score table)",
      tolerance="count exact; amount within ½ unit per summed figure of the forms' 全年预算数, 年初预算数 or "
      "全年执行数 (whichever the claim means)")
def claimed_totals(ctx: Context, out: Reporter) -> None:
    """The projects a report says it evaluated are the forms it publishes, and their amounts add up."""
    index = ctx.result.projects
    forms = [f for f in ctx.result.performance_forms if f.kind == "self_evaluation"]
    rows = [(t, r) for t in ctx.result.score_tables if is_project_score_table(t) for r in t.rows
            if plain(r.label) not in ("合计", "总计")]
    if any(_SELECTED.search(p.text) for p in ctx.result.narratives):
        return  # the report publishes the forms of a selection of its projects
    for claim in index.claims:
        if claim.count is None or not says_all(claim):
            continue
        figure = Figure(float(claim.count), claim_location(claim), label="claimed count", text=str(claim.count))
        if forms:
            present, what = len(forms), "self-evaluation forms"
            sums = _form_sums(forms)
        elif rows:
            present, what = len(rows), "score-table rows"
            sums = _row_sums(rows)
        else:
            continue
        close = [s for s in sums if claim.amount is not None and abs(s - claim.amount) <= sum_tolerance(present, 2)]
        if present == claim.count and (claim.amount is None or close):
            out.note(figure)
            continue
        amounts = " / ".join(f"{s:.2f}" for s in sums)
        claimed = "" if claim.amount is None else f" and {claim.amount:.2f} 万元"
        out.flag(f"{claim.count} projects{claimed} claimed as evaluated in full; the report publishes {present} "
                 f"{what}, whose 全年预算数 / 年初预算数 / 全年执行数 add to {amounts}",
                 [figure], stated=float(claim.count), expected=float(present))


def _form_sums(forms: list[PerformanceForm]) -> list[float]:
    annual = [next((r for r in f.funds if r.kind == "annual_total"), None) for f in forms]
    return [round(sum((getattr(r, name) or 0.0) for r in annual if r is not None), 2)
            for name in ("full_year_budget", "initial_budget", "executed")]


def _row_sums(rows: list[tuple[ScoreTable, ScoreTableRow]]) -> list[float]:
    sums: list[float] = []
    for word in ("预算", "执行"):
        total = 0.0
        for table, row in rows:
            column = _score_column(table, word)
            total += (row.values.get(column) or 0.0) if column else 0.0
        sums.append(round(total, 3))
    return sums


@rule("project.listed_items", reads="a claim (``涉及12个项目,预算金额3488.15万元,主要项目内容包括:``) and the "
      "amount of each item listed after it (the item's last 预算指标)",
      tolerance="count exact; sum within ½ unit per listed amount")
def listed_items(ctx: Context, out: Reporter) -> None:
    """The items a paragraph lists are as many as it says, and add up to the amount it states."""
    for claim in ctx.result.projects.claims:
        if not claim.listed or claim.amount is None:
            continue
        location = claim_location(claim)
        stated = Figure(claim.amount, location, label="stated amount", text=f"{claim.amount}")
        parts = [Figure(v, location, label="listed item", text=f"{v}") for v in claim.listed]
        if claim.count is not None and claim.count != len(claim.listed):
            out.flag(f"{claim.count} projects claimed, {len(claim.listed)} listed", [stated],
                     stated=float(claim.count), expected=float(len(claim.listed)))
            continue
        out.sum(stated, parts, f"amount of the {len(parts)} projects listed")


@rule("project.summary_without_form", severity="warning", reads="per-project summaries linked to no project, in a "
      "report that publishes self-evaluation forms and says it evaluated all its projects (全面开展 / 所有项目)",
      tolerance="only summaries stating a score and a budget; a summary repeating another one is left to "
      "project.repeated_summary")
def summary_without_form(ctx: Context, out: Reporter) -> None:
    """A project evaluated in the 情况说明 has its form published, when the report publishes forms and says
    all its projects were evaluated."""
    index = ctx.result.projects
    if not any(f.kind == "self_evaluation" for f in ctx.result.performance_forms):
        return
    if not any(says_all(c) for c in index.claims):
        return  # a report that evaluated some projects may publish the forms of some
    texts = {_norm_text(s.text) for p in index.projects for m in p.mentions if m.kind == "summary"
             for s in [index.summaries[m.index]]}
    for mention in index.unlinked:
        if mention.kind != "summary":
            continue
        summary = index.summaries[mention.index]
        if _norm_text(summary.text) in texts or summary.score is None or summary.budget is None:
            continue  # a repeat, or prose that does not evaluate a project (no score and budget)
        out.flag(f"{summary.name}: evaluated in the 情况说明 (自评得分 {summary.score:g}, 全年预算数 "
                 f"{summary.budget:g} 万元) but no form of this project is published",
                 [summary_figure(summary, "score")])


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", "", text)


_SHORTEST_REPEAT = 40  # shorter summaries ("该项目综合指标得分 95 分…") may well repeat


@rule("project.repeated_summary", severity="warning", reads="the text of every per-project summary",
      tolerance=f"identical once spaces are removed, {_SHORTEST_REPEAT} characters at least")
def repeated_summary(ctx: Context, out: Reporter) -> None:
    """No per-project summary is printed twice word for word (one finding per summary,
    naming every place it is printed, however often)."""
    printed: dict[str, list[ProjectSummary]] = {}
    for summary in ctx.result.projects.summaries:
        text = _norm_text(summary.text)
        if len(text) >= _SHORTEST_REPEAT:
            printed.setdefault(text, []).append(summary)
    for copies in printed.values():
        if len(copies) < 2:
            continue
        first = copies[0]
        times = "twice" if len(copies) == 2 else f"{len(copies)} times"
        places = " and ".join(s.paragraph_id for s in copies[:3]) + (" …" if len(copies) > 3 else "")
        # Text figures are not "printed" figures, so every place goes in as a location.
        out.flag(f"{first.name}: the summary is printed {times} word for word ({places})",
                 locations=[summary_figure(s, "text").location for s in copies])


@rule("project.met_target_scored_zero", reads="form indicators with a parsed target and actual, weight and score",
      tolerance="exact comparison in the same unit")
def met_target_scored_zero(ctx: Context, out: Reporter) -> None:
    """An indicator whose actual meets its target does not score 0 of a positive weight."""
    for view in views(ctx):
        form = view.form
        if form is None:
            continue
        for i in form.indicators:
            if i.target_parsed is None or i.actual_parsed is None or not i.weight or i.score != 0:
                continue
            if misses(i.target_parsed, i.actual_parsed) is not False:
                continue
            score = form_figure(form, f"{i.level3} / score", i.score, i.provenance.get("score"), line=i.line_start)
            _tag(out.flag(f"{view.name}: {i.level3}: actual {i.actual} meets target {i.target} yet scores 0 of "
                          f"{i.weight:g}", [score], classification="semantic", stated=0.0, expected=i.weight), view)


@rule("project.table_row_budget", reads="the project expenditure table's row (合计) and the linked form's "
      "年度资金总额 全年预算数", tolerance="½ unit of the last printed decimal per figure; 10,000 times apart is a "
      "unit slip (warning)")
def table_row_budget(ctx: Context, out: Reporter) -> None:
    """A project's row of the project expenditure table states its form's budget."""
    for view in views(ctx):
        if view.table_row is None or view.annual is None or view.annual.full_year_budget is None:
            continue
        table, row = view.table_row
        column = next((c for c in table.columns if c.key == "合计"), None)
        if column is None or row.cells.get(column.key) is None:
            continue
        form = view.form
        if form is None:
            continue
        _amount(out, view, table_figure(table, row, column),
                form_figure(form, f"{view.annual.label} / full_year_budget", view.annual.full_year_budget,
                            view.annual.provenance.get("full_year_budget")), "project table 合计 vs form 全年预算数")
