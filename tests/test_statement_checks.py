"""Reconciliation's typed results: which rule, which record, which fields; the
re-ask and the hybrid routing act on those, never on a finding's text."""

from __future__ import annotations

from extractor.reconcile import reconcile_checked, registry
from extractor.reconcile.statement_checks import statement_problems
from tests.reconcile_builders import result, statement

# 001 line 1273: 收入总计 17334.64 万元, 减少 131.99 万元, 下降 0.8%; the planted
# copies print 1.8% and a change that does not match the stated prior year.
GOOD = {"amount": 17334.64, "change_amount": -131.99, "change_pct": -0.8, "direction": "decrease"}


def test_a_finding_names_its_rule_record_and_fields() -> None:
    bad = statement("收入总计", **{**GOOD, "change_pct": -1.8})
    data = result(statements=[bad])
    narrative = [r for r in registry() if r.family == "narrative"]
    [checked] = [c for c in reconcile_checked(data, narrative) if c.finding.severity != "info"]
    assert checked.rule.id == checked.finding.rule_id == "narrative.change_pct"
    [stated] = data.narrative_statements
    # The rate, the change, and the prior year implied by amount - change (located at the amount).
    assert checked.fields_of(stated) == ("change_pct", "change_amount", "amount")
    assert [s.record is stated for s in checked.subjects] == [True, True, True]


def test_the_same_metric_twice_in_one_paragraph_is_told_apart() -> None:
    first = statement("收入总计", **GOOD)
    second = statement("收入总计", **{**GOOD, "change_amount": -31.99, "prior_amount": 17466.63})
    third = statement("支出总计", paragraph="p2", amount=100.0, budget_amount=80.0, completion_pct=125.0)
    problems = statement_problems([first, second, third])
    assert sorted(problems) == [1]
    assert [(p.finding.rule_id, p.fields) for p in problems[1]] == [
        ("narrative.change_amount", ("change_amount", "amount", "prior_amount")),
        ("narrative.change_pct", ("change_pct", "change_amount", "prior_amount")),
    ]


def test_the_problems_do_not_depend_on_the_wording_of_ids_and_metrics() -> None:
    # A paragraph id and a metric holding the " / " that separates a location's display text.
    odd = statement("收入 / 支出总计", paragraph="7 / 8", **{**GOOD, "change_pct": -1.8})
    problems = statement_problems([statement("x", **GOOD), odd])
    assert [(index, [p.fields for p in found]) for index, found in problems.items()] == [
        (1, [("change_pct", "change_amount", "amount")])
    ]
