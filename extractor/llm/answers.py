"""What the model is asked to return, and its conversion to the schemas.

Field names are ASCII (some endpoints mangle non-ASCII keys in JSON schemas);
the Chinese lives in the descriptions, which every mode sends to the model.
Validators reject answers that cannot be right whatever the source says (a
filled figure without a quote, a 减少 with a positive change, a paragraph id
that was not in the chunk); instructor sends the error back to the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, TypeGuard, get_args

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from schemas import NarrativeStatement
from schemas.fields import NUMERIC_FIELDS, STATEMENT_READING_FIELDS

# Spelled out for the model's JSON schema and for the type checker; a test holds
# them to the schema's fields (schemas.fields).
QuotedField = Literal[
    "metric",
    "amount",
    "prior_amount",
    "change_amount",
    "change_pct",
    "direction",
    "share_pct",
    "completion_pct",
    "budget_amount",
    "reasons",
]
# The paragraph ids a chunk holds. Passed by context variable, not instructor's
# ``context=``: instructor also renders the messages as Jinja templates with
# that context, which would rewrite report text containing "{{" or "{%".
_EXPECTED: ContextVar[frozenset[str] | None] = ContextVar("expected_paragraphs", default=None)
# The fields a follow-up question asks for (same reason as above).
_ASKED: ContextVar[frozenset[str] | None] = ContextVar("asked_fields", default=None)
NumericField = Literal[
    "amount", "prior_amount", "change_amount", "change_pct", "share_pct", "completion_pct", "budget_amount"
]


class Quote(BaseModel):
    """One piece of evidence."""

    field: QuotedField = Field(description="这段引文支持的字段名，如 amount、change_pct")
    quote: str = Field(min_length=1, description="原文中连续的一段文字，逐字照抄，包含该数字，不改写、不换算")


class StatementAnswer(BaseModel):
    """One quantitative statement as the model reads it."""

    paragraph: str = Field(description="表述所在段落的编号，照抄方括号中的编号，如 p12")
    metric: str = Field(min_length=1, description="指标名称，照抄原文，如 本年支出合计、财政拨款收入")
    amount: float | None = Field(default=None, description="本年数，只写数字")
    unit: str | None = Field(default=None, description="金额单位，照原文：万元、元、亿元")
    prior_amount: float | None = Field(default=None, description="上年数")
    change_amount: float | None = Field(default=None, description="比上年增减额，带符号：减少写负数")
    change_pct: float | None = Field(default=None, description="增减百分比，不带%，带符号：下降5.2%写-5.2")
    direction: Literal["increase", "decrease", "flat"] | None = Field(
        default=None, description="increase 增加/增长，decrease 减少/下降，flat 持平"
    )
    share_pct: float | None = Field(default=None, description="占比，不带%")
    completion_pct: float | None = Field(default=None, description="完成预算的百分比，不带%")
    budget_amount: float | None = Field(default=None, description="预算数（年初预算或全年预算）")
    reasons: list[str] = Field(default_factory=list, description="原因，照抄“主要原因是/主要是”之后的原文")
    quotes: list[Quote] = Field(default_factory=list, description="每个填写了的数值字段一条引文")

    @field_validator("paragraph")
    @classmethod
    def _known_paragraph(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("paragraph_ids") or _EXPECTED.get()
        value = value.strip().strip("[]")
        if known and value not in known:
            raise ValueError(f"paragraph {value!r} is not one of the given paragraphs {sorted(known)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> StatementAnswer:
        quoted = {quote.field for quote in self.quotes}
        missing = [name for name in NUMERIC_FIELDS if getattr(self, name) is not None and name not in quoted]
        if missing:
            raise ValueError(
                f"statement {self.metric!r}: fields {missing} are filled but have no entry in quotes; "
                "add a quote (copied verbatim from the paragraph) for each, or leave the field null"
            )
        signs = [v for v in (self.change_amount, self.change_pct) if v is not None and v != 0]
        if self.direction == "decrease" and any(v > 0 for v in signs):
            raise ValueError(f"statement {self.metric!r}: direction is decrease but the change is positive")
        if self.direction == "increase" and any(v < 0 for v in signs):
            raise ValueError(f"statement {self.metric!r}: direction is increase but the change is negative")
        return self


class NarrativeAnswer(BaseModel):
    """Every quantitative statement of the paragraphs given."""

    statements: list[StatementAnswer] = Field(
        default_factory=list, description="段落中的全部定量表述；没有则为空列表"
    )


class FieldFix(BaseModel):
    """One field of a statement, answered again."""

    field: NumericField = Field(description="字段名，只能是提问中列出的字段")
    value: float | None = Field(default=None, description="该字段的数值，不带%，带符号；原文没有则为 null")
    quote: str | None = Field(default=None, description="原文中连续的一段文字，逐字照抄，包含该数字")

    @field_validator("field")
    @classmethod
    def _asked(cls, value: str) -> str:
        asked = _ASKED.get()
        if asked is not None and value not in asked:
            raise ValueError(f"field {value!r} was not asked about; answer only {sorted(asked)}")
        return value

    @model_validator(mode="after")
    def _quoted(self) -> FieldFix:
        if self.value is not None and not (self.quote or "").strip():
            raise ValueError(f"field {self.field!r} has a value but no quote; copy the words that print it")
        return self


class FollowupAnswer(BaseModel):
    """The failing fields of one statement, read again. An empty list keeps the
    first answer (the report itself may print inconsistent figures)."""

    fields: list[FieldFix] = Field(
        default_factory=list, description="提问中列出的字段，每个一项；核对后原答案无误则照原答案填写"
    )


@contextmanager
def asked_fields(names: set[str] | frozenset[str]) -> Iterator[None]:
    """Follow-up answers validated inside this block may only name ``names``."""
    token = _ASKED.set(frozenset(names))
    try:
        yield
    finally:
        _ASKED.reset(token)


@contextmanager
def expected_paragraphs(ids: set[str] | frozenset[str]) -> Iterator[None]:
    """Answers validated inside this block must name one of ``ids``."""
    token = _EXPECTED.set(frozenset(ids))
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def to_statement(answer: StatementAnswer, prompt_ref: str) -> NarrativeStatement:
    """The schema statement, not yet grounded: evidence keeps the first quote per field."""
    evidence: dict[str, str] = {}
    for quote in answer.quotes:
        evidence.setdefault(quote.field, quote.quote)
    said = {name: getattr(answer, name) for name in STATEMENT_READING_FIELDS}
    return NarrativeStatement(
        paragraph_id=answer.paragraph, **said, evidence=evidence, source="llm", prompt_version=prompt_ref
    )


def from_statement(statement: NarrativeStatement) -> StatementAnswer:
    """The answer a perfect model would give for ``statement`` (benchmarks, eval baselines)."""
    quotes: list[Quote] = []
    for key, text in statement.evidence.items():
        name = key.split("[", 1)[0]  # reasons[1] -> reasons
        if _is_quotable(name) and all(q.field != name for q in quotes):
            quotes.append(Quote(field=name, quote=text))
    values = {name: getattr(statement, name) for name in NUMERIC_FIELDS}
    quoted = {quote.field for quote in quotes}
    values = {name: value for name, value in values.items() if name in quoted}
    return StatementAnswer(
        paragraph=statement.paragraph_id,
        metric=statement.metric,
        unit=statement.unit,
        direction=statement.direction,
        reasons=list(statement.reasons),
        quotes=quotes,
        **values,
    )


_QUOTABLE = frozenset(get_args(QuotedField))


def _is_quotable(name: str) -> TypeGuard[QuotedField]:
    return name in _QUOTABLE
