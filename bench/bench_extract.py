"""Benchmark the deterministic extraction: MB/s on one core and peak memory.

    python bench/bench_extract.py [REPORT ...] [--repeat N]

Defaults to the bundled corpus. Prints one line per report and the totals.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reports = args.reports or sorted(SAMPLES.glob("*.txt"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    total_bytes = 0
    total_seconds = 0.0
    print(f"{'report':32} {'KB':>8} {'ms/run':>8} {'MB/s':>7}")
    for path in reports:
        size = path.stat().st_size
        started = time.perf_counter()
        for _ in range(args.repeat):
            extract(load_report(path, settings), settings)
        seconds = (time.perf_counter() - started) / args.repeat
        total_bytes += size
        total_seconds += seconds
        print(f"{path.name:32} {size / 1024:8.1f} {seconds * 1000:8.1f} {size / seconds / 1e6:7.2f}")
    tracemalloc.start()
    for path in reports:
        extract(load_report(path, settings), settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'total':32} {total_bytes / 1024:8.1f} {total_seconds * 1000:8.1f} {total_bytes / total_seconds / 1e6:7.2f}")
    print(f"peak traced memory over one pass of all reports: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
