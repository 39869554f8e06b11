"""Field lists come from the schemas (schemas.fields); grounding, the model's
answers, exports and scoring use them, so a field added to a schema reaches all."""

from __future__ import annotations

from typing import get_args

from evals.scoring import FUND_FIELDS, STATEMENT_FIELDS
from extractor.llm.answers import NumericField, QuotedField, StatementAnswer, to_statement
from extractor.service.exports import STATEMENT_COLUMNS, statement_rows
from schemas import DocumentInfo, ExtractionResult, NarrativeStatement, RunInfo
from schemas.fields import (
    AMOUNT_FIELDS,
    FUND_FIGURES,
    NUMERIC_FIELDS,
    PERCENT_FIELDS,
    STATEMENT_READING_FIELDS,
)


def test_the_lists_follow_the_schema() -> None:
    assert AMOUNT_FIELDS == ("amount", "prior_amount", "change_amount", "budget_amount")
    assert PERCENT_FIELDS == ("change_pct", "share_pct", "completion_pct")
    assert NUMERIC_FIELDS == AMOUNT_FIELDS + PERCENT_FIELDS
    assert STATEMENT_READING_FIELDS == (
        "metric", "amount", "unit", "prior_amount", "change_amount", "change_pct", "direction",
        "share_pct", "completion_pct", "budget_amount", "reasons",
    )
    assert FUND_FIGURES == ("initial_budget", "full_year_budget", "executed", "execution_rate", "score")


def test_the_model_answer_names_the_same_fields() -> None:
    assert set(get_args(NumericField)) == set(NUMERIC_FIELDS)
    assert set(get_args(QuotedField)) == set(STATEMENT_READING_FIELDS) - {"unit"}
    assert set(STATEMENT_READING_FIELDS) <= set(StatementAnswer.model_fields)


def test_scoring_compares_every_field_a_statement_says() -> None:
    kinds = {spec.name: (spec.kind, spec.unit is not None) for spec in STATEMENT_FIELDS}
    assert list(kinds) == [*STATEMENT_READING_FIELDS, "paragraph_id"]
    assert kinds["amount"] == ("number", True) and kinds["change_pct"] == ("number", False)
    assert kinds["metric"] == ("text", False) and kinds["reasons"] == ("texts", False)
    assert kinds["direction"] == kinds["unit"] == ("short", False)
    assert [spec.name for spec in FUND_FIELDS] == [f"funds.{name}" for name in FUND_FIGURES]


def test_an_answer_becomes_a_statement_and_an_export_row_field_by_field() -> None:
    answer = StatementAnswer(
        paragraph="p7", metric="基本支出", amount=964.33, unit="万元", prior_amount=900.0, change_amount=64.33,
        change_pct=7.15, direction="increase", share_pct=40.4, completion_pct=98.5, budget_amount=979.0,
        reasons=["人员增加", "调资"], quotes=[{"field": name, "quote": f"[{name}]"} for name in NUMERIC_FIELDS],
    )
    statement = to_statement(answer, "v2@abc")
    assert statement == NarrativeStatement(
        paragraph_id="p7", metric="基本支出", amount=964.33, unit="万元", prior_amount=900.0, change_amount=64.33,
        change_pct=7.15, direction="increase", share_pct=40.4, completion_pct=98.5, budget_amount=979.0,
        reasons=["人员增加", "调资"], evidence={name: f"[{name}]" for name in NUMERIC_FIELDS}, source="llm",
        prompt_version="v2@abc",
    )
    result = ExtractionResult(
        document=DocumentInfo(source_name="t", sha256="0" * 64, encoding="utf-8"),
        narrative_statements=[statement],
        run=RunInfo(extractor_version="test"),
    )
    header, row = statement_rows(result)
    assert header == STATEMENT_COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert [cells[name] for name in STATEMENT_READING_FIELDS] == [
        "基本支出", 964.33, "万元", 900.0, 64.33, 7.15, "increase", 40.4, 98.5, 979.0, "人员增加；调资",
    ]
    assert (cells["paragraph_id"], cells["source"], cells["prompt_version"]) == ("p7", "llm", "v2@abc")
