"""Narrative text (情况说明) and the quantitative statements read from it."""

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from schemas.provenance import Span

Direction = Literal["increase", "decrease", "flat"]


@dataclass(frozen=True)
class Measure:
    """Marks a statement field holding a printed figure: an ``amount`` (in the
    statement's unit) or a ``percent``. :mod:`schemas.fields` lists them from here."""

    kind: Literal["amount", "percent"]


StatementAmount = Annotated[float | None, Measure("amount")]
StatementPercent = Annotated[float | None, Measure("percent")]


class NarrativeParagraph(BaseModel):
    """One paragraph of prose with the headings it stands under."""

    id: str  # stable within a report: ``p{first line}``
    section_path: list[str] = Field(default_factory=list)
    text: str
    span: Span


class NarrativeStatement(BaseModel):
    """One quantitative statement, e.g. "支出 X 万元，比上年增加 Y 万元，增长 Z%，
    主要原因是…". Amounts are in ``unit`` as written; ``evidence`` maps each
    filled field to the exact quote it came from, ``provenance`` to its span.
    A statement whose quotes cannot all be found in the source is
    ``grounded=False`` and says why in ``grounding_note``."""

    paragraph_id: str
    metric: str = Field(description="what the figure measures, as written (e.g. 本年支出合计)")
    amount: StatementAmount = None
    unit: str | None = None
    prior_amount: StatementAmount = None
    change_amount: StatementAmount = Field(default=None, description="signed: negative for 减少")
    change_pct: StatementPercent = Field(default=None, description="signed percent: -5.2 for 下降5.2%")
    direction: Direction | None = None
    share_pct: StatementPercent = None  # 占比
    completion_pct: StatementPercent = None  # 完成年初预算的 X%
    budget_amount: StatementAmount = None
    reasons: list[str] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict)
    provenance: dict[str, Span] = Field(default_factory=dict)
    grounded: bool = True
    grounding_note: str | None = None
    source: Literal["rules", "llm"] = "rules"
    prompt_version: str | None = None
    # Rule ids of the reconciliation findings the model was asked again about
    # (once). Left out of the output when empty, so rules output is unchanged.
    reasked: list[str] = Field(default_factory=list, exclude_if=lambda value: not value)
