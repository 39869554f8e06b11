"""Where a report names a project: forms, project-table rows, score-table rows, prose.

Each place becomes a :class:`~schemas.ProjectMention` with its name as printed, its
linking key (:func:`~extractor.projects.names.name_key`) and its location.
"""

from __future__ import annotations

import re

from extractor.projects.names import name_key, plain
from schemas import ExtractionResult, ProjectMention, ProjectSummary, ScoreTable, Table

_TOTAL_ROW = re.compile(r"^(?:合计|总计|小计|其中.*|\d*)$")
# A project table: 项目支出表 and the like (预算表9); its rows name projects.
_PROJECT_TABLE = re.compile(r"项目支出(?:预算|决算)?表|项目(?:预算)?明细表")


def form_mentions(result: ExtractionResult) -> list[ProjectMention]:
    """One mention per performance form (项目名称, with its 实施单位)."""
    found: list[ProjectMention] = []
    for index, form in enumerate(result.performance_forms):
        name = form.project_name or form.title
        span = form.provenance.get("project_name")
        found.append(ProjectMention(
            id=f"form:{form.line_start}", kind="form", name=name, key=name_key(name),
            unit=form.implementing_unit, ref=f"{form.title} / {name}", index=index,
            line_start=span.line_start if span else form.line_start, line_end=span.line_end if span else form.line_end,
            span=span))
    return found


def table_row_mentions(tables: list[Table]) -> list[ProjectMention]:
    """Rows of project expenditure tables that name a project (not totals, not 科目 rows)."""
    found: list[ProjectMention] = []
    for index, table in enumerate(tables):
        if table.status != "present" or not _PROJECT_TABLE.search(plain(table.title or "")):
            continue
        for row in table.rows:
            name = plain(row.name or "")
            if row.code or _TOTAL_ROW.match(name) or len(name) < 2:
                continue
            found.append(ProjectMention(
                id=f"table_row:{row.line}", kind="table_row", name=row.name or "", key=name_key(name),
                ref=f"{table.id} / {row.name}", index=index, row=row.line, line_start=row.line, line_end=row.line,
                span=row.name_span))
    return found


def is_project_score_table(table: ScoreTable) -> bool:
    """A score table listing projects (first column 预算项目 / 项目名称), not indicators."""
    first = plain(table.columns[0]) if table.columns else ""
    return "项目" in first and "指标" not in first


def score_row_mentions(score_tables: list[ScoreTable]) -> list[ProjectMention]:
    """Rows of the self-evaluation report's per-project score tables."""
    found: list[ProjectMention] = []
    for index, table in enumerate(score_tables):
        if not is_project_score_table(table):
            continue
        for row in table.rows:
            name = plain(row.label)
            if _TOTAL_ROW.match(name) or len(name) < 2:
                continue
            found.append(ProjectMention(
                id=f"score_row:{row.line}", kind="score_row", name=row.label, key=name_key(row.label),
                ref=f"{table.title} / {row.label}", index=index, row=row.line, line_start=row.line,
                line_end=row.line))
    return found


def summary_mentions(summaries: list[ProjectSummary]) -> list[ProjectMention]:
    """One mention per per-project summary or self-evaluation paragraph."""
    found: list[ProjectMention] = []
    for index, summary in enumerate(summaries):
        span = summary.provenance.get("text")
        line = span.line_start if span else 0
        found.append(ProjectMention(
            id=f"{summary.kind}:{line}", kind=summary.kind, name=summary.name, key=name_key(summary.name),
            ref=f"{summary.paragraph_id} / {summary.name}", index=index, line_start=max(line, 1),
            line_end=span.line_end if span else max(line, 1), span=span))
    return found
