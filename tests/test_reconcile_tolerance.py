"""Tolerances: sums grow with the printed terms, percentages are judged at the precision printed."""

from __future__ import annotations

import pytest

from extractor.reconcile.tolerance import decimals_of, percent_accepts, sum_tolerance


def test_decimals_from_text_then_value() -> None:
    assert decimals_of(12.5, "12.50") == 2
    assert decimals_of(1995.86, "1,995.86") == 2
    assert decimals_of(100.0, "100") == 0
    assert decimals_of(67.77) == 2
    assert decimals_of(95.0) == 0


def test_sum_tolerance_grows_with_terms() -> None:
    assert sum_tolerance(2, 2) == pytest.approx(0.01, abs=1e-5)
    assert sum_tolerance(5, 2) == pytest.approx(0.025, abs=1e-5)  # 002: 4 classes + their total
    assert sum_tolerance(3, 0) == pytest.approx(1.5, abs=1e-5)


@pytest.mark.parametrize(
    ("stated", "numerator", "denominator", "decimals", "ok"),
    [
        (98.7, 17714.8, 17946.59, 1, True),  # 001 line 1303: 98.708% rounds to 98.7
        (4.0, 95.2, 2385.56, 0, True),  # 002 line 694: 3.99% printed 4%
        (2.0, 51.01, 2385.56, 0, True),  # 002 line 696: 2.14% printed 2%
        (3.1, 71.4, 2385.56, 1, False),  # 002 line 700: 2.99% printed 3.1%
        (67.78, 20.33, 30.0, 2, True),  # 001 line 414: 67.77% (the inputs' rounding allows .78)
        (67.8, 20.33, 30.0, 1, True),
        (67.7, 20.33, 30.0, 1, True),  # truncated
        (67.6, 20.33, 30.0, 1, False),
        (100.0, 5.0, 0.0, 0, True),  # zero base: not judged
    ],
)
def test_percent_accepts(stated: float, numerator: float, denominator: float, decimals: int, ok: bool) -> None:
    # Amounts at two decimals (the forms' 30 is 30.00): each may be off by 0.005.
    assert percent_accepts(stated, numerator, denominator, numerator_error=0.005, denominator_error=0.005,
                           percent_decimals=decimals) is ok
