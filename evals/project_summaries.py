"""Scoring the per-project summaries (``result.projects.summaries``) against the gold.

``evals/gold/project_summaries.jsonl`` holds hand-labelled summaries (report key, the
line the summary starts on, name as printed, score, grade, budget, executed, rate),
read from the source text. A predicted summary matches the gold record of its report
whose line it starts on; every gold field is then counted as in :mod:`evals.results`
(correct / wrong / missed / spurious / correct_null). Gold covers part of each report,
so predicted summaries without a gold record are not counted.

    python -m evals.project_summaries [--backend rules|llm|hybrid]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pydantic import BaseModel

from evals.gold_io import GOLD_DIR
from evals.results import FieldCounts
from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings
from schemas import ExtractionResult, ProjectSummary

GOLD_FILE = GOLD_DIR / "project_summaries.jsonl"
FIELDS = ("score", "grade", "budget", "executed", "rate")
_SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class GoldSummary(BaseModel):
    """One hand-labelled per-project summary."""

    report: str
    line: int
    name: str
    score: float | None = None
    grade: str | None = None
    budget: float | None = None
    executed: float | None = None
    rate: float | None = None


def load_summaries(path: Path = GOLD_FILE) -> list[GoldSummary]:
    """The gold summaries, in file order."""
    with path.open(encoding="utf-8") as handle:
        return [GoldSummary.model_validate_json(line) for line in handle if line.strip()]


def score_summaries(result: ExtractionResult, gold: list[GoldSummary]) -> dict[str, FieldCounts]:
    """Per-field counts of one report's predicted summaries against its gold records."""
    by_line: dict[int, ProjectSummary] = {}
    for summary in result.projects.summaries:
        span = summary.provenance.get("text")
        if span is not None:
            by_line.setdefault(span.line_start, summary)
    counts = {name: FieldCounts() for name in FIELDS}
    for record in gold:
        predicted = by_line.get(record.line)
        for name in FIELDS:
            expected = getattr(record, name)
            got = getattr(predicted, name) if predicted is not None else None
            if expected is None:
                counts[name].add("correct_null" if got is None else "spurious")
            elif got is None:
                counts[name].add("missed")
            else:
                same = got == expected if isinstance(expected, str) else abs(float(got) - float(expected)) < 1e-6
                counts[name].add("correct" if same else "wrong")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("rules", "llm", "hybrid"), default="rules")
    args = parser.parse_args()
    settings = Settings(backend=args.backend)
    gold = load_summaries()
    total = {name: FieldCounts() for name in FIELDS}
    for key in sorted({g.report for g in gold}):
        path = next(_SAMPLES.glob(f"{key}_*.txt"))
        result = extract(load_report(path, settings), settings)
        for name, counts in score_summaries(result, [g for g in gold if g.report == key]).items():
            total[name] = total[name].merge(counts)
    print(json.dumps({name: {"precision": round(c.precision, 3), "recall": round(c.recall, 3),
                             "support": c.support} for name, c in total.items()}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
