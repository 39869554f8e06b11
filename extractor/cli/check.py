"""``extractor check``: reconcile a report and print the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table as RichTable

from extractor.document import load_report
from extractor.errors import ExtractorError
from extractor.pipeline import extract
from extractor.reconcile import registry
from extractor.settings import Settings
from schemas import Finding

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def findings_tables(report: str, findings: list[Finding]) -> list[RichTable]:
    """One table per (severity, family) group, worst first."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.family, f.rule_id)):
        groups.setdefault((finding.severity, finding.family), []).append(finding)
    tables: list[RichTable] = []
    for (severity, family), members in groups.items():
        style = _SEVERITY_STYLE[severity]
        table = RichTable(title=f"[{style}]{report}: {severity} · {family} ({len(members)})", title_justify="left")
        # A report read from a PDF: the pages the figures stand on, beside the lines of its text.
        paged = any(loc.span is not None and loc.span.page for f in members for loc in f.locations)
        for column, options in (
            ("line", {"no_wrap": True}),
            *((("page", {"no_wrap": True}),) if paged else ()),
            ("rule", {"no_wrap": True}),
            ("class", {"no_wrap": True}),
            ("stated", {"justify": "right", "no_wrap": True}),
            ("expected", {"justify": "right", "no_wrap": True}),
            ("diff", {"justify": "right", "no_wrap": True}),
            ("message", {"overflow": "fold", "ratio": 1}),
        ):
            table.add_column(column, **options)  # type: ignore[arg-type]
        for finding in members:
            lines = sorted({loc.line_start for loc in finding.locations if loc.line_start})
            pages = sorted({loc.span.page for loc in finding.locations if loc.span is not None and loc.span.page})
            table.add_row(
                ",".join(str(n) for n in lines[:3]) + ("…" if len(lines) > 3 else ""),
                *((",".join(str(n) for n in pages),) if paged else ()),
                finding.rule_id.split(".", 1)[-1],
                finding.classification,
                _fmt(finding.stated),
                _fmt(finding.expected),
                _fmt(finding.difference),
                finding.message,
            )
        tables.append(table)
    return tables


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def rules_table() -> RichTable:
    """Every registered rule: id, severity, what it reads, its tolerance, what it checks."""
    table = RichTable(title="reconciliation rules", title_justify="left")
    for column in ("rule", "severity", "reads", "tolerance", "checks"):
        table.add_column(column, overflow="fold")
    for rule in registry():
        table.add_row(rule.id, rule.severity, rule.reads, rule.tolerance, (rule.doc or "").strip())
    return table


def check_command(
    reports: Annotated[list[Path] | None, typer.Argument(help="report files (.pdf, .txt)")] = None,
    fail_on: Annotated[
        Literal["error", "warning", "never"] | None,
        typer.Option("--fail-on", help="exit 1 when a finding of this severity or worse is found"),
    ] = "error",
    show_info: Annotated[
        bool, typer.Option("--info", help="also list info findings (rounding, missing tables)")
    ] = False,
    list_rules: Annotated[bool, typer.Option("--rules", help="list the rules and exit")] = False,
) -> None:
    """Reconcile reports: every figure against the figures that must agree with it."""
    console = Console()
    if list_rules:
        console.print(rules_table())
        return
    if not reports:
        Console(stderr=True).print("[red]give at least one report[/] (or --rules to list the rules)")
        raise typer.Exit(2)
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
        shown = [f for f in result.findings if show_info or f.severity != "info"]
        for table in findings_tables(path.name, shown):
            console.print(table)
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in _SEVERITY_ORDER}
        console.print(f"{path.name}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
        worst = min([worst] + [_SEVERITY_ORDER[f.severity] for f in result.findings])
    if failed:
        raise typer.Exit(2)
    if fail_on != "never" and fail_on is not None and worst <= _SEVERITY_ORDER[fail_on]:
        raise typer.Exit(1)
