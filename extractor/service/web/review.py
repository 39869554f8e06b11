"""What the review page shows of one extraction: the findings with their
ids, decisions and groups (severity, family, project), and the source text
with every value and finding location marked."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from extractor.service.decisions import DecisionView, finding_ids
from extractor.service.web.pdf_pages import PageBox
from extractor.service.web.source_html import Highlight, LineIndex, render_source, value_highlights, value_spans
from schemas import ExtractionResult, Span
from schemas.findings import Finding

PAGE_SCALE = 1.5  # page images at 108 dpi: a page fills the text pane of a 1280-pixel screen

SEVERITY_ORDER = ("error", "warning", "info")
FAMILY_NAMES = {
    "table": "tables",
    "cross_table": "across tables",
    "narrative": "narrative vs tables",
    "form": "performance forms",
}


@dataclass
class FindingView:
    id: str
    finding: Finding
    decision: DecisionView | None
    project: str | None
    first_line: int | None
    search_text: str


@dataclass
class FindingGroup:
    severity: str
    family: str
    project: str | None
    findings: list[FindingView] = field(default_factory=list)

    @property
    def title(self) -> str:
        family = FAMILY_NAMES.get(self.family, self.family)
        return f"{family} · {self.project}" if self.project else family


@dataclass
class PageView:
    """One PDF page: its size in points and pixels, and the boxes drawn over it."""

    number: int
    width: float
    height: float
    boxes: list[PageBox] = field(default_factory=list)  # findings' locations
    values: list[PageBox] = field(default_factory=list)  # extracted values, drawn under the boxes

    @property
    def pixel_width(self) -> int:
        return round(self.width * PAGE_SCALE)

    @property
    def pixel_height(self) -> int:
        return round(self.height * PAGE_SCALE)


@dataclass
class ReviewView:
    findings: list[FindingView]
    groups: list[FindingGroup]
    source: Markup
    line_count: int
    counts: dict[str, int]
    pages: list[PageView] = field(default_factory=list)


def _project(finding: Finding) -> str | None:
    """A form finding's project: the first part of its form location's ref (``项目 / 指标 / 字段``)."""
    for location in finding.locations:
        if location.kind == "form" and " / " in location.ref:
            return location.ref.split(" / ", 1)[0]
    return None


def _box(span: Span | None, finding_id: str | None, severity: str, label: str, dismissed: bool) -> PageBox | None:
    if span is None or span.page is None or span.bbox is None:
        return None
    x0, top, x1, bottom = span.bbox
    return PageBox(span.page, x0, top, x1, bottom, finding_id, severity, label, dismissed)


def build_review(
    result: ExtractionResult,
    decisions: dict[str, DecisionView],
    text: str,
    page_sizes: list[tuple[float, float]] | None = None,
) -> ReviewView:
    """The page's findings, groups and marked source for ``result`` extracted from ``text``;
    with ``page_sizes`` (a PDF report) also its pages with a box on every value and location."""
    views: list[FindingView] = []
    pages = [PageView(n, w, h) for n, (w, h) in enumerate(page_sizes or [], start=1)]
    lines = LineIndex(text)
    marks: list[Highlight] = value_highlights(result)
    for finding_id, finding in zip(finding_ids(result), result.findings, strict=True):
        decision = decisions.get(finding_id)
        css = f"sev-{finding.severity}" + (f" {decision.status}" if decision else "")
        for location in finding.locations:
            if location.span is not None:
                start, end = location.span.char_start, location.span.char_end
            elif location.line_start is not None:
                # A location known only by its lines is marked over the whole lines.
                start, end = lines.line_range(location.line_start, location.line_end or location.line_start)
            else:
                continue
            marks.append(Highlight(start, end, f"{finding.rule_id}: {location.ref}", finding_id, css))
            dismissed = bool(decision and decision.status == "dismissed")
            box = _box(location.span, finding_id, finding.severity, f"{finding.rule_id}: {location.ref}", dismissed)
            if box and box.page <= len(pages):
                pages[box.page - 1].boxes.append(box)
        first_line = next((loc.line_start for loc in finding.locations if loc.line_start), None)
        refs = " ".join(loc.ref for loc in finding.locations)
        views.append(
            FindingView(
                id=finding_id,
                finding=finding,
                decision=decision,
                project=_project(finding),
                first_line=first_line,
                search_text=f"{finding.rule_id} {finding.message} {refs}".lower(),
            )
        )
    groups: dict[tuple[str, str, str | None], FindingGroup] = {}
    rank = {name: index for index, name in enumerate(SEVERITY_ORDER)}
    for view in sorted(
        views, key=lambda v: (rank.get(v.finding.severity, 9), v.finding.family, v.project or "", v.first_line or 0)
    ):
        group_key = (view.finding.severity, view.finding.family, view.project)
        if group_key not in groups:
            groups[group_key] = FindingGroup(*group_key)
        groups[group_key].findings.append(view)
    counts = {severity: sum(1 for v in views if v.finding.severity == severity) for severity in SEVERITY_ORDER}
    counts["dismissed"] = sum(1 for v in views if v.decision and v.decision.status == "dismissed")
    counts["accepted"] = sum(1 for v in views if v.decision and v.decision.status == "accepted")
    if pages:
        _add_value_boxes(result, pages)
    return ReviewView(views, list(groups.values()), render_source(text, marks), len(lines.starts), counts, pages)


def _add_value_boxes(result: ExtractionResult, pages: list[PageView]) -> None:
    for span, label in value_spans(result):
        box = _box(span, None, "value", label, False)
        if box and box.page <= len(pages):
            pages[box.page - 1].values.append(box)
