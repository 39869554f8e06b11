"""``extractor check --group-by project``: findings grouped by the project they concern.

A project rule names its project (``Finding.project``); any other finding belongs to
the project whose form, table row, score row or prose covers one of its locations.
Findings about no project are listed last.
"""

from __future__ import annotations

from extractor.cli.layout import Field, Records
from schemas import ExtractionResult, Finding, Project

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def project_of(finding: Finding, result: ExtractionResult) -> Project | None:
    """The project ``finding`` concerns, if any."""
    projects = result.projects.projects
    if finding.project is not None:
        return next((p for p in projects if p.id == finding.project), None)
    lines = {loc.line_start for loc in finding.locations if loc.line_start}
    forms = result.performance_forms
    for project in projects:
        for mention in project.mentions:
            if mention.kind == "form" and mention.index < len(forms):
                form = forms[mention.index]
                if any(form.line_start <= line <= form.line_end for line in lines):
                    return project
            elif any(mention.line_start <= line <= mention.line_end for line in lines):
                return project
    return None


_PROJECT_FIELDS = [Field("line"), Field("severity"), Field("rule"), Field("message", long=True)]


def project_records(report: str, findings: list[Finding], result: ExtractionResult) -> list[Records]:
    """One listing per project with findings (worst first within it), then the rest."""
    groups: dict[str, list[Finding]] = {}
    names: dict[str, str] = {}
    for finding in sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule_id)):
        project = project_of(finding, result)
        key = project.id if project is not None else ""
        names[key] = f"{project.id} {project.name}" if project is not None else "no project"
        groups.setdefault(key, []).append(finding)
    listings: list[Records] = []
    for key in sorted(groups, key=lambda k: (k == "", _number(k))):
        members = groups[key]
        records = Records(f"{report}: {names[key]} ({len(members)})", _PROJECT_FIELDS)
        for finding in members:
            lines = sorted({loc.line_start for loc in finding.locations if loc.line_start})
            records.add([",".join(str(n) for n in lines[:4]), finding.severity, finding.rule_id, finding.message])
        listings.append(records)
    return listings


def _number(project_id: str) -> int:
    digits = project_id.lstrip("P")
    return int(digits) if digits.isdigit() else 0
