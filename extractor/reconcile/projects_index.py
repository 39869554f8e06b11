"""What project rules read: each project's mentions resolved to the objects they name.

:func:`views` turns the result's :class:`~schemas.ProjectIndex` into one
:class:`ProjectView` per project (its form, table row, score-table row, summaries and
self-evaluation paragraphs), built once per reconciliation run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.reconcile.engine import Context
from extractor.reconcile.figures import Figure
from extractor.reconcile.tolerance import decimals_of
from schemas import (
    FundRow,
    Indicator,
    Location,
    PerformanceForm,
    Project,
    ProjectClaim,
    ProjectSummary,
    ScoreTable,
    ScoreTableRow,
    Span,
    Table,
    TableRow,
)

GRADES = ("优", "良", "中", "差")
# A link this sure stands by itself; a weaker one (similar names, order) must be borne out by an
# amount the two mentions share before their disagreements are reported.
SURE_LINK = 0.8
# 财政部's grading of performance evaluations (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差), used when the
# report prints no thresholds of its own.
DEFAULT_THRESHOLDS: tuple[tuple[float, str], ...] = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差"))
_THRESHOLD = re.compile(r"(?P<low>\d+(?:\.\d+)?)\s*[（(]?\s*含\s*[)）]?\s*(?:分)?\s*[—\-–~～至到]+\s*\d+(?:\.\d+)?\s*"
                        r"分?\s*(?:为|的为|评为)\s*[“\"]?(?P<grade>[优良中差])")


@dataclass
class ProjectView:
    """One project's mentions, resolved."""

    project: Project
    form: PerformanceForm | None = None
    table_row: tuple[Table, TableRow] | None = None
    score_row: tuple[ScoreTable, ScoreTableRow] | None = None
    summaries: list[ProjectSummary] = field(default_factory=list)
    evaluations: list[ProjectSummary] = field(default_factory=list)
    confidence: dict[int, float] = field(default_factory=dict)  # id(summary) -> its link's confidence

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def annual(self) -> FundRow | None:
        if self.form is None:
            return None
        return next((r for r in self.form.funds if r.kind == "annual_total"), None)


def views(ctx: Context, with_unlinked: bool = False) -> list[ProjectView]:
    """Every project, resolved; with ``with_unlinked``, each unlinked prose mention as a project of its own."""
    built = ctx.memo("project.views", _build)
    if not with_unlinked:
        return built
    return built + ctx.memo("project.unlinked_views", _build_unlinked)


def _build(ctx: Context) -> list[ProjectView]:
    return [_resolve(ctx, project) for project in ctx.result.projects.projects]


def _build_unlinked(ctx: Context) -> list[ProjectView]:
    found = []
    for mention in ctx.result.projects.unlinked:
        found.append(_resolve(ctx, Project(id=f"unlinked:{mention.id}", name=mention.name, mentions=[mention])))
    return found


def _resolve(ctx: Context, project: Project) -> ProjectView:
    result = ctx.result
    view = ProjectView(project)
    for mention in project.mentions:
        if mention.kind == "form" and mention.index < len(result.performance_forms):
            view.form = result.performance_forms[mention.index]
        elif mention.kind == "table_row" and mention.index < len(result.tables):
            table = result.tables[mention.index]
            row = next((r for r in table.rows if r.line == mention.row), None)
            view.table_row = (table, row) if row is not None else None
        elif mention.kind == "score_row" and mention.index < len(result.score_tables):
            score_table = result.score_tables[mention.index]
            score_row = next((r for r in score_table.rows if r.line == mention.row), None)
            view.score_row = (score_table, score_row) if score_row is not None else None
        elif mention.kind in ("summary", "evaluation_paragraph") and mention.index < len(result.projects.summaries):
            summary = result.projects.summaries[mention.index]
            (view.summaries if mention.kind == "summary" else view.evaluations).append(summary)
            link = next((x for x in project.links if x.mention_id == mention.id), None)
            view.confidence[id(summary)] = link.confidence if link is not None else 1.0
    return view


def corroborated(view: ProjectView, summary: ProjectSummary) -> bool:
    """True when ``summary`` surely belongs to the project: a sure link, or a weak one whose
    budget or executed amount equals the form's or the score-table row's."""
    if view.confidence.get(id(summary), 1.0) >= SURE_LINK:
        return True
    known: list[float] = []
    annual = view.annual
    if annual is not None:
        known += [v for v in (annual.full_year_budget, annual.executed) if v is not None]
    if view.score_row is not None:
        known += [v for v in view.score_row[1].values.values() if v is not None]
    return any(abs(value - k) < 1e-6 for value in (summary.budget, summary.executed) if value is not None
               for k in known)


def summary_figure(summary: ProjectSummary, field_name: str, value: float | None = None,
                   span: Span | None = None) -> Figure:
    """A figure of a per-project summary (``field_name`` one of its fields, or a label with ``value``)."""
    if value is None and hasattr(summary, field_name):
        read = getattr(summary, field_name)
        value = read if isinstance(read, float | int) else None
    where = span or summary.provenance.get(field_name) or summary.provenance.get("text")
    quote = summary.evidence.get(field_name)
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", quote or "")
    text = numbers[-1] if numbers else (None if value is None else f"{value:.{decimals_of(value)}f}")
    location = Location(kind="narrative", ref=f"{summary.paragraph_id} / {summary.name} / {field_name}",
                        line_start=where.line_start if where else None, line_end=where.line_end if where else None,
                        span=where)
    return Figure(value, location, text=text)


def satisfaction_indicators(form: PerformanceForm) -> list[Indicator]:
    """The form's satisfaction indicators (满意度指标)."""
    return [i for i in form.indicators if any("满意" in (t or "") for t in (i.level1, i.level2, i.level3))]


def report_thresholds(ctx: Context) -> tuple[tuple[float, str], ...]:
    """The grade thresholds the report prints (``90（含)—100分为优``), else :data:`DEFAULT_THRESHOLDS`."""
    return ctx.memo("project.thresholds", _thresholds)


def _thresholds(ctx: Context) -> tuple[tuple[float, str], ...]:
    found: dict[str, float] = {}
    for paragraph in ctx.result.narratives:
        for match in _THRESHOLD.finditer(paragraph.text):
            found.setdefault(match.group("grade"), float(match.group("low")))
    if len(found) < 2:
        return DEFAULT_THRESHOLDS
    lows = sorted(((low, grade) for grade, low in found.items()), reverse=True)
    return tuple(lows) + (((0.0, "差"),) if "差" not in found else ())


def grade_for(score: float, thresholds: tuple[tuple[float, str], ...]) -> str | None:
    """The grade ``score`` earns."""
    for low, grade in thresholds:
        if score >= low:
            return grade
    return None


def claim_location(claim: ProjectClaim) -> Location:
    """Where a claim stands (its paragraph)."""
    span = claim.span
    return Location(kind="narrative", ref=f"{claim.paragraph_id} / {claim.quote[:40]}",
                    line_start=span.line_start if span else None, line_end=span.line_end if span else None, span=span)
