"""``extractor extract``: reports in, one JSON document per report out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from extractor.cli.output import write_atomic
from extractor.document import load_report
from extractor.errors import ExtractorError
from extractor.pipeline import extract
from extractor.settings import Backend, Settings
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
    reports: Annotated[list[Path], typer.Argument(help="report files (.pdf, .txt) or folders of them")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="output file (one report) or folder (several); default: stdout / ./extractions"
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
) -> None:
    """Extract tables, performance forms and narrative from reports into JSON."""
    console = Console(stderr=True)
    settings = Settings() if backend is None else Settings(backend=backend)
    paths = collect_reports(reports)
    if not paths:
        console.print("[red]no report files found[/] (folders are scanned for *.txt and *.pdf)")
        raise typer.Exit(2)
    single = len(paths) == 1 and not reports[0].is_dir()
    out_dir = None if single else (output or Path("extractions"))
    results: list[tuple[Path, ExtractionResult | None, str | None]] = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=single,
    ) as progress:
        task = progress.add_task("extracting", total=len(paths))
        for path in paths:
            progress.update(task, description=f"extracting {path.name}")
            try:
                source = load_report(path, settings)
                result = extract(source, settings)
                payload = result.model_dump_json(indent=2)
                if text_out is not None:
                    write_atomic(text_out if single else text_out / f"{path.stem}.txt", source.text)
                if out_dir is not None:
                    write_atomic(out_dir / f"{path.stem}.json", payload)
                elif output is not None:
                    write_atomic(output, payload)
                else:
                    typer.echo(payload)
                results.append((path, result, None))
            except ExtractorError as exc:
                results.append((path, None, str(exc)))
            progress.advance(task)
    console.print(summary_table(results))
    failed = sum(1 for _, result, _ in results if result is None)
    if failed:
        console.print(f"[red]{failed} of {len(results)} reports could not be extracted[/]")
        raise typer.Exit(1)
