"""Paired comparison of two runs over the same gold items.

For every scope (all fields, each record type, each field of a type) the
micro F1 of both runs, their difference B − A, and a paired bootstrap 95%
interval of the difference: the gold items are resampled with replacement
(the same draw for both runs, so each item is paired with itself), the F1 of
both runs recomputed from the resampled items' counts, and the 2.5th and
97.5th percentiles of the differences taken. Items that flipped (correct in
one run, wrong in the other) are listed per scope.

Runs over different items (other reports, another gold) are refused: a
difference between them would mix a change of the extractor with a change of
what is measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from evals.items import ItemScore
from evals.results import FieldCounts
from evals.runs import RunRecord
from extractor.errors import ExtractorError

RESAMPLES = 1000
SEED = 20240601
ALL = "*"


class ComparisonError(ExtractorError):
    """Two runs cannot be compared (their gold items differ)."""


class Flip(BaseModel):
    """An item correct in one run and wrong in the other, in one scope."""

    item_id: str
    record_type: str
    split: str = "dev"  # test flips are shown only when asked (--show-test)
    field: str  # ALL for the whole item
    a: str  # "correct" | "wrong"
    b: str


class ScopeDiff(BaseModel):
    """Both runs' F1 in one scope and the paired difference B − A."""

    record_type: str  # ALL for every type
    field: str  # ALL for every field of the type
    items: int  # items with support in this scope
    a_f1: float
    b_f1: float
    a_support: int
    b_support: int
    difference: float
    low: float
    high: float
    flips_to_wrong: int = 0  # correct in A, wrong in B
    flips_to_correct: int = 0  # wrong in A, correct in B

    @property
    def scope(self) -> str:
        if self.record_type == ALL:
            return "overall"
        return self.record_type if self.field == ALL else f"{self.record_type}.{self.field}"


class Comparison(BaseModel):
    """Run A against run B."""

    run_a: str
    run_b: str
    resamples: int
    seed: int
    items: int
    scopes: list[ScopeDiff] = Field(default_factory=list)
    flips: list[Flip] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def shown_flips(self, show_test: bool = False) -> list[Flip]:
        """The flips to print: those of ``test`` items only when asked, so day-to-day
        work sees which dev items changed but never which test items did."""
        return [f for f in self.flips if show_test or f.split != "test"]

    def scope(self, record_type: str = ALL, field: str = ALL) -> ScopeDiff:
        """One scope by record type and field (``ALL`` for every one)."""
        for diff in self.scopes:
            if diff.record_type == record_type and diff.field == field:
                return diff
        raise KeyError(f"no scope {record_type}/{field}")


_COLUMNS = ("correct", "wrong", "missed", "spurious")


def _counts(item: ItemScore, field: str) -> FieldCounts:
    if field == ALL:
        return item.total
    return item.fields.get(field, FieldCounts())


def _array(items: Sequence[ItemScore], field: str) -> np.ndarray:
    return np.array([[getattr(_counts(i, field), c) for c in _COLUMNS] for i in items], dtype=float)


def micro_f1(counts: np.ndarray) -> np.ndarray:
    """Micro F1 of summed counts (last axis: correct, wrong, missed, spurious):
    2c / (2c + 2w + m + s), the harmonic mean of P = c/(c+w+s) and R = c/(c+w+m)."""
    c, w, m, s = (counts[..., k] for k in range(4))
    denominator = 2 * c + 2 * w + m + s
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, 2 * c / safe, 0.0)


def _state(counts: FieldCounts) -> Literal["correct", "wrong", "none"]:
    if counts.support == 0:
        # left empty where the gold is empty counts as right: filling it later is a flip
        return "correct" if counts.correct_null else "none"
    return "correct" if counts.wrong + counts.missed + counts.spurious == 0 else "wrong"


def check_comparable(a: RunRecord, b: RunRecord) -> list[str]:
    """Raise ComparisonError when the runs' items differ; return warnings otherwise."""
    ids_a, ids_b = a.item_ids, b.item_ids
    if sorted(ids_a) != sorted(ids_b) or len(set(ids_a)) != len(ids_a):
        only_a = sorted(set(ids_a) - set(ids_b))
        only_b = sorted(set(ids_b) - set(ids_a))
        shown = "; ".join(
            part
            for part in (
                f"only in {a.run_id}: {', '.join(only_a[:5])}{' …' if len(only_a) > 5 else ''} ({len(only_a)})"
                if only_a
                else "",
                f"only in {b.run_id}: {', '.join(only_b[:5])}{' …' if len(only_b) > 5 else ''} ({len(only_b)})"
                if only_b
                else "",
            )
            if part
        )
        raise ComparisonError(
            f"runs {a.run_id} and {b.run_id} were scored on different items ({shown or 'duplicate ids'}); "
            "compare runs over the same reports and gold "
            "(`extractor eval rescore` brings an old run to the current gold)"
        )
    warnings: list[str] = []
    if a.gold_digest != b.gold_digest:
        warnings.append("the runs were scored against different versions of the gold (same items)")
    return warnings


def compare_runs(a: RunRecord, b: RunRecord, resamples: int = RESAMPLES, seed: int = SEED) -> Comparison:
    """The paired comparison of run A and run B (difference = B − A)."""
    warnings = check_comparable(a, b)
    by_id_b = {item.item_id: item for item in b.items}
    items_a = list(a.items)
    items_b = [by_id_b[item.item_id] for item in items_a]  # paired by item id
    comparison = Comparison(
        run_a=a.run_id, run_b=b.run_id, resamples=resamples, seed=seed, items=len(items_a), warnings=warnings
    )
    scopes: list[tuple[str, str]] = [(ALL, ALL)]
    for record_type in sorted({i.record_type for i in items_a}):
        scopes.append((record_type, ALL))
        fields = sorted({f for i in items_a + items_b if i.record_type == record_type for f in i.fields})
        scopes += [(record_type, f) for f in fields]
    for record_type, field in scopes:
        chosen = [k for k, i in enumerate(items_a) if record_type in (ALL, i.record_type)]
        pair_a = [items_a[k] for k in chosen]
        pair_b = [items_b[k] for k in chosen]
        diff, flips = _scope(pair_a, pair_b, record_type, field, resamples, seed)
        comparison.scopes.append(diff)
        comparison.flips.extend(flips)
    return comparison


def _scope(
    items_a: list[ItemScore],
    items_b: list[ItemScore],
    record_type: str,
    field: str,
    resamples: int,
    seed: int,
) -> tuple[ScopeDiff, list[Flip]]:
    counts_a, counts_b = _array(items_a, field), _array(items_b, field)
    used = (counts_a.sum(axis=1) + counts_b.sum(axis=1)) > 0  # items that say something here
    counts_a, counts_b = counts_a[used], counts_b[used]
    point_a, point_b = micro_f1(counts_a.sum(axis=0)), micro_f1(counts_b.sum(axis=0))
    n = len(counts_a)
    low = high = float(point_b - point_a)
    if n:
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, n, size=(resamples, n))
        weights = np.zeros((resamples, n))
        np.add.at(weights, (np.arange(resamples)[:, None], draws), 1.0)
        differences = micro_f1(weights @ counts_b) - micro_f1(weights @ counts_a)
        low, high = (float(v) for v in np.percentile(differences, [2.5, 97.5]))
    flips: list[Flip] = []
    for item_a, item_b in zip(items_a, items_b, strict=True):
        state_a, state_b = _state(_counts(item_a, field)), _state(_counts(item_b, field))
        if {state_a, state_b} == {"correct", "wrong"}:
            flips.append(
                Flip(
                    item_id=item_a.item_id,
                    record_type=item_a.record_type,
                    split=item_a.split,
                    field=field,
                    a=state_a,
                    b=state_b,
                )
            )
    diff = ScopeDiff(
        record_type=record_type,
        field=field,
        items=n,
        a_f1=float(point_a),
        b_f1=float(point_b),
        a_support=int(counts_a.sum()),
        b_support=int(counts_b.sum()),
        difference=float(point_b - point_a),
        low=low,
        high=high,
        flips_to_wrong=sum(1 for f in flips if f.a == "correct"),
        flips_to_correct=sum(1 for f in flips if f.a == "wrong"),
    )
    # The overall scope's flips repeat its types' item flips: keep them once, at type level.
    return diff, (flips if record_type != ALL else [])
