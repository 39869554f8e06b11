"""Benchmark how extraction cost grows with input: one report repeated 1x, 4x, 16x, 64x.

    python bench/bench_scaling.py [REPORT] [--times 1 4 16 64]

Each size is written to a temporary file and extracted by ``extractor extract
FILE -o OUT.json`` in a fresh subprocess, so the peak memory printed is the
child's own peak resident set size (``getrusage(RUSAGE_CHILDREN)``, measured
per child through ``os.wait4``). Prints input size, wall time, peak RSS, output
size and findings count per size, then each size's time and memory against a
linear extrapolation from 1x (1.00 = exactly linear).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MIB = 1024 * 1024


def run_once(arguments: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak RSS in bytes and exit code of one ``extractor ARGUMENTS`` child."""
    command = [sys.executable, "-m", "extractor", *arguments]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.stderr is not None:
        child.stderr.close()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss * 1024, child.returncode  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, default=SAMPLES / "001_f428d76052f7ee41.txt")
    parser.add_argument("--times", type=int, nargs="+", default=[1, 4, 16, 64])
    args = parser.parse_args()
    text = args.report.read_bytes()
    if not text.endswith(b"\n"):
        text += b"\n"
    print(f"{args.report.name} repeated; one subprocess per size; cpu = user + system seconds of the child")
    print(f"{'times':>5} {'input MiB':>9} {'wall s':>7} {'cpu s':>7} {'peak MiB':>8} {'output MiB':>10} "
          f"{'findings':>8} {'exit':>4}")
    rows: list[tuple[int, float, int, int]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as folder:
        # Start-up: the interpreter and every import, extracting a one-line text.
        tiny = Path(folder) / "start.txt"
        tiny.write_text("start\n", encoding="utf-8")
        _, start_cpu, start_peak, _ = run_once(["extract", str(tiny), "-o", str(Path(folder) / "start.json")])
        print(f"{'start':>5} {0:>9.2f} {'':>7} {start_cpu:>7.2f} {start_peak / MIB:>8.0f}   (interpreter + imports)")
        for times in args.times:
            report = Path(folder) / f"repeated_{times}x.txt"
            report.write_bytes(text * times)
            size = report.stat().st_size
            # let every size through the input limit, whatever it is set to
            os.environ["EXTRACTOR_MAX_REPORT_MB"] = str(size // MIB + 2)
            output = Path(folder) / f"repeated_{times}x.json"
            seconds, cpu, peak, code = run_once(["extract", str(report), "-o", str(output)])
            out_size = output.stat().st_size if output.exists() else 0
            findings = _count_findings(output) if output.exists() else 0
            print(f"{times:>5} {size / MIB:>9.2f} {seconds:>7.2f} {cpu:>7.2f} {peak / MIB:>8.0f} "
                  f"{out_size / MIB:>10.2f} {findings:>8} {code:>4}")
            rows.append((times, cpu, peak, size))
            output.unlink(missing_ok=True)
            report.unlink()
    if len(rows) < 2:
        return
    base_times, base_cpu, base_peak, _ = rows[0]
    print("\nbeyond start-up, against linear from the first size (1.00 = linear)")
    for times, cpu, peak, _ in rows[1:]:
        factor = times / base_times
        print(f"{times:>5}x  cpu {(cpu - start_cpu) / ((base_cpu - start_cpu) * factor):.2f}"
              f"  memory {(peak - start_peak) / ((base_peak - start_peak) * factor):.2f}")
    times, cpu, peak, size = rows[-1]
    print(f"\nlargest: {(cpu - start_cpu) / (size / MIB):.2f} cpu s per MiB of input, "
          f"{(peak - start_peak) / MIB / (size / MIB):.0f} MiB of peak memory per MiB of input beyond start-up")


def _count_findings(output: Path) -> int:
    """Findings in an output JSON (0 when it is not one)."""
    try:
        return len(json.loads(output.read_text(encoding="utf-8")).get("findings", []))
    except (ValueError, OSError):
        return 0


if __name__ == "__main__":
    main()
