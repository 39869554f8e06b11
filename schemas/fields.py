"""Field lists derived from the models, in one place: grounding, the model's
answers, exports, scoring and benchmarks read them here instead of spelling
the names out again, so a field added to a schema reaches all of them."""

from pydantic import BaseModel

from schemas.forms import FundRow
from schemas.narrative import Measure, NarrativeStatement

# Fields that say where and how a statement was read, not what it says.
_STATEMENT_RECORD_KEEPING = frozenset(
    {"paragraph_id", "evidence", "provenance", "grounded", "grounding_note", "source", "prompt_version", "reasked"}
)


def _measured(model: type[BaseModel], kind: str) -> tuple[str, ...]:
    return tuple(
        name
        for name, info in model.model_fields.items()
        if any(isinstance(m, Measure) and m.kind == kind for m in info.metadata)
    )


# A statement's amounts (in its unit) and percentages, in the schema's order.
AMOUNT_FIELDS = _measured(NarrativeStatement, "amount")
PERCENT_FIELDS = _measured(NarrativeStatement, "percent")
NUMERIC_FIELDS = AMOUNT_FIELDS + PERCENT_FIELDS
# What a statement says (metric, figures, unit, direction, reasons), in the schema's order.
STATEMENT_READING_FIELDS = tuple(
    name for name in NarrativeStatement.model_fields if name not in _STATEMENT_RECORD_KEEPING
)
# The figures of a form's 资金情况 row (年初预算数, 全年预算数, 全年执行数, 执行率, 得分).
FUND_FIGURES = tuple(name for name, info in FundRow.model_fields.items() if info.annotation == float | None)
