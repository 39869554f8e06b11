"""Score models: what a scoring run produces (Pydantic, so a run can be stored as JSON).

Per field the outcomes are counted as in DocILE / KIE evaluations:

* ``correct``      gold and prediction filled and equal under the field's comparator
* ``wrong``        both filled, not equal (counts against precision and recall)
* ``missed``       gold filled, prediction empty or its record not found
* ``spurious``     gold empty (or no gold record), prediction filled
* ``correct_null`` gold empty and prediction empty: reported, not in P/R/F1

precision = correct / (correct + wrong + spurious),
recall = correct / (correct + wrong + missed).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

Outcome = Literal["correct", "wrong", "missed", "spurious", "correct_null"]


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


class FieldCounts(BaseModel):
    """Outcome counts of one field (or a sum over fields) and the rates they give."""

    correct: int = 0
    wrong: int = 0
    missed: int = 0
    spurious: int = 0
    correct_null: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def merge(self, other: FieldCounts) -> FieldCounts:
        return FieldCounts(
            correct=self.correct + other.correct,
            wrong=self.wrong + other.wrong,
            missed=self.missed + other.missed,
            spurious=self.spurious + other.spurious,
            correct_null=self.correct_null + other.correct_null,
        )

    @property
    def support(self) -> int:
        """Outcomes that enter precision or recall."""
        return self.correct + self.wrong + self.missed + self.spurious

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.correct, self.correct + self.wrong + self.spurious)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.correct, self.correct + self.wrong + self.missed)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


class Rates(BaseModel):
    """Precision, recall and F1 (used for macro averages)."""

    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0

    @classmethod
    def mean_of(cls, counts: list[FieldCounts]) -> Rates:
        """Unweighted mean over fields that have any support."""
        used = [c for c in counts if c.support]
        if not used:
            return cls()
        return cls(
            precision=sum(c.precision for c in used) / len(used),
            recall=sum(c.recall for c in used) / len(used),
            f1=sum(c.f1 for c in used) / len(used),
        )


class FieldDiff(BaseModel):
    """One scored field that was not correct: what gold said and what came out."""

    record: str  # e.g. "form[3] 政府信息公开工作经费" or "公开01表/本年收入合计"
    field: str
    outcome: Outcome
    gold: str | None = None
    predicted: str | None = None


class RecordCounts(BaseModel):
    """How the records of one list aligned."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    missed: int = 0
    spurious: int = 0

    def merge(self, other: RecordCounts) -> RecordCounts:
        return RecordCounts(
            gold=self.gold + other.gold,
            predicted=self.predicted + other.predicted,
            matched=self.matched + other.matched,
            missed=self.missed + other.missed,
            spurious=self.spurious + other.spurious,
        )


class TypeScore(BaseModel):
    """Scores of one record type (forms, statements or table_rows) of one report."""

    record_type: str
    records: dict[str, RecordCounts] = Field(default_factory=dict)  # list name -> alignment counts
    fields: dict[str, FieldCounts] = Field(default_factory=dict)
    diffs: list[FieldDiff] = Field(default_factory=list)

    def count(self, field: str, outcome: Outcome) -> None:
        self.fields.setdefault(field, FieldCounts()).add(outcome)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def micro(self) -> FieldCounts:
        total = FieldCounts()
        for counts in self.fields.values():
            total = total.merge(counts)
        return total

    @computed_field  # type: ignore[prop-decorator]
    @property
    def macro(self) -> Rates:
        return Rates.mean_of(list(self.fields.values()))


class ScoreReport(BaseModel):
    """All scores of one extraction against one report's gold."""

    report: str
    types: dict[str, TypeScore] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def micro(self) -> FieldCounts:
        total = FieldCounts()
        for score in self.types.values():
            total = total.merge(score.micro)
        return total

    @computed_field  # type: ignore[prop-decorator]
    @property
    def macro(self) -> Rates:
        """Mean over every field of every record type (``forms.total_score``, ...)."""
        return Rates.mean_of([c for score in self.types.values() for c in score.fields.values()])
