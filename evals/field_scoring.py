"""Scoring the fields of one aligned pair of records against gold.

A :class:`FieldSpec` says how a field is read and compared (number, short
string, long text, list of texts); :func:`score_fields` counts each field's
outcome (correct, wrong, missed, spurious, correct null) and records a
difference for every miss. Shared by the scorers of forms, statements and
identity (:mod:`evals.scoring`) and of table rows (:mod:`evals.table_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from evals.comparators import is_null, numbers_equal, short_equal, text_equal
from evals.results import FieldDiff, Outcome, RecordCounts, TypeScore

FieldKind = Literal["number", "short", "text", "texts"]


@dataclass(frozen=True)
class FieldSpec:
    """How to read and compare one field; ``unit`` gives the unit of an amount."""

    name: str
    kind: FieldKind
    get: Callable[[Any], Any]
    unit: Callable[[Any], str | None] | None = None


def attribute(name: str) -> Callable[[Any], Any]:
    """A reader of the attribute ``name`` of a record, for :attr:`FieldSpec.get`."""
    return lambda record: getattr(record, name)


def _equal(spec: FieldSpec, gold_value: Any, pred_value: Any, gold: Any, pred: Any) -> bool:
    if spec.kind == "number":
        gold_unit = spec.unit(gold) if spec.unit else None
        pred_unit = spec.unit(pred) if spec.unit else None
        return numbers_equal(float(gold_value), float(pred_value), gold_unit, pred_unit)
    if spec.kind == "short":
        return short_equal(str(gold_value), str(pred_value))
    if spec.kind == "texts":
        return text_equal("；".join(gold_value), "；".join(pred_value))
    return text_equal(str(gold_value), str(pred_value))


def _show(value: Any) -> str | None:
    if is_null(value):
        return None
    return "；".join(value) if isinstance(value, list) else str(value)


def score_fields(score: TypeScore, label: str, specs: Sequence[FieldSpec], gold: Any, pred: Any) -> None:
    """Count the outcome of every field of one aligned pair; ``None`` stands for an unmatched side."""
    for spec in specs:
        gold_value = spec.get(gold) if gold is not None else None
        pred_value = spec.get(pred) if pred is not None else None
        gold_null, pred_null = is_null(gold_value), is_null(pred_value)
        outcome: Outcome
        if gold_null and pred_null:
            if gold is None or pred is None:
                continue  # an unmatched record says nothing about its empty fields
            outcome = "correct_null"
        elif gold_null:
            outcome = "spurious"
        elif pred_null:
            outcome = "missed"
        else:
            outcome = "correct" if _equal(spec, gold_value, pred_value, gold, pred) else "wrong"
        score.count(spec.name, outcome)
        if outcome not in ("correct", "correct_null"):
            score.diffs.append(
                FieldDiff(
                    record=label,
                    field=spec.name,
                    outcome=outcome,
                    gold=_show(gold_value),
                    predicted=_show(pred_value),
                )
            )


def record_counts(gold: int, pred: int, pairs: int, complete: bool) -> RecordCounts:
    """Counts of one aligned list; unmatched predictions are spurious only where the gold is ``complete``."""
    return RecordCounts(
        gold=gold,
        predicted=pred,
        matched=pairs,
        missed=gold - pairs,
        spurious=pred - pairs if complete else 0,
    )
