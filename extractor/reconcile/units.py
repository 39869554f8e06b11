"""Figures of tables printed in different units (单位：元 / 万元) compared in one unit.

A report may print its tables in 元 and its 三公 table and narrative in 万元. Two
figures are compared in the coarser unit, the finer one rounded as the coarser unit
prints it (``9,534.00`` 元 is ``0.95`` 万元): a difference smaller than the coarser
unit's rounding is no difference.
"""

from __future__ import annotations

from extractor.reconcile.figures import Figure
from schemas import Table

_SCALE = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
WAN = "万元"


def scale_of(unit: str | None) -> float:
    """元 per one of ``unit`` (1 for an unknown unit: the figure is taken as printed)."""
    return _SCALE.get(unit or "", 1.0)


def converted(figure: Figure, unit: str | None, target: str | None, decimals: int | None = None) -> Figure:
    """``figure`` printed in ``unit`` expressed in ``target``; rounded to ``decimals``
    (the coarser unit's printed places) when given."""
    factor = scale_of(unit) / scale_of(target)
    if figure.value is None or factor == 1.0:
        return figure
    value = figure.value * factor
    text = None
    if decimals is not None:
        value = round(value, decimals)
        text = f"{value:.{decimals}f}"
    return Figure(value=value, location=lambda: figure.location, label=figure.label, text=text)


def in_wan(table: Table, figure: Figure) -> Figure:
    """A table's figure in 万元 (the unit the narrative's amounts are compared in), unrounded."""
    return converted(figure, table.unit, WAN) if table.unit != WAN else figure


def coarser(a: str | None, b: str | None) -> str | None:
    """The coarser of two units (万元 over 元)."""
    return a if scale_of(a) >= scale_of(b) else b


def alike(a: Figure, a_unit: str | None, b: Figure, b_unit: str | None) -> tuple[Figure, Figure]:
    """Two figures in the coarser of their units, the finer rounded as the coarser prints."""
    if scale_of(a_unit) == scale_of(b_unit):
        return a, b
    if scale_of(a_unit) > scale_of(b_unit):
        return a, converted(b, b_unit, a_unit, max(a.decimals, 2))
    return converted(a, a_unit, b_unit, max(b.decimals, 2)), b
