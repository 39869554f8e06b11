"""Mutation benchmark of reconciliation: change one printed figure, re-extract, reconcile.

    python bench/mutations.py [--per-kind N] [--seed S] [--show K] [REPORT ...]

For each corpus report, figures are sampled from what the parsers read (table
cells, narrative amounts and percentages, form amounts, rates and scores, score
tables of self-evaluation reports, and the project mentions: per-project summaries, self-evaluation
paragraphs, per-project score-table rows, forms of projects mentioned elsewhere, reported per place); each
mutation changes one digit of one figure *in the report text* (the tens digit,
else the units digit: 17946.59 -> 17956.59, 0.8% -> 1.8%), the report is
extracted again and reconciled. A mutation is *detected* when an error or
warning that the unmutated report does not have points at the mutated line.
A mutation is *revealable* when the figure took part in some check on the
unmutated report (:func:`extractor.reconcile.checked_figures`): figures that no
other printed figure repeats cannot be caught by any reconciliation.
Prints, per kind and overall: mutations, revealable, detected at the line.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from extractor.document import SourceText, load_report
from extractor.pipeline import extract
from extractor.reconcile import checked_figures, reconcile
from extractor.settings import Settings
from schemas import ExtractionResult, Finding, Span
from schemas.fields import FUND_FIGURES, NUMERIC_FIELDS

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_PROJECT_FIELDS = ("score", "budget", "executed", "rate")


@dataclass(frozen=True)
class Site:
    """One printed figure that can be mutated."""

    kind: str  # table | narrative | form
    span: Span
    value: float
    label: str


def sites(result: ExtractionResult) -> list[Site]:
    """Every figure the parsers read with a span into the original text."""
    found: list[Site] = []
    for table in result.tables:
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.value is not None and cell.span is not None:
                    found.append(Site("table", cell.span, cell.value, f"{table.id} / {row.code or row.name} / {key}"))
    for form in result.performance_forms:
        for fund in form.funds:
            for name in FUND_FIGURES:
                value, span = getattr(fund, name), fund.provenance.get(name)
                if value is not None and span is not None:
                    found.append(Site("form", span, value, f"{form.project_name} / {fund.label} / {name}"))
        for indicator in form.indicators:
            for name in ("weight", "score"):
                value, span = getattr(indicator, name), indicator.provenance.get(name)
                if value is not None and span is not None:
                    found.append(Site("form", span, value, f"{form.project_name} / {indicator.level3} / {name}"))
        if form.total_score is not None and "total_score" in form.provenance:
            found.append(Site("form", form.provenance["total_score"], form.total_score,
                              f"{form.project_name} / 总分"))
    for score_table in result.score_tables:
        for score_row in score_table.rows:
            for column, value in score_row.values.items():
                span = score_row.provenance.get(column)
                if value is not None and span is not None:
                    found.append(Site("form", span, value, f"{score_table.title} / {score_row.label} / {column}"))
    found.extend(project_sites(result))
    for statement in result.narrative_statements:
        for name in NUMERIC_FIELDS:
            value, span = getattr(statement, name), statement.provenance.get(name)
            if value is not None and span is not None:
                found.append(Site("narrative", span, abs(value), f"{statement.metric} / {name}"))
    return found


def project_sites(result: ExtractionResult) -> list[Site]:
    """Figures of project mentions, one kind per place: the per-project summary (project:summary),
    the self-evaluation paragraph (project:paragraph), the per-project score-table row
    (project:score_row) and the form of a project mentioned elsewhere too (project:form)."""
    found: list[Site] = []
    for summary in result.projects.summaries:
        kind = "project:summary" if summary.kind == "summary" else "project:paragraph"
        for name in _PROJECT_FIELDS:
            value, span = getattr(summary, name), summary.provenance.get(name)
            if value is not None and span is not None:
                found.append(Site(kind, span, value, f"{summary.name} / {name}"))
    for project in result.projects.projects:
        if len({m.kind for m in project.mentions}) < 2:
            continue  # mentioned once: nothing to reconcile it with
        for mention in project.mentions:
            if mention.kind == "score_row":
                table = result.score_tables[mention.index]
                row = next(r for r in table.rows if r.line == mention.row)
                for column, value in row.values.items():
                    span = row.provenance.get(column)
                    if value is not None and span is not None:
                        found.append(Site("project:score_row", span, value, f"{row.label} / {column}"))
            if mention.kind == "form":
                form = result.performance_forms[mention.index]
                annual = next((f for f in form.funds if f.kind == "annual_total"), None)
                pairs = [("total_score", form.total_score, form.provenance.get("total_score"))]
                if annual is not None:
                    pairs += [(n, getattr(annual, n), annual.provenance.get(n))
                              for n in ("full_year_budget", "executed")]
                for name, value, span in pairs:
                    if value is not None and span is not None:
                        found.append(Site("project:form", span, value, f"{form.project_name} / {name}"))
    return found


def number_in(text: str, span: Span, value: float) -> tuple[int, int] | None:
    """Absolute offsets of the printed number in ``span`` that reads as ``value``."""
    piece = text[span.char_start:span.char_end]
    for match in _NUMBER.finditer(piece):
        if abs(float(match.group().replace(",", "")) - value) < 1e-9:
            return span.char_start + match.start(), span.char_start + match.end()
    return None


def mutate_number(printed: str) -> str:
    """Change the tens digit (else the units digit) by one: a clear, same-length change."""
    integer = printed.split(".")[0]
    digits = [i for i, ch in enumerate(integer) if ch.isdigit()]
    index = digits[-2] if len(digits) >= 2 else digits[-1]
    digit = int(printed[index])
    new = digit + 1 if digit < 9 else digit - 1
    return printed[:index] + str(new) + printed[index + 1:]


def _key(finding: Finding) -> tuple[object, ...]:
    return (finding.rule_id, tuple(loc.ref for loc in finding.locations), finding.stated, finding.expected)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--per-kind", type=int, default=30, help="mutations per kind of figure per report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=15, help="undetected revealable mutations to list")
    args = parser.parse_args()
    reports = args.reports or sorted(SAMPLES.glob("*.txt"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    rng = random.Random(args.seed)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # mutations, revealable, detected, of which
    missed: list[str] = []
    started = time.perf_counter()
    for path in reports:
        source = load_report(path, settings)
        base = extract(source, settings)
        baseline = {_key(f) for f in reconcile(base)}
        covered = {(f.location.span.char_start if f.location.span else None, f.location.line_start)
                   for f in checked_figures(base)}
        covered_starts = {start for start, _ in covered if start is not None}
        by_kind: dict[str, list[Site]] = defaultdict(list)
        for site in sites(base):
            by_kind[site.kind].append(site)
        for kind, pool in sorted(by_kind.items()):
            chosen: dict[int, Site] = {}
            for site in rng.sample(pool, len(pool)):
                chosen.setdefault(site.span.char_start, site)  # one mutation per printed figure
            done = 0
            for site in chosen.values():
                if done >= args.per_kind:
                    break
                where = number_in(source.text, site.span, site.value)
                if where is None:
                    continue
                printed = source.text[where[0]:where[1]]
                text = source.text[:where[0]] + mutate_number(printed) + source.text[where[1]:]
                line = _line_of(source.text, where[0])
                mutated = SourceText.from_text(source.name, text, source.sha256, source.encoding)
                findings = [f for f in reconcile(extract(mutated, settings))
                            if f.severity != "info" and _key(f) not in baseline]
                hit = any(loc.line_start is not None and loc.line_start <= line <= (loc.line_end or loc.line_start)
                          for f in findings for loc in f.locations)
                revealable = site.span.char_start in covered_starts or any(
                    start is None and ln == line for start, ln in covered)
                row = totals[kind]
                row[0] += 1
                row[1] += revealable
                row[2] += hit and revealable
                row[3] += hit
                done += 1
                if revealable and not hit and len(missed) < args.show:
                    missed.append(f"{path.name[:3]} line {line}: {site.label}: {printed} -> "
                                  f"{mutate_number(printed)} ({len(findings)} new findings elsewhere)")
        print(f"{path.name}: done ({time.perf_counter() - started:.0f} s)", flush=True)
    print()
    header = f"{'kind':18} {'mutations':>9} {'revealable':>10} {'detected':>8} {'share':>7}"
    print(f"{header}  (detected, any: all mutations)")
    grand = [0, 0, 0, 0]
    for kind, row in sorted(totals.items()):
        grand = [a + b for a, b in zip(grand, row, strict=True)]
        share = row[2] / row[1] if row[1] else 0.0
        print(f"{kind:18} {row[0]:9} {row[1]:10} {row[2]:8} {share:7.1%}  ({row[3]} of {row[0]})")
    share = grand[2] / grand[1] if grand[1] else 0.0
    print(f"{'all':18} {grand[0]:9} {grand[1]:10} {grand[2]:8} {share:7.1%}  ({grand[3]} of {grand[0]})")
    if missed:
        print("\nrevealable mutations not detected at their line:")
        for item in missed:
            print("  " + item)


if __name__ == "__main__":
    main()
