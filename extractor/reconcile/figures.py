"""Figures as rules see them: a value, where it stands, and how it was printed.

A :class:`Figure` carries the :class:`~schemas.Location` a finding points at
(table cell, form field, narrative span) and the printed text that tells how
many decimals the report used. :func:`classify` decides whether a disagreement
beyond tolerance looks like an extraction slip or an error of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractor.numbers import is_empty_cell
from extractor.reconcile.columns import path
from extractor.reconcile.tolerance import decimals_of, half_unit
from schemas import (
    Cell,
    Classification,
    Column,
    Location,
    NarrativeStatement,
    PerformanceForm,
    Span,
    Table,
    TableRow,
)


@dataclass(frozen=True, eq=False)
class FieldOf:
    """Which record and which field of it a figure is: a statement and its field name,
    a table row and its column key, a form and its field. The typed counterpart of a
    :class:`~schemas.Location` (whose ``ref`` is display text, never parsed)."""

    record: NarrativeStatement | TableRow | PerformanceForm
    field: str


class Figure:
    """One figure taking part in a check. Its :class:`~schemas.Location` is built
    only when a finding needs it (most figures agree and are never reported)."""

    __slots__ = ("_label", "_locate", "_location", "_neighbours", "_subject", "rounding", "text", "value")

    def __init__(self, value: float | None, location: Location | Callable[[], Location], label: str | None = None,
                 text: str | None = None, neighbours: tuple[float, ...] | Callable[[], tuple[float, ...]] = (),
                 rounding: float | None = None, subject: FieldOf | None = None) -> None:
        self.value = value
        self.text = text  # as printed, when known
        # Other cells printed on the same row: a difference equal to one of them
        # hints at a shifted column. Given as a function, read only when a check fails.
        self._neighbours = neighbours
        # Largest rounding error when it is not half a unit of the printed place
        # (a figure derived from two printed ones carries both their errors).
        self.rounding = rounding
        self._label = label
        self._location: Location | None = location if isinstance(location, Location) else None
        self._locate = None if isinstance(location, Location) else location
        # A figure derived from another (converted, implied) stands for that one's field.
        self._subject = subject

    @property
    def subject(self) -> FieldOf | None:
        """The record and field this figure is, when it is one (None for a computed total)."""
        return self._subject

    @property
    def location(self) -> Location:
        if self._location is None and self._locate is not None:
            self._location = self._locate()
        return self._location  # type: ignore[return-value]

    @property
    def neighbours(self) -> tuple[float, ...]:
        if callable(self._neighbours):
            self._neighbours = self._neighbours()
        return self._neighbours

    @property
    def label(self) -> str:
        return self._label or self.location.ref

    @property
    def decimals(self) -> int:
        return decimals_of(self.value, self.text)

    @property
    def error(self) -> float:
        return self.rounding if self.rounding is not None else half_unit(self.decimals)

    @property
    def printed(self) -> bool:
        """True when the figure prints a number (an empty cell is an exact zero)."""
        return self.value is not None

    @property
    def broken(self) -> bool:
        """True when text was printed but no number could be read from it."""
        return self.value is None and bool(self.text) and not is_empty_cell(self.text or "")

    def amount(self) -> float:
        return self.value or 0.0


def cell_ref(table: Table, row: TableRow, column: Column | None) -> str:
    """``公开03表 / 201 一般公共服务支出 / 本年支出合计``."""
    name = " ".join(part for part in (row.code, row.name) if part) or f"line {row.line}"
    if column is None:
        return f"{table.id} / {name}"
    return f"{table.id} / {name} / {'/'.join(path(column)) or column.key}"


def table_figure(table: Table, row: TableRow, column: Column | None, label: str | None = None) -> Figure:
    """The figure in ``row`` × ``column`` of ``table`` (absent cells read as empty)."""
    return _CellFigure(table, row, column, label)


class _CellFigure(Figure):
    """A table cell as a figure. Rules build one per cell they compare (thousands per
    report, nearly all of which agree), so the cell is kept and its location and
    neighbours are worked out only when asked, without a closure per figure."""

    __slots__ = ("_column", "_found", "_row", "_row_neighbours", "_table")

    def __init__(self, table: Table, row: TableRow, column: Column | None, label: str | None) -> None:
        found: Cell | None = row.cells.get(column.key) if column is not None else None
        self.value = found.value if found is not None else None
        self.text = found.text if found is not None else None
        self.rounding = None
        self._label = label
        self._location = None
        self._locate = None
        self._neighbours = ()
        self._row_neighbours: tuple[float, ...] | None = None  # read on the first failed check
        self._table = table
        self._row = row
        self._column = column
        self._found = found

    @property
    def location(self) -> Location:
        if self._location is None:
            span: Span | None = self._found.span if self._found is not None else None
            row = self._row
            self._location = Location(
                kind="table",
                ref=cell_ref(self._table, row, self._column),
                line_start=span.line_start if span else row.line,
                line_end=span.line_end if span else row.line,
                span=span,
            )
        return self._location

    @property
    def neighbours(self) -> tuple[float, ...]:
        if self._row_neighbours is None:
            column = self._column
            self._row_neighbours = tuple(
                c.value
                for k, c in self._row.cells.items()
                if c.value is not None and (column is None or k != column.key)
            )
        return self._row_neighbours

    @property
    def subject(self) -> FieldOf:
        return FieldOf(self._row, self._column.key if self._column is not None else "")


def form_figure(form: PerformanceForm, ref: str, value: float | None, span: Span | None,
                line: int | None = None, min_decimals: int = 2) -> Figure:
    """A figure of a performance form (``ref`` names the field). Forms keep no printed
    text, and ``25`` or ``100`` there is exact, not rounded to units: amounts and scores
    are taken at 2 decimals at least (percentages pass ``min_decimals=0``)."""
    decimals = max(decimals_of(value), min_decimals)
    text = None if value is None else f"{value:.{decimals}f}"
    return _FormFigure(form, ref, value, span, line, text)


class _FormFigure(Figure):
    """A form field as a figure; its location is built only when a finding needs it."""

    __slots__ = ("_form", "_line", "_ref", "_span")

    def __init__(self, form: PerformanceForm, ref: str, value: float | None, span: Span | None,
                 line: int | None, text: str | None) -> None:
        self.value = value
        self.text = text
        self.rounding = None
        self._label = None
        self._location = None
        self._locate = None
        self._neighbours = ()
        self._form = form
        self._ref = ref
        self._span = span
        self._line = line

    @property
    def subject(self) -> FieldOf:
        return FieldOf(self._form, self._ref)

    @property
    def location(self) -> Location:
        if self._location is None:
            form, span, line = self._form, self._span, self._line
            self._location = Location(
                kind="form",
                ref=f"{form.project_name or form.title} / {self._ref}",
                line_start=span.line_start if span else (line or form.line_start),
                line_end=span.line_end if span else (line or form.line_end),
                span=span,
            )
        return self._location


def narrative_figure(statement: NarrativeStatement, field_name: str, value: float | None) -> Figure:
    """A figure of a narrative statement; its evidence quote gives the printed decimals.
    Prose may drop trailing zeros (12359.1 for 12359.10) or round (102.7 for 102.74):
    a figure is taken as precise as printed, no more."""
    return _StatementFigure(statement, field_name, value)


class _StatementFigure(Figure):
    """A statement's field as a figure; its label and location are written only when asked."""

    __slots__ = ("_field", "_statement")

    def __init__(self, statement: NarrativeStatement, field_name: str, value: float | None) -> None:
        self.value = value
        self.text = _number_text(statement.evidence.get(field_name))
        self.rounding = None
        self._label = None
        self._location = None
        self._locate = None
        self._neighbours = ()
        self._statement = statement
        self._field = field_name

    @property
    def subject(self) -> FieldOf:
        return FieldOf(self._statement, self._field)

    @property
    def label(self) -> str:
        return f"{self._statement.metric} {self._field}"

    @property
    def location(self) -> Location:
        if self._location is None:
            statement, field_name = self._statement, self._field
            span = statement.provenance.get(field_name)
            self._location = Location(
                kind="narrative",
                ref=f"{statement.paragraph_id} / {statement.metric} / {field_name}",
                line_start=span.line_start if span else None,
                line_end=span.line_end if span else None,
                span=span,
            )
        return self._location


@lru_cache(maxsize=4096)  # pure; every narrative rule asks again for the same quotes
def _number_text(quote: str | None) -> str | None:
    """The last number in an evidence quote (``增长3.6%`` -> ``3.6``)."""
    if not quote:
        return None
    digits = "".join(ch if (ch.isdigit() or ch in ".,") else " " for ch in quote).split()
    numbers = [d.strip(".,") for d in digits if any(ch.isdigit() for ch in d)]
    return numbers[-1] if numbers else None


def classify(figures: Sequence[Figure], difference: float, tolerance: float) -> Classification:
    """``rounding`` within tolerance; ``extraction`` when a cell is unreadable or the
    difference equals another figure of the row (a shifted column); otherwise
    ``report_error``."""
    if abs(difference) <= tolerance:
        return "rounding"
    if any(f.broken for f in figures):
        return "extraction"
    involved = {round(f.amount(), 6) for f in figures}
    for figure in figures:
        for other in figure.neighbours:
            if round(other, 6) in involved or other == 0:
                continue
            if abs(abs(difference) - abs(other)) <= tolerance:
                return "extraction"
    return "report_error"
