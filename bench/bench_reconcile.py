"""Benchmark reconciliation: the time of all checks over the whole corpus (target < 1 s).

    python bench/bench_reconcile.py [REPORT ...] [--repeat N]

Extraction runs once per report (not timed); then every rule runs on every
report ``--repeat`` times. Prints one line per report (best and median of the
runs, findings by severity) and the corpus total.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from extractor.document import load_report
from extractor.pipeline import extract
from extractor.reconcile import reconcile, registry
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    reports = args.reports or sorted(SAMPLES.glob("*.txt"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    rules = registry()
    results = [(path, extract(load_report(path, settings), settings)) for path in reports]
    print(f"{len(rules)} rules; {args.repeat} runs per report")
    print(f"{'report':32} {'tables':>6} {'forms':>5} {'stmts':>5} {'best ms':>8} {'median':>8}  findings")
    best_total = median_total = 0.0
    for path, result in results:
        times: list[float] = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            findings = reconcile(result, rules)
            times.append(time.perf_counter() - started)
        counts = Counter(f.severity for f in findings)
        best, median = min(times), statistics.median(times)
        best_total += best
        median_total += median
        print(f"{path.name:32} {len(result.tables):6} {len(result.performance_forms):5} "
              f"{len(result.narrative_statements):5} {best * 1000:8.1f} {median * 1000:8.1f}  "
              f"{counts['error']} error, {counts['warning']} warning, {counts['info']} info")
    verdict = "within" if median_total < 1.0 else "OVER"
    print(f"{'corpus':32} {'':6} {'':5} {'':5} {best_total * 1000:8.1f} {median_total * 1000:8.1f}  "
          f"({verdict} the 1 s target)")


if __name__ == "__main__":
    main()
