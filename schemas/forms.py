"""Project performance forms: 项目支出绩效自评表 (self-evaluation, with actuals
and scores) and 项目支出绩效目标表 (targets and weights, filed with a budget)."""

from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Span

FormKind = Literal["self_evaluation", "target"]
FundRowKind = Literal["annual_total", "current_year_appropriation", "carryover", "other"]
Comparator = Literal[">=", "<=", "=", ">", "<"]


class ParsedTarget(BaseModel):
    """A target or actual read as comparator, number and unit (``≥90%`` ->
    ``>=``, 90, ``%``). Fields stay None where the text has no such part
    (``平稳``, ``满意``)."""

    comparator: Comparator | None = None
    number: float | None = None
    unit: str | None = None


class FundRow(BaseModel):
    """One row of the 资金情况 block. 年度资金总额 = annual_total, 当年财政拨款 =
    current_year_appropriation, 上年结转资金 = carryover, 其他资金 = other.
    Target forms carry only ``full_year_budget`` (the amount applied for)."""

    kind: FundRowKind
    label: str
    initial_budget: float | None = None  # 年初预算数
    full_year_budget: float | None = None  # 全年预算数
    executed: float | None = None  # 全年执行数
    execution_rate: float | None = None  # 执行率 (%)
    score: float | None = None  # 得分
    provenance: dict[str, Span] = Field(default_factory=dict)


class Goals(BaseModel):
    """年度总体目标: 预期目标 (expected) and 实际完成情况 (actual)."""

    expected: str | None = None
    actual: str | None = None
    provenance: dict[str, Span] = Field(default_factory=dict)


class Indicator(BaseModel):
    """One performance indicator (绩效指标). level1 is the 一级指标 (产出/效益/
    满意度/成本), level2 the 二级指标 (数量指标, 社会效益指标, ...), level3 the
    三级指标 the department wrote."""

    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    target: str | None = None  # 年度指标值, as written
    actual: str | None = None  # 实际完成值, as written
    target_parsed: ParsedTarget | None = None
    actual_parsed: ParsedTarget | None = None
    weight: float | None = None  # 权重 / 分值
    score: float | None = None  # 自评得分
    deviation_reason: str | None = None  # 偏差原因分析及改进措施
    line_start: int
    line_end: int
    provenance: dict[str, Span] = Field(default_factory=dict)


class PerformanceForm(BaseModel):
    """One project's performance form."""

    kind: FormKind
    title: str
    project_name: str | None = None
    department: str | None = None  # 主管部门
    implementing_unit: str | None = None  # 实施单位
    funds: list[FundRow] = Field(default_factory=list)
    goals: Goals = Field(default_factory=Goals)
    indicators: list[Indicator] = Field(default_factory=list)
    total_score: float | None = None  # 总分
    line_start: int
    line_end: int
    provenance: dict[str, Span] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class ScoreTableRow(BaseModel):
    """A row of a self-evaluation report's score table: a label and its numbers
    keyed by the column header as printed."""

    label: str
    values: dict[str, float | None] = Field(default_factory=dict)
    texts: dict[str, str] = Field(default_factory=dict)
    line: int
    provenance: dict[str, Span] = Field(default_factory=dict)


class ScoreTable(BaseModel):
    """A score table of a department's own self-evaluation report
    (绩效自评一级指标得分情况表, the per-project 自评得分 summary, ...)."""

    title: str
    columns: list[str]
    rows: list[ScoreTableRow] = Field(default_factory=list)
    line_start: int
    line_end: int
