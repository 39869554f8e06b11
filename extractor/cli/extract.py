"""``extractor extract``: reports in, one JSON document per report out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from extractor.backends import Backend as ReportBackend
from extractor.cli.output import write_atomic
from extractor.document import load_report
from extractor.errors import ConfigError, ExtractorError
from extractor.pipeline import extract
from extractor.runs import for_each_report
from extractor.settings import Backend, Settings
from schemas import ExtractionResult

# A folder is scanned for *.txt; Markdown-flavoured reports (.md) are taken when named explicitly,
# so a folder's README is not mistaken for a report.
FOLDER_SUFFIXES = {".txt", ".text"}


def collect_reports(paths: list[Path]) -> list[Path]:
    """Expand folders into the report files they hold (sorted), keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES))
        else:
            found.append(path)
    return found


def summary_table(results: list[tuple[Path, ExtractionResult | None, str | None]]) -> RichTable:
    """One line per report: counts, or the reason it failed."""
    table = RichTable(title="extraction summary")
    for column in ("report", "kind", "tables", "forms", "paragraphs", "statements", "findings", "status"):
        table.add_column(column)
    for path, result, error in results:
        if result is None:
            table.add_row(path.name, "", "", "", "", "", "", f"[red]failed: {error}")
            continue
        present = sum(1 for t in result.tables if t.status != "missing")
        errors = sum(1 for f in result.findings if f.severity == "error")
        table.add_row(
            path.name,
            result.document.kind,
            f"{present}/{len(result.tables)}",
            str(len(result.performance_forms)),
            str(len(result.narratives)),
            str(len(result.narrative_statements)),
            f"{len(result.findings)} ({errors} errors)",
            _status(result),
        )
    return table


def _status(result: ExtractionResult) -> str:
    """ok, or what the user should look at: chunks that failed, a report cut off."""
    problems = [f"{len(result.failures)} chunk failures"] if result.failures else []
    problems += result.document.warnings
    return "[yellow]" + "; ".join(problems) if problems else "[green]ok"


def extract_command(
    reports: Annotated[list[Path], typer.Argument(help="report text files or folders of them")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="output file (one report) or folder (several); default: stdout / ./extractions"
        ),
    ] = None,
    backend: Annotated[
        Backend | None, typer.Option(help="rules (offline default), llm or hybrid; default: EXTRACTOR_BACKEND")
    ] = None,
) -> None:
    """Extract tables, performance forms and narrative from reports into JSON."""
    console = Console(stderr=True)
    settings = Settings() if backend is None else Settings(backend=backend)
    paths = collect_reports(reports)
    if not paths:
        console.print("[red]no report files found[/] (folders are scanned for *.txt)")
        raise typer.Exit(2)
    single = len(paths) == 1 and not reports[0].is_dir()
    out_dir = None if single else (output or Path("extractions"))
    results: dict[Path, tuple[ExtractionResult | None, str | None]] = {}

    def extract_one(path: Path, backend: ReportBackend) -> tuple[ExtractionResult | None, str | None]:
        try:
            return extract(load_report(path, settings), settings, backend=backend), None
        except ExtractorError as exc:
            return None, str(exc)

    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=single,
        ) as progress:
            task = progress.add_task("extracting", total=len(paths))
            # With a model backend several reports are read at once, their calls in one queue.
            for path, (result, error) in for_each_report(paths, extract_one, settings):
                progress.update(task, description=f"extracted {path.name}")
                results[path] = _written(result, error, path, out_dir, output)
                progress.advance(task)
    except ConfigError as exc:  # the model backend is not set up: no report can be read
        console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(2) from None
    ordered = [(path, *results[path]) for path in paths]
    console.print(summary_table(ordered))
    failed = sum(1 for _, result, _ in ordered if result is None)
    if failed:
        console.print(f"[red]{failed} of {len(ordered)} reports could not be extracted[/]")
        raise typer.Exit(1)


def _written(
    result: ExtractionResult | None, error: str | None, path: Path, out_dir: Path | None, output: Path | None
) -> tuple[ExtractionResult | None, str | None]:
    """The report's outcome once its JSON is written (to the folder, the file or stdout)."""
    if result is None:
        return None, error
    try:
        payload = result.model_dump_json(indent=2)
        if out_dir is not None:
            write_atomic(out_dir / f"{path.stem}.json", payload)
        elif output is not None:
            write_atomic(output, payload)
        else:
            typer.echo(payload)
    except ExtractorError as exc:
        return None, str(exc)
    return result, None
