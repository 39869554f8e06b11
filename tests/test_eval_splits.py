"""The dev/test split rule, complete narrative sections and the --show-test gate."""

from __future__ import annotations

import hashlib
import html

from evals.compare import compare_runs
from evals.gold_io import load_gold
from evals.harness import EvalOptions, oracle_predictions, record_run
from evals.items import UNMATCHED
from evals.report import build_report
from evals.scoring import score_statements
from evals.splits import split_of, statement_anchor
from extractor.cli.eval import comparison_json
from extractor.settings import Settings
from schemas import NarrativeStatement, Span


def test_split_rule_is_the_written_one() -> None:
    # tuned ranges are dev whatever the hash says
    assert split_of("001", "forms", 393, [(393, 408)]) == "dev"
    for anchor in (574, 592, 611, 1251, 6275):
        digest = hashlib.sha256(f"001:forms:{anchor}".encode()).hexdigest()
        expected = "test" if int(digest[:8], 16) % 2 else "dev"
        assert split_of("001", "forms", anchor) == expected
    # the rule gives both splits over the new forms of 001, about half each
    splits = [split_of("001", "forms", f.line_start, load_gold("001").tuned["forms"]) for f in load_gold("001").forms]
    assert 10 <= splits.count("test") <= 27 and splits.count("dev") >= 13


def test_statement_anchor_is_the_paragraph_line() -> None:
    statement = NarrativeStatement(paragraph_id="p1280", metric="x")
    assert statement_anchor(statement) == 1280
    span = Span(line_start=7, line_end=8, char_start=0, char_end=1)
    loose = NarrativeStatement(paragraph_id="piece", metric="x", provenance={"amount": span})
    assert statement_anchor(loose) == 7


def _statement(paragraph: str, line: int, amount: float) -> NarrativeStatement:
    span = Span(line_start=line, line_end=line, char_start=0, char_end=1)
    return NarrativeStatement(
        paragraph_id=paragraph, metric="支出", amount=amount, unit="万元", provenance={"amount": span}
    )


def test_unmatched_statement_in_a_complete_section_is_spurious() -> None:
    gold = [_statement("p10", 10, 1.0)]
    inside, outside = _statement("p12", 12, 99.0), _statement("p40", 40, 98.0)
    partial = score_statements(gold, [gold[0], inside, outside], complete=False)
    assert partial.records["statements"].spurious == 0
    sections = score_statements(gold, [gold[0], inside, outside], complete=False, sections=[(5, 20)])
    assert sections.records["statements"].spurious == 1  # the one in lines 5-20 only
    assert sections.fields["amount"].spurious == 1 and sections.fields["amount"].correct == 1
    assert sections.micro.precision < partial.micro.precision


def test_spurious_statement_in_a_complete_section_of_the_gold_counts() -> None:
    bundle = load_gold("001")
    perfect = oracle_predictions(bundle)
    extra = perfect.model_copy(deep=True)
    extra.narrative_statements.append(_statement("p1341", 1341, 12345.0))  # inside 1273-1392
    extra.narrative_statements.append(_statement("p1603", 1603, 54321.0))  # outside: not labelled
    options = EvalOptions()
    base = record_run(options, Settings(), {"001": perfect})
    worse = record_run(options, Settings(), {"001": extra})
    assert base.scores.types["statements"].micro.f1 == 1.0
    counts = worse.scores.types["statements"]
    assert counts.records["statements"].spurious == 1 and counts.micro.precision < 1.0
    bucket = [i for i in worse.items if i.label.startswith(UNMATCHED) and i.record_type == "statements"]
    assert sum(i.total.spurious for i in bucket) == counts.micro.spurious > 0


def test_test_flips_are_shown_only_when_asked() -> None:
    bundle = load_gold("001")
    perfect = oracle_predictions(bundle)
    broken = perfect.model_copy(deep=True)
    for form in broken.performance_forms:
        for indicator in form.indicators:
            indicator.target = "x"
    options = EvalOptions()
    a = record_run(options, Settings(), {"001": perfect})
    b = record_run(options, Settings(), {"001": broken})
    comparison = compare_runs(a, b, resamples=200)
    splits = {f.split for f in comparison.flips}
    assert splits == {"dev", "test"}
    hidden = comparison_json(comparison)
    shown = comparison_json(comparison, show_test=True)
    assert {f["split"] for f in hidden["flips"]} == {"dev"}  # type: ignore[index]
    assert len(shown["flips"]) == len(comparison.flips) > len(hidden["flips"])  # type: ignore[arg-type]
    # aggregate scores still cover both splits
    assert comparison.scope("forms").items == len(bundle.forms)
    # the HTML report: a leaderboard with its score-vs-cost plot; test items only when asked
    page, markdown = build_report([a, b], resamples=200)
    assert "<h2>Leaderboard</h2>" in page and "## Leaderboard" in markdown
    test_ids = [f.item_id for f in comparison.flips if f.split == "test"]
    dev_ids = [f.item_id for f in comparison.flips if f.split == "dev"]
    assert not any(html.escape(i) in page for i in test_ids) and html.escape(dev_ids[0]) in page
    page, _ = build_report([a, b], resamples=200, show_test=True)
    assert all(html.escape(i) in page for i in test_ids[:5])
