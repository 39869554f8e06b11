"""Optimal one-to-one alignment of gold and predicted list items.

Lists (forms, indicators, statements, rows) are aligned by maximum total
similarity (Hungarian assignment, as DocILE does for line items) before their
fields are scored, so one missing item does not shift every later one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

G = TypeVar("G")
P = TypeVar("P")


def align(
    gold: Sequence[G],
    predicted: Sequence[P],
    similarity: Callable[[G, P], float],
    minimum: float,
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs ``(gold index, predicted index)`` of the best assignment whose similarity
    reaches ``minimum``, then the unmatched gold and unmatched predicted indices."""
    if not gold or not predicted:
        return [], list(range(len(gold))), list(range(len(predicted)))
    scores = np.array([[similarity(g, p) for p in predicted] for g in gold], dtype=float)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if scores[r, c] >= minimum]
    matched_gold = {r for r, _ in pairs}
    matched_pred = {c for _, c in pairs}
    return (
        sorted(pairs),
        [i for i in range(len(gold)) if i not in matched_gold],
        [j for j in range(len(predicted)) if j not in matched_pred],
    )
