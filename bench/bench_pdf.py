"""Benchmark reading PDFs: pages per second on one core, beside pdftotext and pdfplumber.

    python bench/bench_pdf.py [REPORT.pdf ...] [--repeat N] [--no-plumber]

Defaults to the bundled Shanghai PDFs (samples/shanghai/). For each report, the
fastest of N passes (median in brackets; shared machines lend cores unevenly) of:

- ``read``: PDF -> document model (``load_report``: glyphs, rules, grids, lines, SourceText);
- ``extract``: the whole deterministic extraction (read + tables, forms, narrative,
  reconciliation, page/box provenance), what ``extractor extract report.pdf`` does;
- ``pdftotext``: ``pdftotext -layout`` on the same file (the floor: text, no tables);
- ``plumber``: pdfplumber's ``extract_tables`` on every page (what a user writes by hand),
  when pdfplumber is installed (``pip install pdfplumber``); skipped otherwise.

Then where the time goes (stages of the fastest extract pass) and the peak resident
memory of a fresh process reading and extracting every report.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from extractor.document import SourceText, load_report
from extractor.document.pdf_layout import lay_out
from extractor.document.pdf_read import read_pdf
from extractor.pipeline import extract
from extractor.settings import Settings

SHANGHAI = Path(__file__).resolve().parent.parent / "samples" / "shanghai"


def read(path: Path, settings: Settings) -> SourceText:
    return load_report(path, settings)


def whole(path: Path, settings: Settings) -> None:
    extract(read(path, settings), settings)


def pdftotext(path: Path, _: Settings) -> None:
    subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)


def plumber(path: Path, _: Settings) -> None:
    import pdfplumber  # type: ignore[import-not-found]

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def timed(job: Callable[[Path, Settings], object], path: Path, settings: Settings, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        job(path, settings)
        times.append(time.perf_counter() - started)
    return times


def stages(path: Path, settings: Settings) -> dict[str, float]:
    """Seconds per stage of one extraction (pdfium reading, layout, normalising, the pipeline's)."""
    spent: dict[str, float] = {}
    started = time.perf_counter()
    data = path.read_bytes()
    pages = read_pdf(data, path.name, settings)
    spent["pdf: glyphs + rules (pdfium)"] = time.perf_counter() - started
    mark = time.perf_counter()
    laid, geometry = lay_out(pages, path.name, time.monotonic() + 600)
    spent["pdf: grids, lines, paragraphs"] = time.perf_counter() - mark
    mark = time.perf_counter()
    source = SourceText.from_text(path.name, "\n".join(line.text for line in laid), "0" * 64, "pdf")
    spent["text: normalise"] = time.perf_counter() - mark
    source.geometry = geometry
    extract(source, settings, spent)
    return spent


def _peak_memory(paths: list[Path]) -> tuple[int, int]:
    """Peak resident set (KB) of this process once the package is imported, and after
    extracting every report."""
    settings = Settings(home=Path("/tmp/extractor-bench"))
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in paths:
        whole(path, settings)
    return imported, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per report and tool")
    parser.add_argument("--no-plumber", action="store_true", help="skip pdfplumber even when installed")
    args = parser.parse_args()
    reports = args.reports or sorted(SHANGHAI.glob("*.pdf"))
    settings = Settings(home=Path("/tmp/extractor-bench"))
    tools: dict[str, Callable[[Path, Settings], object]] = {"read": read, "extract": whole}
    if shutil.which("pdftotext"):
        tools["pdftotext"] = pdftotext
    if not args.no_plumber and importlib.util.find_spec("pdfplumber") is not None:
        tools["plumber"] = plumber
    whole(reports[0], settings)  # warm-up: imports, compiled patterns

    from pypdfium2 import PdfDocument  # type: ignore[import-untyped]

    page_counts = {path: len(PdfDocument(str(path))) for path in reports}
    results: dict[str, dict[Path, list[float]]] = {tool: {} for tool in tools}
    for path in reports:
        for tool, job in tools.items():
            results[tool][path] = timed(job, path, settings, args.repeat if tool != "plumber" else 1)

    print(f"seconds per report, fastest of {args.repeat} (median in brackets); plumber: one pass")
    print(f"{'report':38} {'pages':>5} " + " ".join(f"{tool:>16}" for tool in tools))
    for path in reports:
        cells = []
        for tool in tools:
            times = results[tool][path]
            cells.append(f"{min(times):7.3f} ({statistics.median(times):6.3f})")
        print(f"{path.name:38} {page_counts[path]:5} " + " ".join(f"{c:>16}" for c in cells))
    pages = sum(page_counts.values())
    print(f"\n{'pages per second, one core':38} {pages:5} " + " ".join(
        f"{pages / sum(min(t) for t in results[tool].values()):16.1f}" for tool in tools
    ))
    best = {tool: sum(min(t) for t in results[tool].values()) for tool in tools}
    per_25 = {tool: best[tool] / pages * 25 for tool in tools}
    print("seconds per 25 pages: " + ", ".join(f"{tool} {value:.3f}" for tool, value in per_25.items()))
    if "pdftotext" in best:
        print(f"extract / pdftotext: {best['extract'] / best['pdftotext']:.1f}x; "
              f"read / pdftotext: {best['read'] / best['pdftotext']:.1f}x")

    print("\nwhere the time goes (all reports, one pass):")
    spent: dict[str, float] = {}
    for path in reports:
        for stage, seconds in stages(path, settings).items():
            spent[stage] = spent.get(stage, 0.0) + seconds
    total = sum(spent.values())
    for stage, seconds in spent.items():
        print(f"  {stage:34} {seconds * 1000:8.1f} ms {100 * seconds / total:5.1f}%")

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        imported, peak = pool.apply(_peak_memory, (reports,))
    print(
        f"\npeak resident memory of a fresh process extracting all {len(reports)} reports: {peak / 1024:.0f} MB "
        f"({imported / 1024:.0f} MB once imported)"
    )


if __name__ == "__main__":
    main()
