"""Benchmark the deterministic extraction: MB/s on one core and peak memory.

    python bench/bench_extract.py [REPORT ...] [--repeat N]

Defaults to the bundled corpus. Prints one line per report and the totals,
then the time per stage over the whole corpus (load+segment, tables, forms,
narrative, reconcile) and the throughput without and with reconciliation.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# The pipeline's stages in order; "load" (read, decode, normalise) is timed here.
STAGES = ("load", "segment", "tables", "forms", "narrative", "reconcile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reports = args.reports or sorted(SAMPLES.glob("*.txt"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    total_bytes = 0
    total_seconds = 0.0
    stages = dict.fromkeys(STAGES, 0.0)
    print(f"{'report':32} {'KB':>8} {'ms/run':>8} {'MB/s':>7}")
    for path in reports:
        size = path.stat().st_size
        started = time.perf_counter()
        for _ in range(args.repeat):
            loaded = time.perf_counter()
            source = load_report(path, settings)
            stages["load"] += time.perf_counter() - loaded
            extract(source, settings, stages)
        seconds = (time.perf_counter() - started) / args.repeat
        total_bytes += size
        total_seconds += seconds
        print(f"{path.name:32} {size / 1024:8.1f} {seconds * 1000:8.1f} {size / seconds / 1e6:7.2f}")
    tracemalloc.start()
    for path in reports:
        extract(load_report(path, settings), settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = total_bytes / total_seconds / 1e6
    print(f"{'total':32} {total_bytes / 1024:8.1f} {total_seconds * 1000:8.1f} {rate:7.2f}")
    print(f"peak traced memory over one pass of all reports: {peak / 1e6:.1f} MB")
    _print_stages(stages, total_bytes, args.repeat)


def _print_stages(stages: dict[str, float], total_bytes: int, repeat: int) -> None:
    """Per-stage time over the corpus (ms per pass), and the stage's own MB/s."""
    print(f"\n{'stage (whole corpus)':32} {'ms/run':>8} {'MB/s':>7}")
    per_run = {name: seconds / repeat for name, seconds in stages.items()}
    per_run["load+segment"] = per_run.pop("load") + per_run.pop("segment")
    for name in ("load+segment", "tables", "forms", "narrative", "reconcile"):
        print(f"{name:32} {per_run[name] * 1000:8.1f} {_rate(total_bytes, per_run[name]):7.2f}")
    deterministic = sum(seconds for name, seconds in per_run.items() if name != "reconcile")
    everything = deterministic + per_run["reconcile"]
    print(f"{'deterministic (no reconcile)':32} {deterministic * 1000:8.1f} {_rate(total_bytes, deterministic):7.2f}")
    print(f"{'with reconciliation':32} {everything * 1000:8.1f} {_rate(total_bytes, everything):7.2f}")


def _rate(size: int, seconds: float) -> float:
    return size / seconds / 1e6 if seconds > 0 else float("inf")


if __name__ == "__main__":
    main()
