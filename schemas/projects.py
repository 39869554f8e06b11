"""Projects: one record per project of a report, with every place the report speaks of it.

A report names a project in up to five places: its performance form (绩效自评表 /
绩效目标表), a row of the project expenditure table (项目支出表), the per-project
summary of the 情况说明 (``…自评情况：项目自评得分 X 分，全年预算数 Y 万元…``), the
paragraphs of the department's own self-evaluation report, and a row of that
report's score table. Each place is a :class:`ProjectMention`; mentions are
linked into a :class:`Project` by name, each link saying how it was made.
"""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.forms import ParsedTarget
from schemas.provenance import Span

MentionKind = Literal["form", "table_row", "summary", "evaluation_paragraph", "score_row", "listed_item"]
LinkMethod = Literal["anchor", "exact", "normalised", "unit_prefix", "contained", "one_character", "similar", "order"]
SummaryKind = Literal["summary", "evaluation_paragraph", "listed_item"]


class SummaryIndicator(BaseModel):
    """One indicator as the prose states it: its name, target and actual as
    written, and the weight (设置分值) and score (实际得分) when printed."""

    name: str
    target: str | None = None
    actual: str | None = None
    target_parsed: ParsedTarget | None = None
    actual_parsed: ParsedTarget | None = None
    weight: float | None = None
    score: float | None = None
    provenance: dict[str, Span] = Field(default_factory=dict)


class ProjectSummary(BaseModel):
    """What a piece of prose says about one project, in typed fields. ``rate`` is
    the 执行率 / 完成预算的 X% in percent; ``deduction`` the points the prose says
    were taken off outright (``未设置成本指标扣 5 分``). ``evidence`` maps each
    filled field to its quote, ``provenance`` to its span."""

    kind: SummaryKind = "summary"
    name: str  # the project as the prose names it
    paragraph_id: str
    text: str  # the summary's own text (a paragraph may hold several)
    score: float | None = None  # 自评得分 / 综合指标得分
    grade: str | None = None  # 优 / 良 / 中 / 差
    budget: float | None = None  # 全年预算数 / 预算指标 (万元)
    executed: float | None = None  # 执行数 / 实际支出 (万元)
    rate: float | None = None  # 完成预算的 / 执行率 (%)
    indicators: list[SummaryIndicator] = Field(default_factory=list)
    deduction: float | None = None
    evidence: dict[str, str] = Field(default_factory=dict)
    provenance: dict[str, Span] = Field(default_factory=dict)
    source: Literal["rules", "llm"] = "rules"
    prompt_version: str | None = None


class ProjectMention(BaseModel):
    """One place the report names a project. ``ref`` says where (the form's
    title, the table and row, the paragraph); ``index`` is the position of the
    form, table, score table or summary in the result's list."""

    id: str  # stable within a report, e.g. ``form:444``, ``summary:1403``
    kind: MentionKind
    name: str  # as printed
    key: str  # the name normalised for linking
    unit: str | None = None  # 实施单位 / 项目单位 when printed beside the name
    ref: str
    index: int
    row: int | None = None  # row line of a table or score-table mention
    line_start: int
    line_end: int
    span: Span | None = None


class ProjectLink(BaseModel):
    """How a mention was linked to its project, and how sure the link is (0–1)."""

    mention_id: str
    method: LinkMethod
    confidence: float = Field(ge=0.0, le=1.0)


class Project(BaseModel):
    """One project and every mention of it."""

    id: str  # ``P1``, ``P2``… in the order projects are first met
    name: str  # the name of its first mention (a form's 项目名称 when there is one)
    mentions: list[ProjectMention] = Field(default_factory=list)
    links: list[ProjectLink] = Field(default_factory=list)


class ProjectClaim(BaseModel):
    """A total the report states about its projects (``对 50 个项目开展绩效自评，
    涉及资金 5823.95 万元``), and the amounts it lists item by item after it."""

    paragraph_id: str
    count: int | None = None
    amount: float | None = None  # 万元
    listed: list[float] = Field(default_factory=list)  # the items' amounts, in order
    quote: str
    span: Span | None = None


class ProjectIndex(BaseModel):
    """The projects of a report, the mentions that link to none (never dropped),
    the per-project prose read into fields, and the totals the report claims."""

    projects: list[Project] = Field(default_factory=list)
    unlinked: list[ProjectMention] = Field(default_factory=list)
    summaries: list[ProjectSummary] = Field(default_factory=list)
    claims: list[ProjectClaim] = Field(default_factory=list)
