"""The per-project summary gold and its scorer."""

from __future__ import annotations

from evals.project_summaries import FIELDS, load_summaries, score_summaries
from extractor.document import SourceText
from extractor.pipeline import extract
from extractor.settings import Settings


def test_gold_is_well_formed() -> None:
    gold = load_summaries()
    assert len(gold) == 28 and {g.report for g in gold} == {"000", "001", "004"}
    assert len({(g.report, g.line) for g in gold}) == len(gold)


def test_rules_reader_against_gold_and_a_wrong_value(corpus: dict[str, SourceText], settings: Settings) -> None:
    gold = [g for g in load_summaries() if g.report == "004"]
    result = extract(corpus["004"], settings)
    counts = score_summaries(result, gold)
    assert all(counts[name].wrong == 0 and counts[name].missed == 0 for name in FIELDS)
    assert counts["grade"].correct == 8
    broken = result.model_copy(deep=True)
    broken.projects.summaries[0].score = 78.6
    broken.projects.summaries[1].grade = None
    counts = score_summaries(broken, gold)
    assert (counts["score"].wrong, counts["grade"].missed) == (1, 1)
