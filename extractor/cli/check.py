"""``extractor check``: reconcile a report and print the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table as RichTable

from schemas import Finding

from extractor.document import load_report
from extractor.errors import ExtractorError
from extractor.pipeline import extract
from extractor.settings import Settings

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def findings_table(report: str, findings: list[Finding]) -> RichTable:
    """Findings grouped by severity, then family, then rule."""
    table = RichTable(title=f"findings: {report}", show_lines=False)
    for column in ("severity", "family", "rule", "class", "where", "stated", "expected", "diff", "message"):
        table.add_column(column, overflow="fold")
    ordered = sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.family, f.rule_id))
    for finding in ordered:
        where = "; ".join(
            f"{loc.ref} (L{loc.line_start})" if loc.line_start else loc.ref for loc in finding.locations
        )
        style = _SEVERITY_STYLE[finding.severity]
        table.add_row(
            f"[{style}]{finding.severity}",
            finding.family,
            finding.rule_id,
            finding.classification,
            where,
            _fmt(finding.stated),
            _fmt(finding.expected),
            _fmt(finding.difference),
            finding.message,
        )
    return table


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def check_command(
    reports: Annotated[list[Path], typer.Argument(help="report text files")],
    fail_on: Annotated[
        Literal["error", "warning", "never"] | None,
        typer.Option("--fail-on", help="exit 1 when a finding of this severity or worse is found"),
    ] = "error",
) -> None:
    """Reconcile reports: every figure against the figures that must agree with it."""
    console = Console()
    settings = Settings()
    worst = 3
    failed = False
    for path in reports:
        try:
            result = extract(load_report(path, settings), settings)
        except ExtractorError as exc:
            Console(stderr=True).print(f"[red]{path}: {exc}")
            failed = True
            continue
        console.print(findings_table(path.name, result.findings))
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in _SEVERITY_ORDER}
        console.print(f"{path.name}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
        worst = min([worst] + [_SEVERITY_ORDER[f.severity] for f in result.findings])
    if failed:
        raise typer.Exit(2)
    if fail_on != "never" and fail_on is not None and worst <= _SEVERITY_ORDER[fail_on]:
        raise typer.Exit(1)
