"""Repair rows whose figures the PDF text export shifted by one column.

A text export sometimes prints one empty cell too many (or too few) inside a
row: every figure after that point lands one column to the right (or left) of
its header, e.g. ``合计 | 当年预算/小计 … | 上年结转结余/小计 (empty) | 389.70
under 一般公共预算拨款结转 | 389.70 under 政府性基金预算拨款结转``. The header
tree says how a row must add up (a group's 小计/合计 = the sum of its siblings,
the top 合计 = the sum of the groups' 小计), so the arithmetic tells which
reading is the printed one.

A row is repaired only when

* it does not add up as read, and
* moving the figures from one column to the end of the row by one column
  (left or right) makes every total of the row hold, and exactly one such
  move does (distinct resulting rows are counted, not moves that land the
  same figures in the same columns).

The moved run always reaches the end of the row: one extra or missing cell in
the text shifts everything after it. A run stopping mid-row would need a
second export error to close the gap, and admitting it makes real cases
ambiguous (with two equal carried-over figures, moving only the first also adds up).
The column vacated must be blank and the column a figure falls into must be
blank: a printed figure (or ``——``) is never dropped. Each moved
:class:`~schemas.Cell` keeps its text and span; only its column changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.numbers import decimals
from extractor.tables.cells import clean_text, is_total
from schemas import Cell, Table, TableRow

_EMPTY = Cell(value=None, text="")


@dataclass(frozen=True)
class SumGroup:
    """A total column (by key) and the column keys that add up to it."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Shift:
    """One repaired row: the figures from ``first`` (key as read) to the row's end
    moved ``step`` columns (-1 left, +1 right)."""

    row: int  # 0-based index in Table.rows
    line: int
    first: str
    step: int


def repair_shifted_rows(table: Table) -> list[Shift]:
    """Move the figures of rows the text export shifted by one column back under
    their headers (see the module docstring); add a note per run of rows.

    Rows that add up as read, and rows with no unique repair, are left alone.
    """
    groups_by_keys: dict[tuple[str, ...], list[SumGroup]] = {}
    shifts: list[Shift] = []
    for index, row in enumerate(table.rows):
        keys = tuple(row.cells)
        if len(keys) < 3:
            continue
        if keys not in groups_by_keys:
            groups_by_keys[keys] = sum_groups(keys)
        groups = groups_by_keys[keys]
        if not groups:
            continue
        repaired = _unique_shift(row, keys, groups)
        if repaired is None:
            continue
        first, step, arrangement = repaired
        row.cells = arrangement
        shifts.append(Shift(row=index, line=row.line, first=first, step=step))
    table.notes.extend(_notes(shifts))
    return shifts


def sum_groups(keys: tuple[str, ...]) -> list[SumGroup]:
    """Every (total, parts) pair implied by the header paths of ``keys``.

    Under each header node, the one child named 合计/小计/总计 is the total of its
    siblings; a sibling that is itself a header node stands by its own total when
    it has one, else by all the columns below it.
    """
    paths = {key: tuple(part for part in (clean_text(p) for p in key.split("/")) if part) for key in keys}
    # header nodes, outermost first, in printed order (dict keeps the first sighting)
    prefixes = dict.fromkeys(path[:i] for path in paths.values() for i in range(len(path)))
    groups: list[SumGroup] = []
    for prefix in sorted(prefixes, key=len):
        children: dict[str, list[str]] = {}
        for key, path in paths.items():
            if len(path) > len(prefix) and path[: len(prefix)] == prefix:
                children.setdefault(path[len(prefix)], []).append(key)
        totals = [
            k
            for name, ks in children.items()
            for k in ks
            if is_total(name) and len(paths[k]) == len(prefix) + 1
        ]
        if len(totals) != 1 or len(children) < 2:
            continue
        parts: list[str] = []
        for name, ks in children.items():
            if is_total(name) and totals[0] in ks:
                continue
            if len(ks) == 1 and len(paths[ks[0]]) == len(prefix) + 1:
                parts.append(ks[0])
                continue
            own = [k for k in ks if len(paths[k]) == len(prefix) + 2 and is_total(paths[k][-1])]
            parts.extend(own[:1] or ks)
        if parts:
            groups.append(SumGroup(total=totals[0], parts=tuple(parts)))
    return groups


def adds_up(cells: dict[str, Cell], groups: list[SumGroup]) -> bool:
    """True when every group with a printed figure holds: total = Σ parts within
    half a unit of the last printed decimal per printed figure (0.005 at 2 decimals)."""
    for group in groups:
        terms = [cells.get(group.total, _EMPTY), *(cells.get(p, _EMPTY) for p in group.parts)]
        printed = [c for c in terms if c.value is not None]
        if not printed:
            continue
        places = max(decimals(c.text) for c in printed)
        tolerance = 0.5 * 10.0 ** (-places) * len(printed) + 1e-9
        total = terms[0].value or 0.0
        if abs(total - sum(c.value or 0.0 for c in terms[1:])) > tolerance:
            return False
    return True


def _unique_shift(
    row: TableRow, keys: tuple[str, ...], groups: list[SumGroup]
) -> tuple[str, int, dict[str, Cell]] | None:
    """The one arrangement of the row's cells (moved from one column to the end by
    one column) that adds up, with the first moved key and the step; None when the
    row adds up as read, or no move or several distinct moves add up."""
    if adds_up(row.cells, groups):
        return None
    cells = [row.cells[k] for k in keys]
    found: dict[tuple[int, ...], tuple[str, int, dict[str, Cell]]] = {}
    for step in (-1, 1):
        for start in range(len(cells)):
            moved = _moved(cells, start, step)
            if moved is None:
                continue
            arrangement = dict(zip(keys, moved, strict=True))
            if not adds_up(arrangement, groups):
                continue
            signature = tuple(id(c) if c.text.strip() else 0 for c in moved)
            origin = next(i for i in range(start, len(cells)) if cells[i].text.strip())
            found.setdefault(signature, (keys[origin], step, arrangement))
    if len(found) != 1:
        return None
    return next(iter(found.values()))


def _moved(cells: list[Cell], start: int, step: int) -> list[Cell] | None:
    """``cells`` with ``cells[start:]`` moved ``step`` columns; None when the move
    would overwrite or drop a printed cell, or moves nothing printed."""
    run = cells[start:]
    if not any(c.text.strip() for c in run):
        return None
    if step < 0:
        if start == 0 or cells[start - 1].text.strip():
            return None  # nowhere to go, or the column it moves into holds a figure
        return cells[: start - 1] + run + [Cell(value=None, text="")]
    if cells[-1].text.strip():
        return None  # the last figure would fall off the row
    return [*cells[:start], Cell(value=None, text=""), *run[:-1]]


def _notes(shifts: list[Shift]) -> list[str]:
    """One note per run of consecutive rows repaired the same way."""
    notes: list[str] = []
    runs: list[list[Shift]] = []
    for shift in shifts:
        last = runs[-1][-1] if runs else None
        if last and shift.row == last.row + 1 and (shift.first, shift.step) == (last.first, last.step):
            runs[-1].append(shift)
        else:
            runs.append([shift])
    for run in runs:
        first, last = run[0], run[-1]
        rows = f"row {first.row + 1}" if first is last else f"rows {first.row + 1}-{last.row + 1}"
        lines = f"line {first.line}" if first is last else f"lines {first.line}-{last.line}"
        direction = "left" if first.step < 0 else "right"
        notes.append(
            f"{rows} ({lines}): values from {first.first} on shifted one column {direction} "
            f"to match 合计 (text export offset)"
        )
    return notes
