"""``extractor check``: reconcile a report and print the findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from extractor.cli.check_projects import project_records
from extractor.cli.extract import collect_reports
from extractor.cli.layout import Field, Records, plural, print_records
from extractor.document import load_report
from extractor.errors import ExtractorError
from extractor.memory import cap_memory, memory_exceeded
from extractor.pipeline import extract, require_report
from extractor.reconcile import registry
from extractor.settings import Settings
from schemas import Finding

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


# Below this width findings print one block per finding (the message column would vanish).
_FINDINGS_TABLE_WIDTH = 130
_FINDING_FIELDS = [
    Field("rule"), Field("line"), Field("page"), Field("class"), Field("stated", right=True),
    Field("expected", right=True), Field("diff", right=True), Field("message", long=True),
]


def findings_records(report: str, findings: list[Finding]) -> list[Records]:
    """One listing per (severity, family) group, worst first."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.family, f.rule_id)):
        groups.setdefault((finding.severity, finding.family), []).append(finding)
    listings: list[Records] = []
    for (severity, family), members in groups.items():
        records = Records(f"{report}: {severity} · {family} ({len(members)})", _FINDING_FIELDS)
        for finding in members:
            records.add(
                [
                    finding.rule_id.split(".", 1)[-1],
                    _lines(finding),
                    pages(finding),
                    finding.classification,
                    _fmt(finding.stated),
                    _fmt(finding.expected),
                    _fmt(finding.difference),
                    finding.message,
                ],
                _SEVERITY_STYLE[severity] if severity != "info" else None,
            )
        listings.append(records)
    return listings


def _lines(finding: Finding) -> str:
    lines = sorted({loc.line_start for loc in finding.locations if loc.line_start})
    return ",".join(str(n) for n in lines[:3]) + ("…" if len(lines) > 3 else "")


def pages(finding: Finding) -> str:
    """The PDF pages a finding's figures stand on (empty for a text report)."""
    found = sorted({loc.span.page for loc in finding.locations if loc.span is not None and loc.span.page})
    return ",".join(str(n) for n in found)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


_RULE_FIELDS = [Field("rule"), Field("severity"), Field("reads", long=True), Field("tolerance", long=True),
                Field("checks", long=True)]


def rules_records() -> Records:
    """Every registered rule: id, severity, what it reads, its tolerance, what it checks."""
    records = Records("reconciliation rules", _RULE_FIELDS)
    for rule in registry():
        records.add([rule.id, rule.severity, rule.reads, rule.tolerance, (rule.doc or "").strip()])
    return records


def check_command(
    reports: Annotated[
        list[Path] | None, typer.Argument(metavar="REPORT", hidden=True)
    ] = None,
    fail_on: Annotated[
        Literal["error", "warning", "never"] | None,
        typer.Option("--fail-on", help="exit 1 when a finding of this severity or worse is found"),
    ] = "error",
    show_info: Annotated[
        bool, typer.Option("--info", help="also list info findings (rounding, missing tables)")
    ] = False,
    list_rules: Annotated[bool, typer.Option("--rules", help="list the rules and exit")] = False,
    group_by: Annotated[
        Literal["severity", "project"],
        typer.Option("--group-by", help="group findings by severity and family, or by the project they concern"),
    ] = "severity",
    as_json: Annotated[bool, typer.Option("--json", help="print the findings (or rules) as JSON")] = False,
) -> None:
    """Reconcile reports: every figure against the figures that must agree with it.

    REPORT: report files (.pdf, .txt), or folders of them. Exit 1 when a finding at or
    above --fail-on is found, 2 when a report could not be read or is not a report."""
    console = Console()
    if list_rules:
        if as_json:
            rules = rules_records()
            typer.echo(json.dumps([dict(zip([f.name for f in rules.fields], row, strict=True)) for row in rules.rows],
                                  ensure_ascii=False, indent=2))
        else:
            print_records(console, rules_records(), _FINDINGS_TABLE_WIDTH)
        return
    paths = collect_reports(reports or [])
    if not paths:
        Console(stderr=True).print("[red]give at least one report or folder[/] (or --rules to list the rules)")
        raise typer.Exit(2)
    settings = Settings()
    cap_memory(settings)
    worst = 3
    failed = False
    summary: list[dict[str, object]] = []
    for path in paths:
        try:
            result = extract(load_report(path, settings), settings)
            require_report(result)
        except MemoryError:
            Console(stderr=True).print(f"[red]{path.name}: {memory_exceeded(settings)}", highlight=False)
            failed = True
            continue
        except ExtractorError as exc:
            # The reading errors name the file themselves.
            Console(stderr=True).print(f"[red]{exc}", highlight=False)
            summary.append({"report": str(path), "status": getattr(exc, "status", "failed"), "error": str(exc)})
            failed = True
            continue
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in _SEVERITY_ORDER}
        worst = min([worst] + [_SEVERITY_ORDER[f.severity] for f in result.findings])
        if as_json:
            summary.append({"report": str(path), "status": "ok", "counts": counts,
                            "findings": [f.model_dump(mode="json") for f in result.findings
                                         if show_info or f.severity != "info"]})
            continue
        shown = [f for f in result.findings if show_info or f.severity != "info"]
        listings = project_records(path.name, shown, result) if group_by == "project" else None
        for records in listings or findings_records(path.name, shown):
            print_records(console, records, _FINDINGS_TABLE_WIDTH)
        console.print(
            f"{path.name}: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
            f"{counts['info']} info",
            highlight=False,
        )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    if failed:
        raise typer.Exit(2)
    if fail_on != "never" and fail_on is not None and worst <= _SEVERITY_ORDER[fail_on]:
        raise typer.Exit(1)
