"""Performance forms in PDF line flow, read by the model.

A line-flow form (项目支出绩效自评表 / 绩效目标表 whose cells were printed one
visual line per text line) goes to the model whole, each line labelled
``[L<number>]``. Every value that comes back is checked against the block:
text must occur in it (line breaks inside a cell do not matter), a figure must
be printed on the line the model cites or the few after it (cells wrap). What
cannot be found is dropped and said in ``form.warnings``: an invented value is
never kept. Checked values replace the parser's reading; where the model says
nothing the parser's reading stays. Provenance points at what was found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from extractor.document import SourceText
from extractor.errors import LLMError
from extractor.forms.targets import parse_target
from extractor.llm.cache import ResponseCache, cache_path
from extractor.llm.cached import ask_cached
from extractor.llm.client import LLMClient
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import load_prompt
from extractor.narrative.grounding import find_quote
from extractor.narrative.paragraphs import Paragraph
from extractor.numbers import numbers_in
from extractor.settings import Settings
from schemas import Failure, FundRow, Indicator, NarrativeParagraph, PerformanceForm, Span, Usage
from schemas.fields import FUND_FIGURES

PROMPT_NAME = "form"
_FUND_LABELS = {
    "annual_total": "年度资金总额",
    "current_year_appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}
_WRAP = 3  # lines after the cited one where a wrapped cell may continue


class FundAnswer(BaseModel):
    """One row of 资金情况."""

    kind: Literal["annual_total", "current_year_appropriation", "carryover", "other"] = Field(
        description=(
            "annual_total 年度资金总额, current_year_appropriation 当年财政拨款, carryover 上年结转资金, other 其他资金"
        )
    )
    line: int = Field(description="这一行所在的行号（L 后的数字）")
    initial_budget: float | None = Field(default=None, description="年初预算数（万元）")
    full_year_budget: float | None = Field(default=None, description="全年预算数（万元）")
    executed: float | None = Field(default=None, description="全年执行数（万元）")
    execution_rate: float | None = Field(default=None, description="执行率，不带%")
    score: float | None = Field(default=None, description="得分")


class IndicatorAnswer(BaseModel):
    """One 三级指标 row."""

    line: int = Field(description="这一行指标名称所在的行号（L 后的数字）")
    level1: str | None = Field(default=None, description="一级指标，如 产出指标")
    level2: str | None = Field(default=None, description="二级指标，如 数量指标")
    level3: str | None = Field(default=None, description="三级指标名称，照抄")
    target: str | None = Field(default=None, description="年度指标值，照抄，如 ≥90%")
    actual: str | None = Field(default=None, description="实际完成值，照抄")
    weight: float | None = Field(default=None, description="分值/权重")
    score: float | None = Field(default=None, description="得分")
    deviation_reason: str | None = Field(default=None, description="偏差原因分析及改进措施，照抄")


class FormAnswer(BaseModel):
    """One performance form."""

    project_name: str | None = Field(default=None, description="项目名称，照抄")
    department: str | None = Field(default=None, description="主管部门，照抄")
    implementing_unit: str | None = Field(default=None, description="实施单位，照抄")
    goals_expected: str | None = Field(default=None, description="年度总体目标 预期目标，照抄")
    goals_actual: str | None = Field(default=None, description="年度总体目标 实际完成情况，照抄")
    funds: list[FundAnswer] = Field(default_factory=list, description="资金情况，每行一项")
    indicators: list[IndicatorAnswer] = Field(default_factory=list, description="每个三级指标一项")
    total_score: float | None = Field(default=None, description="总分")
    total_score_line: int | None = Field(default=None, description="总分所在的行号")


@dataclass
class FormRun:
    """The forms the model read (the others unchanged) and how."""

    forms: list[PerformanceForm] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)
    read: int = 0  # forms sent to the model


def form_block(source: SourceText, first: int, last: int) -> tuple[str, Paragraph]:
    """The prompt text of a block (``[L12] text`` per non-blank line) and the
    block as one paragraph (lines joined without separator) for locating text."""
    rendered: list[str] = []
    chars: list[str] = []
    offsets: list[int] = []
    line_of: list[int] = []
    for number in range(first, last + 1):
        line = source.line(number)
        if line.blank:
            continue
        rendered.append(f"[L{number}] {line.text.strip()}")
        lead = len(line.text) - len(line.text.lstrip())
        for index, ch in enumerate(line.text.strip(), start=lead):
            chars.append(ch)
            offsets.append(line.start + line.offsets[index])
            line_of.append(number)
    text = "".join(chars)
    span = source.lines_span(first, last)
    model = NarrativeParagraph(id=f"form{first}", text=text, span=span)
    return "\n".join(rendered), Paragraph(
        model=model, lines=sorted(set(line_of)), offsets=offsets, line_of=line_of
    )


async def aread_forms(
    source: SourceText,
    forms: Sequence[PerformanceForm],
    chosen: set[int],
    settings: Settings,
    client: LLMClient | None = None,
) -> FormRun:
    """Ask the model for the forms whose ``line_start`` is in ``chosen``
    (through ``client`` when given, else a client of this run's own)."""
    template = load_prompt(PROMPT_NAME, settings.llm.form_prompt, settings.llm.prompts_dir)
    meter = UsageMeter()
    run = FormRun(prompts={PROMPT_NAME: template.ref})
    targets = [form for form in forms if form.line_start in chosen]
    run.read = len(targets)
    if not targets:
        run.forms = list(forms)
        run.usage = meter.usage(settings.llm)
        return run
    own = client is None
    llm = client if client is not None else LLMClient(settings.llm)
    cache = ResponseCache(cache_path(settings.home)) if settings.llm.cache else None

    async def one(form: PerformanceForm) -> PerformanceForm | Failure:
        text, block = form_block(source, form.line_start, form.line_end)
        try:
            answer = await ask_cached(llm, cache, meter, template, FormAnswer, text, settings.llm.repeat)
        except LLMError as error:
            return Failure(
                stage="llm",
                chunk_id=f"form@{form.line_start}",
                reason=str(error),
                error_type=type(error).__name__,
                span=source.lines_span(form.line_start, form.line_end),
            )
        return to_form(answer, form, source, block)

    try:
        outcomes = dict(
            zip([f.line_start for f in targets], await asyncio.gather(*(one(f) for f in targets)), strict=True)
        )
    finally:
        if own:
            await llm.close()
        if cache is not None:
            cache.close()
    for form in forms:
        outcome = outcomes.get(form.line_start)
        if isinstance(outcome, Failure):
            run.failures.append(outcome)
            run.forms.append(form)  # the deterministic reading stays
        else:
            run.forms.append(outcome if outcome is not None else form)
    run.usage = meter.usage(settings.llm)
    return run


def to_form(
    answer: FormAnswer, form: PerformanceForm, source: SourceText, block: Paragraph
) -> PerformanceForm:
    """``form`` (the parser's reading) updated with the answer's values that the
    block prints: a checked value replaces the parser's, a value the block does
    not print is dropped and named in ``warnings``, and where the model said
    nothing the parser's reading stays. The model's indicator rows, when it
    gives any, replace the parser's (rows cannot be matched one by one)."""
    checker = _Checker(source, block, form.line_start, form.line_end)
    read = form.model_copy(deep=True)
    for name in ("project_name", "department", "implementing_unit"):
        value = checker.text(name, getattr(answer, name), read.provenance)
        if value is not None:
            setattr(read, name, value)
    for name, given in (("expected", answer.goals_expected), ("actual", answer.goals_actual)):
        value = checker.text(f"goals.{name}", given, read.goals.provenance)
        if value is not None:
            setattr(read.goals, name, value)
    for fund in answer.funds:
        row = next((r for r in read.funds if r.kind == fund.kind), None)
        if row is None:
            row = FundRow(kind=fund.kind, label=_FUND_LABELS[fund.kind])
            read.funds.append(row)
        for name in FUND_FIGURES:
            number = checker.number(
                f"funds.{fund.kind}.{name}", getattr(fund, name), fund.line, row.provenance
            )
            if number is not None:
                setattr(row, name, number)
    if answer.indicators:
        read.indicators = [
            _indicator(item, index, form, checker) for index, item in enumerate(answer.indicators)
        ]
    if answer.total_score is not None:
        line = answer.total_score_line or form.line_end
        score = checker.number("total_score", answer.total_score, line, read.provenance)
        if score is not None:
            read.total_score = score
    read.warnings = [*form.warnings, "read by the language model", *checker.problems]
    return read


def _indicator(item: IndicatorAnswer, index: int, form: PerformanceForm, checker: _Checker) -> Indicator:
    where = f"indicators[{index}]"
    line = item.line if form.line_start <= item.line <= form.line_end else form.line_start
    indicator = Indicator(line_start=line, line_end=min(line + _WRAP, form.line_end))
    for name in ("level1", "level2", "level3", "target", "actual", "deviation_reason"):
        setattr(indicator, name, checker.text(f"{where}.{name}", getattr(item, name), indicator.provenance))
    for name in ("weight", "score"):
        setattr(
            indicator,
            name,
            checker.number(f"{where}.{name}", getattr(item, name), line, indicator.provenance),
        )
    indicator.target_parsed = parse_target(indicator.target) if indicator.target else None
    indicator.actual_parsed = parse_target(indicator.actual) if indicator.actual else None
    return indicator


class _Checker:
    """Keeps a value only where the block prints it; records the span found."""

    def __init__(self, source: SourceText, block: Paragraph, first: int, last: int) -> None:
        self.source = source
        self.block = block
        self.first = first
        self.last = last
        self.problems: list[str] = []

    def text(self, name: str, value: str | None, provenance: dict[str, Span]) -> str | None:
        if value is None or not value.strip():
            return None
        place = find_quote(self.block, value)
        if place is None:
            self.problems.append(f"ungrounded {name}: {value!r} is not in the form")
            return None
        provenance[name.rsplit(".", 1)[-1]] = self.block.span(*place)
        return value

    def number(self, name: str, value: float | None, line: int, provenance: dict[str, Span]) -> float | None:
        if value is None:
            return None
        start = min(max(line, self.first), self.last)
        for number in range(start, min(start + _WRAP, self.last) + 1):
            text = self.source.line(number).text
            for printed, begin, end in numbers_in(text):
                if abs(printed - value) < 1e-9:
                    provenance[name.rsplit(".", 1)[-1]] = self.source.span(number, begin, end)
                    return value
        self.problems.append(f"ungrounded {name}: {value:g} is not printed at line {line} or just after")
        return None
