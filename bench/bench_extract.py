"""Benchmark the deterministic extraction: MB/s on one core and peak memory.

    python bench/bench_extract.py [REPORT ...] [--repeat N] [--shortcuts]

Defaults to the bundled corpus. Runs N passes over all reports (after one
warm-up pass) and prints, per report and for the corpus, the fastest and the
median pass: shared virtual machines lend their cores unevenly, and the
fastest pass is the one least disturbed by other tenants. Then the time per
stage in the fastest pass (load+segment, tables, forms, narrative, reconcile)
and the throughput without and with reconciliation, and peak memory. With
``--shortcuts``, what building objects the short way would save per stage
(bench/construction_costs.py).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# The pipeline's stages in order; "load" (read, decode, normalise) is timed here.
STAGES = ("load", "segment", "tables", "forms", "narrative", "reconcile")


def one_pass(reports: list[Path], settings: Settings) -> tuple[dict[Path, float], dict[str, float]]:
    """Seconds per report and per stage for one extraction of every report."""
    per_report: dict[Path, float] = {}
    stages = dict.fromkeys(STAGES, 0.0)
    for path in reports:
        started = time.perf_counter()
        source = load_report(path, settings)
        stages["load"] += time.perf_counter() - started
        extract(source, settings, stages)
        per_report[path] = time.perf_counter() - started
    return per_report, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=7, help="timed passes over all reports")
    parser.add_argument("--shortcuts", action="store_true", help="what construction shortcuts would save per stage")
    args = parser.parse_args()
    reports = args.reports or sorted(SAMPLES.glob("*.txt"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    sizes = {path: path.stat().st_size for path in reports}
    total_bytes = sum(sizes.values())
    one_pass(reports, settings)  # warm-up: imports, compiled patterns, caches of pure functions
    passes = [one_pass(reports, settings) for _ in range(max(1, args.repeat))]

    print(f"{args.repeat} passes; MB/s of the fastest pass (median pass in brackets)")
    print(f"{'report':32} {'KB':>8} {'best ms':>8} {'median':>8} {'MB/s':>7}")
    for path in reports:
        times = [per_report[path] for per_report, _ in passes]
        best, median = min(times), statistics.median(times)
        print(
            f"{path.name:32} {sizes[path] / 1024:8.1f} {best * 1000:8.1f} {median * 1000:8.1f} "
            f"{_rate(sizes[path], best):7.2f} ({_rate(sizes[path], median):.2f})"
        )
    totals = [sum(per_report.values()) for per_report, _ in passes]
    best_total, median_total = min(totals), statistics.median(totals)
    print(
        f"{'total':32} {total_bytes / 1024:8.1f} {best_total * 1000:8.1f} {median_total * 1000:8.1f} "
        f"{_rate(total_bytes, best_total):7.2f} ({_rate(total_bytes, median_total):.2f})"
    )
    per_stage = _print_stages(passes[totals.index(best_total)][1], total_bytes)
    if args.shortcuts:
        from construction_costs import print_savings  # bench/ is the script's folder

        print_savings(reports, settings, per_stage)

    tracemalloc.start()
    one_pass(reports, settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak traced memory over one pass of all reports: {peak / 1e6:.1f} MB")


def _print_stages(stages: dict[str, float], total_bytes: int) -> dict[str, float]:
    """Per-stage time of the fastest pass (ms), and the stage's own MB/s; the seconds per stage."""
    print(f"\n{'stage (fastest pass)':32} {'ms':>8} {'MB/s':>7}")
    per_stage = dict(stages)
    per_stage["load+segment"] = per_stage.pop("load") + per_stage.pop("segment")
    for name in ("load+segment", "tables", "forms", "narrative", "reconcile"):
        print(f"{name:32} {per_stage[name] * 1000:8.1f} {_rate(total_bytes, per_stage[name]):7.2f}")
    deterministic = sum(seconds for name, seconds in per_stage.items() if name != "reconcile")
    everything = deterministic + per_stage["reconcile"]
    print(f"{'deterministic (no reconcile)':32} {deterministic * 1000:8.1f} {_rate(total_bytes, deterministic):7.2f}")
    print(f"{'with reconciliation':32} {everything * 1000:8.1f} {_rate(total_bytes, everything):7.2f}")
    return per_stage


def _rate(size: int, seconds: float) -> float:
    return size / seconds / 1e6 if seconds > 0 else float("inf")


if __name__ == "__main__":
    main()
