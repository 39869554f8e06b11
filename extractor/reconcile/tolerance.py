"""How far two figures may disagree before a disagreement is a finding.

Reports print every amount rounded to its last printed place (two decimals of
万元 in the fixed tables) and warn that "金额单位转换时可能存在尾数误差": a
total and its parts are each rounded separately. The choices made here:

* **Sums.** Every printed figure in a comparison (the total and each part that
  prints a number) may be off by half a unit of its last place, and those
  errors can add up, so ``tolerance = k × ½ × 10^-d`` for ``k`` printed
  figures at ``d`` decimals (4 figures at 2 decimals -> 0.02), plus a float
  epsilon. Empty cells (``——``) are exact zeros and do not count.
* **Percentages** are judged at the precision printed: the true ratio lies in
  an interval (its inputs are rounded too), and the printed percentage is
  accepted when some ratio in that interval rounds *or truncates* to it.
* **Zero denominators** (a prior year or a budget of 0, where reports print
  100% or 0%) are not judged at all.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

EPSILON = 1e-6
_DECIMALS = re.compile(r"\.(\d+)")


@lru_cache(maxsize=65536)  # pure; every rule asks again for the same figures
def decimals_of(value: float | None, text: str | None = None) -> int:
    """Decimals as printed: from ``text`` when known (``12.50`` -> 2), else
    from the shortest float repr (``67.77`` -> 2, ``95.0`` -> 0)."""
    if text:
        match = _DECIMALS.search(text.replace(",", ""))
        if match:
            return len(match.group(1))
        if re.search(r"\d", text):
            return 0
    if value is None or not math.isfinite(value):
        return 0
    rendered = repr(float(value))
    if "e" in rendered or "." not in rendered:
        return 0
    fraction = rendered.split(".")[1].rstrip("0")
    return min(len(fraction), 6)


def half_unit(decimals: int) -> float:
    """Half a unit of the last printed place: the largest rounding error."""
    return 0.5 * 10.0 ** (-decimals)


def sum_tolerance(printed_figures: int, decimals: int) -> float:
    """Tolerance of a sum over ``printed_figures`` rounded figures (total included)."""
    return max(printed_figures, 1) * half_unit(decimals) + EPSILON


def percent_accepts(stated: float, numerator: float, denominator: float, *,
                    numerator_error: float, denominator_error: float, percent_decimals: int) -> bool:
    """True when ``stated`` % is what a report could print for numerator / denominator.

    The inputs carry rounding errors (half a unit of their printed place, more for
    a derived figure), so the true ratio lies in [lo, hi]; a percentage printed
    with ``k`` decimals stands for a ratio in [p - ½u, p + u) (rounded or
    truncated, u = 10^-k). Signs are compared elsewhere: magnitudes are judged here.
    """
    num, den = abs(numerator), abs(denominator)
    if den <= denominator_error:
        return True  # a zero (or rounded-to-zero) base cannot be judged
    lo = max(num - numerator_error, 0.0) / (den + denominator_error) * 100.0
    hi = (num + numerator_error) / (den - denominator_error) * 100.0
    unit = 10.0 ** (-percent_decimals)
    p = abs(stated)
    return lo <= p + unit - EPSILON and hi >= p - unit / 2 - EPSILON
