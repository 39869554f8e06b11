"""A report bound twice is two printings: nothing is summed or pooled across the copies,
so findings (and cost) grow with the copies, not with their square."""

from __future__ import annotations

from collections import Counter

from extractor.document import SourceText, decode_report
from extractor.pipeline import extract
from extractor.settings import Settings
from tests.conftest import CORPUS

_REPEATED = "project.repeated_summary"


def _twice(key: str) -> SourceText:
    data = CORPUS[key].read_bytes()
    return decode_report(data + (b"" if data.endswith(b"\n") else b"\n") + data, f"{key}x2.txt")


def test_a_report_bound_twice_gives_each_finding_twice(corpus: dict[str, SourceText], settings: Settings) -> None:
    for key in ("001", "002", "004"):
        once = extract(corpus[key], settings)
        twice = extract(_twice(key), settings)
        ids = [t.id for t in twice.tables]
        # every table of the second printing is kept apart, as id#2
        assert sorted(ids) == sorted([t.id for t in once.tables] + [f"{t.id}#2" for t in once.tables]), key
        # Project rules read the whole report by design: a summary printed twice is a true
        # repetition, and a claim ("50 projects") now faces twice the forms. They stay linear
        # (at most one finding per summary, claim and finding of one copy, per copy).
        projects = [f for f in twice.findings if f.family == "project"]
        index = once.projects
        bound = 2 * (sum(f.family == "project" for f in once.findings) + len(index.summaries) + len(index.claims))
        assert len(projects) <= bound, key
        assert any(f.rule_id == _REPEATED for f in projects) == bool(index.summaries), key
        kept = [f for f in twice.findings if f.family != "project"]
        expected = Counter(f.rule_id for f in once.findings if f.family != "project")
        assert len(kept) == 2 * sum(expected.values()), key
        assert Counter(f.rule_id for f in kept) == Counter({rule: 2 * n for rule, n in expected.items()}), key
        # no other finding draws on both printings (every location within one copy's lines)
        half = len(corpus[key].lines)
        for finding in kept:
            lines = {loc.line_start for loc in finding.locations if loc.line_start}
            assert all(n <= half for n in lines) or all(n > half for n in lines), finding.message


def test_a_summary_printed_three_times_is_one_finding(corpus: dict[str, SourceText], settings: Settings) -> None:
    """Findings that repeat one cause are grouped: each summary of a report bound three times
    gives one finding naming its three places, not one per extra copy."""
    data = CORPUS["004"].read_bytes()
    thrice = extract(decode_report(b"\n".join([data.rstrip(b"\n")] * 3) + b"\n", "004x3.txt"), settings)
    once = extract(corpus["004"], settings)
    repeated = [f for f in thrice.findings if f.rule_id == _REPEATED]
    assert len(repeated) == len(once.projects.summaries) > 0
    assert all(len(f.locations) == 3 and "printed 3 times" in f.message for f in repeated)
