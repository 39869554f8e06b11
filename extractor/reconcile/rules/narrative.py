"""Rules on narrative statements: against the tables and against themselves.

A :class:`~schemas.NarrativeStatement` carries an amount, a change, a share,
a completion rate as the prose printed them; these rules redo the arithmetic
at the precision printed. Statements that failed grounding are skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict

from extractor.numbers import to_wan
from extractor.reconcile.columns import norm
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.figures import Figure, form_figure, narrative_figure
from extractor.reconcile.named import (
    FigureIndex,
    build_index,
    candidates,
    nearest_printing,
    printings,
    split_metric,
)
from extractor.reconcile.tolerance import EPSILON, half_unit
from schemas import NarrativeStatement, PerformanceForm

PERCENT = "judged at the decimals printed: the ratio of the (rounded) inputs must round or truncate to it"


def _statements(ctx: Context) -> list[NarrativeStatement]:
    return [s for s in ctx.result.narrative_statements if s.grounded]


def _index(ctx: Context, statement: NarrativeStatement) -> FigureIndex:
    """The figures of the tables printed with the statement (one index per printing)."""
    found = ctx.memo("printings", lambda c: printings(c.tables))
    indexes: list[FigureIndex] = ctx.memo("named_figures", lambda c: [build_index(p.tables) for p in found])
    spans = list(statement.provenance.values())
    return indexes[nearest_printing(found, spans[0].line_start if spans else None)]


def _in_wan(statement: NarrativeStatement, figure: Figure) -> Figure:
    """The narrative figure converted to 万元, the tables' unit."""
    if figure.value is None or statement.unit in (None, "万元", "万"):
        return figure
    return Figure(value=to_wan(figure.value, statement.unit), location=lambda: figure.location, label=figure.label,
                  text=None, subject=figure.subject)


@rule("narrative.table_amount", severity="warning",
      reads="each statement's amount; every table figure its metric can name (row, 合计-row "
      "column, classification path, 三公 item, synonyms such as 收入总计 = 本年收入合计)",
      tolerance="½ unit of the narrative's printed decimals + ½ unit of the table's")
def table_amount(ctx: Context, out: Reporter) -> None:
    """An amount the prose states equals a table figure of the name it gives. Statements whose
    name matches no table figure are not judged (the tables may not print it), nor any
    statement of a report whose tables were not all read (a ``missing`` or ``partial``
    table may hold the figure the name really means)."""
    if any(table.status in ("missing", "partial") for table in ctx.result.tables):
        return
    for statement in _statements(ctx):
        index = _index(ctx, statement)
        found = candidates(index, statement.metric)
        if not found:
            continue
        # Only the amount: a budget (年初预算) is rarely printed in the tables.
        for field_name in ("amount",):
            value = getattr(statement, field_name)
            if value is None:
                continue
            stated = narrative_figure(statement, field_name, value)
            wan = to_wan(value, statement.unit)
            tolerance = (half_unit(stated.decimals) * to_wan(1.0, statement.unit)) + half_unit(2) + EPSILON
            out.note(stated)
            if any(abs(f.amount() - wan) <= tolerance for f in found):
                continue
            pool = candidates(index, statement.metric, primary=True) or found
            nearest = min(pool, key=lambda f: abs(f.amount() - wan))
            out.flag(f"{statement.metric}: the text says {value:g} {statement.unit or ''} but no table figure "
                     f"of that name agrees (nearest {nearest.location.ref} = {nearest.amount():.2f})",
                     [stated, nearest], stated=wan, expected=nearest.amount())


@rule("narrative.change_amount", reads="statements with amount, prior_amount and change_amount",
      tolerance="½ unit of the last printed decimal per figure (three figures)")
def change_amount(ctx: Context, out: Reporter) -> None:
    """The change stated equals this year's amount minus the prior year's."""
    for s in _statements(ctx):
        if s.amount is None or s.prior_amount is None or s.change_amount is None:
            continue
        prior = narrative_figure(s, "prior_amount", -s.prior_amount)
        out.equal(narrative_figure(s, "change_amount", s.change_amount),
                  [narrative_figure(s, "amount", s.amount), prior], f"{s.metric}: change vs amount - prior year")


def _prior(s: NarrativeStatement) -> Figure | None:
    """The prior-year amount, stated or implied (amount - change)."""
    if s.prior_amount is not None:
        return narrative_figure(s, "prior_amount", s.prior_amount)
    if s.amount is None or s.change_amount is None:
        return None
    amount, change = narrative_figure(s, "amount", s.amount), narrative_figure(s, "change_amount", s.change_amount)
    # The implied prior carries the rounding of both figures.
    return Figure(value=s.amount - s.change_amount, location=lambda: amount.location, label=f"{s.metric} prior year",
                  rounding=amount.error + change.error, subject=amount.subject)


@rule("narrative.change_pct", reads="statements with change_pct and change_amount (prior year stated or "
      "implied as amount - change)", tolerance=PERCENT + "; a zero prior year is not judged")
def change_pct(ctx: Context, out: Reporter) -> None:
    """The growth rate stated equals change / prior year."""
    for s in _statements(ctx):
        prior = _prior(s)
        if s.change_pct is None or s.change_amount is None or prior is None or not prior.value:
            continue
        if prior.amount() < 0:
            continue
        out.percent(narrative_figure(s, "change_pct", s.change_pct),
                    narrative_figure(s, "change_amount", s.change_amount), prior, f"{s.metric}: growth rate")


@rule("narrative.completion_pct", reads="statements with amount (决算), budget_amount (预算) and completion_pct",
      tolerance=PERCENT + "; a zero budget is not judged")
def completion_pct(ctx: Context, out: Reporter) -> None:
    """完成年初预算的 X% equals the outturn divided by the budget."""
    for s in _statements(ctx):
        if s.completion_pct is None or s.amount is None or not s.budget_amount:
            continue
        out.percent(narrative_figure(s, "completion_pct", s.completion_pct), narrative_figure(s, "amount", s.amount),
                    narrative_figure(s, "budget_amount", s.budget_amount), f"{s.metric}: completion rate")


def _section_instances(ctx: Context) -> dict[str, tuple[tuple[str, ...], int]]:
    """Paragraph id -> (section path, which printing of that path): a section entered again
    after other sections (a report bound twice) is another section, so that its amounts are
    not pooled with the first one's."""
    instances: dict[str, tuple[tuple[str, ...], int]] = {}
    entered: dict[tuple[str, ...], int] = {}
    previous: tuple[str, ...] = ()
    for paragraph in ctx.result.narratives:
        path = tuple(paragraph.section_path)
        if not path:
            continue
        if path != previous:
            entered[path] = entered.get(path, -1) + 1
            previous = path
        instances[paragraph.id] = (path, entered[path])
    return instances


def _section_wholes(ctx: Context) -> dict[str, list[tuple[NarrativeStatement, Figure]]]:
    """For each paragraph, the amounts stated in its section (or its neighbourhood)."""
    order = [p.id for p in ctx.result.narratives]
    position = {pid: at for at, pid in enumerate(order)}
    section = _section_instances(ctx)
    amounts: dict[str, list[tuple[NarrativeStatement, Figure]]] = defaultdict(list)
    for s in _statements(ctx):
        if s.amount:
            amounts[s.paragraph_id].append((s, narrative_figure(s, "amount", s.amount)))
    by_section: dict[tuple[tuple[str, ...], int], list[tuple[NarrativeStatement, Figure]]] = defaultdict(list)
    for pid in order:
        if section.get(pid):
            by_section[section[pid]].extend(amounts.get(pid, []))
    wholes: dict[str, list[tuple[NarrativeStatement, Figure]]] = {}
    for pid in amounts.keys() | {s.paragraph_id for s in _statements(ctx)}:
        if section.get(pid):
            wholes[pid] = by_section[section[pid]]
        elif pid in position:
            at = position[pid]
            wholes[pid] = [item for q in order[max(at - 6, 0): at + 1] for item in amounts.get(q, [])]
        else:
            wholes[pid] = amounts.get(pid, [])
    return wholes


@rule("narrative.share_pct", severity="warning",
      reads="statements with amount and share_pct; the whole is the figure the sentence names after 占 "
      "(looked up in the tables) or an amount stated in the same section",
      tolerance=PERCENT)
def share_pct(ctx: Context, out: Reporter) -> None:
    """占 X% equals the part divided by a whole the prose states nearby. Flagged only when no
    candidate whole fits."""
    wholes = _section_wholes(ctx)
    for s in _statements(ctx):
        if s.share_pct is None or s.amount is None:
            continue
        index = _index(ctx, s)
        part = _in_wan(s, narrative_figure(s, "amount", s.amount))
        stated = s.share_pct
        share = narrative_figure(s, "share_pct", stated)
        pool = [_in_wan(w, f) for w, f in wholes.get(s.paragraph_id, []) if w is not s]
        named = _named_whole(s)
        if named:
            pool += candidates(index, named)
        pool = [f for f in pool if f.value]
        if not pool:
            continue
        out.note(share, part)
        if any(out.accepts_percent(share, part, whole) for whole in pool):
            continue
        whole = min(pool, key=lambda f: abs(part.amount() / f.amount() * 100 - stated))
        out.percent(share, part, whole, f"{s.metric}: share (nearest whole {whole.label})")


def _named_whole(s: NarrativeStatement) -> str | None:
    """``占本年支出合计的 98.7%`` -> ``本年支出合计``."""
    quote = s.evidence.get("share_pct", "")
    if "占" not in quote:
        return None
    name = quote.split("占", 1)[1].split("的")[0]
    name = "".join(ch for ch in name if not (ch.isdigit() or ch in ".%比例重"))
    return split_metric(name)[-1] if name else None


@rule("narrative.direction", reads="statements' direction (增加/减少/持平), change_amount, change_pct, "
      "amount and prior_amount", tolerance="exact for signs; ½ unit of the last decimal for 持平", severity="warning")
def direction(ctx: Context, out: Reporter) -> None:
    """The words and the figures point the same way: 增加 with a positive change, 减少 with a
    negative one, 持平 with none; a stated prior year agrees with the direction."""
    for s in _statements(ctx):
        signs: list[tuple[str, float]] = []
        if s.change_amount is not None:
            signs.append(("change_amount", s.change_amount))
        if s.change_pct is not None:
            signs.append(("change_pct", s.change_pct))
        if s.amount is not None and s.prior_amount is not None:
            signs.append(("amount", s.amount - s.prior_amount))
        for field_name, value in signs:
            bad = ((s.direction == "increase" and value < -EPSILON) or (s.direction == "decrease" and value > EPSILON)
                   or (s.direction == "flat" and abs(value) > half_unit(2)))
            if bad:
                # The figure first, then where the direction word is printed.
                words = [narrative_figure(s, "direction", None).location] if "direction" in s.provenance else []
                out.flag(f"{s.metric}: the text says {s.direction} but {field_name} is {value:+g}",
                         [narrative_figure(s, field_name, value)], locations=words, classification="semantic",
                         stated=value)
                break


_FormsByName = dict[str, list[tuple[str | None, PerformanceForm]]]


def _forms_by_name(ctx: Context) -> _FormsByName:
    """Project name -> (implementing unit, form) for every named form."""
    named: _FormsByName = {}
    for form in ctx.result.performance_forms:
        name = norm(form.project_name) if form.project_name else ""
        if len(name) >= 4:
            unit = norm(form.implementing_unit) if form.implementing_unit else None
            named.setdefault(name, []).append((unit, form))
    return named


def _form_named(forms: _FormsByName, metric: str) -> PerformanceForm | None:
    """The one form a statement names: project name and implementing unit both in the
    metric (departments run projects of the same name in several units)."""
    # Look the metric's substrings up rather than every form name in the metric: the cost
    # follows the statement's length, not the number of forms.
    longest = max(map(len, forms), default=0)
    names = {
        metric[start:end]
        for start in range(len(metric))
        for end in range(start + 4, min(len(metric), start + longest) + 1)
        if end - start < len(metric) and metric[start:end] in forms
    }
    matches = [(name, unit, f) for name in names for unit, f in forms[name]]
    with_unit = [f for name, unit, f in matches if unit and unit in metric]
    if len(with_unit) == 1:
        return with_unit[0]
    if len(matches) == 1 and not matches[0][1]:
        return matches[0][2]
    return None


@rule("narrative.form_amount", severity="warning",
      reads="statements naming a project (e.g. a per-project self-evaluation summary); the performance form of "
      "that project: 年度资金总额 全年执行数 and 全年预算数",
      tolerance="½ unit of the narrative's printed decimals + ½ unit of the form's")
def form_amount(ctx: Context, out: Reporter) -> None:
    """A project's amounts in the prose equal its performance form: the amount is the
    全年执行数, the budget the 全年预算数."""
    forms = ctx.memo("forms_by_name", _forms_by_name)
    if not forms:
        return
    for s in _statements(ctx):
        form = _form_named(forms, norm(s.metric))
        funds = next((r for r in form.funds if r.kind == "annual_total"), None) if form else None
        if form is None or funds is None:
            continue
        for field_name, fund_field in (("amount", "executed"), ("budget_amount", "full_year_budget")):
            value, expected = getattr(s, field_name), getattr(funds, fund_field)
            if value is None or expected is None:
                continue
            stated = narrative_figure(s, field_name, value)
            source = form_figure(form, f"{funds.label} / {fund_field}", expected, funds.provenance.get(fund_field))
            out.equal(_in_wan(s, stated), source, f"{s.metric}: {field_name} vs the project's form")


_VERDICT = re.compile(
    r"决算数?(?:(?P<gt>大于|多于|高于|超过)|(?P<lt>小于|少于|低于)|(?P<eq>等于|与预算数?(?:一致|持平|相同|相等)))"
)
_NEXT_ITEM = re.compile(r"年初预算|预算为|预算数为")


def _verdict_after(text: str, start: int) -> tuple[str, int] | None:
    """The first 决算数大于/小于/等于预算数 after ``start`` and before the next item's budget."""
    following = _NEXT_ITEM.search(text, start)
    window = text[start: following.start() if following else start + 200]
    match = _VERDICT.search(window)
    if match is None:
        return None
    relation = ">" if match.group("gt") else "<" if match.group("lt") else "="
    return relation, start + match.start()


# "年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元": the 决算数小于预算数 that
# follows compares the outturn with the full-year (adjusted) budget, which the statement's
# budget_amount (the first budget named) does not hold.
_FULL_YEAR_BUDGET = re.compile(
    r"(?:全年预算|调整后预算|调整预算)数?(?:为|是)?\s*(?P<value>\d[\d,]*(?:\.(?P<decimals>\d+))?)\s*(?P<unit>万元|元)"
)


def _full_year_budget(text: str, s: NarrativeStatement, verdict_at: int) -> tuple[float, float] | None:
    """The full-year budget (value, rounding error) stated between the statement's first
    budget and its verdict, in the statement's unit; None when there is none."""
    quote = s.evidence.get("budget_amount")
    start = text.find(quote) if quote else -1
    if start < 0:
        return None
    for match in _FULL_YEAR_BUDGET.finditer(text, start, verdict_at):
        if s.unit is None or match.group("unit") == s.unit:
            decimals = len(match.group("decimals") or "")
            return float(match.group("value").replace(",", "")), half_unit(decimals)
    return None


def _verdict_wrong(relation: str, amount: float, amount_error: float, budget: float, budget_error: float) -> bool:
    gap = amount - budget
    tolerance = amount_error + budget_error + EPSILON
    return ((relation == ">" and gap < -tolerance) or (relation == "<" and gap > tolerance)
            or (relation == "=" and abs(gap) > tolerance))


def _statement_end(text: str, s: NarrativeStatement) -> int | None:
    """Where the statement's budget / amount / completion quotes end in its paragraph
    (quotes repeat across items, so they are found in sequence)."""
    quotes = [s.evidence.get(name) for name in ("budget_amount", "amount", "completion_pct")]
    start = 0
    while True:
        position, end = start, None
        for quote in quotes:
            if not quote:
                continue
            at = text.find(quote, position)
            if at < 0 or (end is not None and at - end > 40):
                break
            position = end = at + len(quote)
        else:
            return end
        first = text.find(quotes[0] or "", start) if quotes[0] else -1
        if first < 0:
            return None
        start = first + 1


@rule("narrative.budget_verdict", severity="warning", reads="statements with amount (决算) and budget_amount; "
      "the 决算数大于/小于/等于预算数 that follows them in their paragraph",
      tolerance="½ unit of the last printed decimal of each amount")
def budget_verdict(ctx: Context, out: Reporter) -> None:
    """"决算数大于预算数" follows an outturn above its budget, "小于" one below, "等于" an equal one."""
    texts = {p.id: p.text for p in ctx.result.narratives}
    for s in _statements(ctx):
        text = texts.get(s.paragraph_id)
        if text is None or s.amount is None or s.budget_amount is None:
            continue
        at = _statement_end(text, s)
        found = _verdict_after(text, at) if at is not None else None
        if found is None:
            continue
        relation, verdict_at = found
        amount, budget = narrative_figure(s, "amount", s.amount), narrative_figure(s, "budget_amount", s.budget_amount)
        if relation == "=":  # 大于 / 小于 reveal a change in one direction only
            out.note(amount, budget)
        # The verdict weighs the outturn against the full-year budget when the text states one.
        full_year = _full_year_budget(text, s, verdict_at)
        judged, error = full_year or (s.budget_amount, budget.error)
        if not _verdict_wrong(relation, s.amount, amount.error, judged, error):
            continue
        words = {">": "决算数大于预算数", "<": "决算数小于预算数", "=": "决算数等于预算数"}[relation]
        out.flag(f"{s.metric}: the text says {words} but 决算 {s.amount:g} vs 预算 {judged:g}",
                 [amount, budget], classification="semantic", stated=s.amount, expected=judged)
