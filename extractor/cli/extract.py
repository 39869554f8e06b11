"""``extractor extract``: reports in, one JSON document per report out."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.backends import Backend as ReportBackend
from extractor.cli.layout import Field, Records, plural, print_records
from extractor.cli.output import json_chunks, output_target, write_atomic
from extractor.document import load_report
from extractor.errors import ConfigError, ExtractorError, NotAReportError
from extractor.memory import cap_memory, memory_exceeded
from extractor.pipeline import extract, require_report
from extractor.runs import for_each_report
from extractor.settings import Backend, Overrides, Settings, apply_overrides
from schemas import ExtractionResult

# A folder is scanned for *.txt and *.pdf; Markdown-flavoured reports (.md) are taken when named
# explicitly, so a folder's README is not mistaken for a report.
FOLDER_SUFFIXES = {".txt", ".text", ".pdf"}


def collect_reports(paths: list[Path]) -> list[Path]:
    """Expand folders into the report files they hold (sorted), keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES))
        else:
            found.append(path)
    return found


@dataclass
class Outcome:
    """One report's run: its result, or why there is none (``status`` names the kind of failure)."""

    path: Path
    result: ExtractionResult | None = None
    error: str | None = None
    status: str = "ok"
    text: str | None = None  # the text the parsers read (for --text-out)

    @property
    def partial(self) -> bool:
        """True when chunks could not be read (the result holds the rest)."""
        return self.result is not None and bool(self.result.failures)


# Below this width the summary prints one block per report (the table would cut the names).
_SUMMARY_TABLE_WIDTH = 120
_SUMMARY_FIELDS = [
    Field("report"), Field("kind"), Field("tables", right=True), Field("forms", right=True),
    Field("paragraphs", right=True), Field("statements", right=True), Field("findings", right=True),
    Field("status"), Field("notes", long=True),
]


def summary_records(outcomes: list[Outcome]) -> Records:
    """One record per report: counts, or the reason it failed."""
    records = Records("extraction summary", _SUMMARY_FIELDS)
    for outcome in outcomes:
        result = outcome.result
        if result is None:
            records.add([outcome.path.name, "", "", "", "", "", "", outcome.status, outcome.error or ""], "red")
            continue
        present = sum(1 for t in result.tables if t.status != "missing")
        errors = sum(1 for f in result.findings if f.severity == "error")
        notes = notes_text(result)
        records.add(
            [
                outcome.path.name,
                result.document.kind,
                f"{present}/{len(result.tables)}",
                str(len(result.performance_forms)),
                str(len(result.narratives)),
                str(len(result.narrative_statements)),
                f"{len(result.findings)} ({plural(errors, 'error')})",
                outcome.status,
                notes,
            ],
            None if not notes else "yellow",
        )
    return records


def summary_json(outcomes: list[Outcome]) -> list[dict[str, object]]:
    """The summary for scripts (``--json``): one object per report."""
    rows: list[dict[str, object]] = []
    for outcome in outcomes:
        result = outcome.result
        row: dict[str, object] = {"report": str(outcome.path), "status": outcome.status, "error": outcome.error}
        if result is not None:
            row.update(
                kind=result.document.kind,
                tables=sum(1 for t in result.tables if t.status != "missing"),
                tables_announced=len(result.tables),
                forms=len(result.performance_forms),
                paragraphs=len(result.narratives),
                statements=len(result.narrative_statements),
                findings=len(result.findings),
                errors=sum(1 for f in result.findings if f.severity == "error"),
                chunk_failures=len(result.failures),
                warnings=result.document.warnings,
                seconds=result.run.seconds,
            )
        rows.append(row)
    return rows


def notes_text(result: ExtractionResult) -> str:
    """What the user should look at: chunks that failed, a report cut off (empty when none)."""
    problems = [f"{plural(len(result.failures), 'chunk')} could not be read"] if result.failures else []
    problems += result.document.warnings
    return "; ".join(problems)


def failed_chunks_message(outcomes: list[Outcome]) -> str:
    """What failed in the partial runs and how to fix it."""
    partial = [o for o in outcomes if o.partial and o.result is not None]
    failures = [f for o in partial for f in (o.result.failures if o.result else [])]
    stages = sorted({f.stage for f in failures})
    first = failures[0].reason if failures else ""
    hint = (
        "check the model endpoint and key (docs/llm.md)"
        if "llm" in stages
        else "the report's text may be damaged there"
    )
    return (
        f"{plural(len(failures), 'chunk')} in {plural(len(partial), 'report')} could not be read "
        f"({', '.join(stages)}; first: {first}); {hint}, or pass --allow-partial to accept the rest"
    )


def run_one(path: Path, settings: Settings, backend: ReportBackend | None = None) -> Outcome:
    """Load, extract and check one report (with a run's ``backend`` when given); a typed
    error becomes the outcome's reason."""
    try:
        source = load_report(path, settings)
        result = extract(source, settings, backend=backend)
        require_report(result)
    except NotAReportError as exc:
        return Outcome(path, error=str(exc), status=exc.status)
    except MemoryError:
        return Outcome(path, error=str(memory_exceeded(settings)), status="failed")
    except ExtractorError as exc:
        return Outcome(path, error=str(exc), status="failed")
    return Outcome(path, result=result, status="partial" if result.failures else "ok", text=source.text)


def extract_command(
    # Hidden from the argument list (typer would print its type, <list[Path]>); the docstring says it.
    reports: Annotated[list[Path], typer.Argument(metavar="REPORT", hidden=True)],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH",
            help="output file (one report) or folder (several: an existing folder, or a name ending in '/'); "
            "default: stdout / ./extractions/",
        ),
    ] = None,
    backend: Annotated[
        Backend | None, typer.Option(help="rules (offline default), llm or hybrid; default: EXTRACTOR_BACKEND")
    ] = None,
    text_out: Annotated[
        Path | None,
        typer.Option(
            "--text-out",
            help="also write the text the parsers read (for a PDF: as laid out from its pages) to this file "
            "(one report) or folder (several, one .txt each)",
        ),
    ] = None,
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="exit 0 even when some chunks could not be read")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON on stdout")] = False,
) -> None:
    """Extract tables, performance forms and narrative from reports into JSON.

    REPORT: report files (.pdf, .txt), or folders of them (*.pdf, *.txt). Exit 0 when every report was
    extracted whole, 1 when one could not be (or is not a report, or chunks could not be
    read: see --allow-partial), 2 for usage errors."""
    console = Console(stderr=True)
    settings = apply_overrides(Settings(), Overrides(backend=backend))
    paths = collect_reports(reports)
    if not paths:
        console.print("[red]no report files found[/] (folders are scanned for *.txt and *.pdf)")
        raise typer.Exit(2)
    single = len(paths) == 1 and not reports[0].is_dir()
    try:
        folder_in = len(reports) == 1 and reports[0].is_dir()
        out_file, out_dir = output_target(output, single, Path("extractions"), folder_in)
    except ExtractorError as exc:
        console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(2) from None
    if as_json and out_file is None and out_dir is None:
        console.print("[red]--json prints the summary on stdout[/]: give -o FILE for the extraction")
        raise typer.Exit(2)
    cap_memory(settings)
    finished: dict[Path, Outcome] = {}

    def extract_one(path: Path, backend: ReportBackend) -> Outcome:
        outcome = run_one(path, settings, backend)
        if outcome.result is not None:
            try:
                _write(outcome.result, out_file, out_dir, path)
                if text_out is not None and outcome.text is not None:
                    write_atomic(text_out if single else text_out / f"{path.stem}.txt", outcome.text)
            except ExtractorError as exc:
                outcome = Outcome(path, error=str(exc), status="failed")
        outcome.text = None  # written: not kept for the whole folder
        return outcome

    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=single,
        ) as progress:
            task = progress.add_task("extracting", total=len(paths))
            # With a model backend several reports are read at once, their calls in one queue.
            for path, outcome in for_each_report(paths, extract_one, settings):
                progress.update(task, description=f"extracted {path.name}")
                finished[path] = outcome
                progress.advance(task)
    except ConfigError as exc:  # the model backend is not set up: no report can be read
        console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(2) from None
    outcomes = [finished[path] for path in paths]
    if as_json:
        typer.echo(json.dumps(summary_json(outcomes), ensure_ascii=False, indent=2))
    else:
        print_records(console, summary_records(outcomes), _SUMMARY_TABLE_WIDTH)
    failed = sum(1 for o in outcomes if o.result is None)
    partial = sum(1 for o in outcomes if o.partial)
    if failed:
        console.print(f"[red]{failed} of {plural(len(outcomes), 'report')} could not be extracted[/]")
    if partial and not allow_partial:
        console.print(f"[red]{failed_chunks_message(outcomes)}[/]", highlight=False)
    if failed or (partial and not allow_partial):
        raise typer.Exit(1)


def _write(result: ExtractionResult, out_file: Path | None, out_dir: Path | None, path: Path) -> None:
    """The result's JSON, written as a stream (what ``model_dump_json(indent=2)`` gives)."""
    if out_dir is not None:
        write_atomic(out_dir / f"{path.stem}.json", json_chunks(result))
    elif out_file is not None:
        write_atomic(out_file, json_chunks(result))
    else:
        for chunk in json_chunks(result):
            sys.stdout.write(chunk)
        sys.stdout.write("\n")
        sys.stdout.flush()
