"""Tables a PDF page draws with ruling lines, as grids of cells.

Rules that touch each other make one table; their distinct positions are the grid's row
and column boundaries. Two neighbouring grid cells with no rule between them are one
merged cell, printed (like the tab-separated text the parsers read) once, in its top-left
position, with empty cells after and below it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from extractor.document.pdf_read import Box, Glyph, Rule

_SAME_LINE = 2.0  # rules this close are one line (double lines, rectangle edges)
_TOUCH = 2.5  # a rule ending this close to another touches it
_MIN_GAP = 4.0  # boundaries closer than this are one boundary
_MAX_CROSSINGS = 2_000_000  # more rule pairs than this on a page is a drawing, and slow to search


@dataclass
class GridCell:
    """A (possibly merged) cell: its top-left grid position, span and box."""

    row: int
    column: int
    rows: int
    columns: int
    box: Box
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class Grid:
    """One ruled table on one page."""

    ys: list[float]  # row boundaries, top to bottom
    xs: list[float]  # column boundaries, left to right
    cells: list[GridCell]
    box: Box

    @property
    def width(self) -> int:
        return len(self.xs) - 1

    @property
    def height(self) -> int:
        return len(self.ys) - 1


def find_grids(rules: list[Rule]) -> list[Grid]:
    """The ruled tables among ``rules``: at least two columns, and two rows or three columns
    (a frame around the page or a boxed note is no table)."""
    horizontal = _merge([r for r in rules if r.horizontal], horizontal=True)
    vertical = _merge([r for r in rules if not r.horizontal], horizontal=False)
    if len(horizontal) * len(vertical) > _MAX_CROSSINGS:
        return []  # a hatched or patterned drawing, not a table: its text is read as lines
    grids = []
    for hs, vs in _components(horizontal, vertical):
        grid = _grid(hs, vs)
        if grid is not None:
            grids.append(grid)
    return grids


def place_glyphs(grids: list[Grid], glyphs: list[Glyph]) -> list[Glyph]:
    """Put each glyph into the grid cell holding its centre; return the glyphs outside every grid."""
    if not grids:
        return glyphs
    free = []
    lookups = [(grid, _cell_lookup(grid)) for grid in grids]
    for glyph in glyphs:
        cx = (glyph.x0 + glyph.x1) / 2
        cy = (glyph.top + glyph.bottom) / 2
        for grid, lookup in lookups:
            x0, top, x1, bottom = grid.box
            if x0 <= cx <= x1 and top <= cy <= bottom:
                row = min(max(bisect_right(grid.ys, cy) - 1, 0), grid.height - 1)
                column = min(max(bisect_right(grid.xs, cx) - 1, 0), grid.width - 1)
                lookup[row][column].glyphs.append(glyph)
                break
        else:
            free.append(glyph)
    return free


def _cell_lookup(grid: Grid) -> list[list[GridCell]]:
    table: list[list[GridCell | None]] = [[None] * grid.width for _ in range(grid.height)]
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rows):
            for c in range(cell.column, cell.column + cell.columns):
                table[r][c] = cell
    return table  # type: ignore[return-value]  # every position is covered by construction


def _merge(rules: list[Rule], horizontal: bool) -> list[Rule]:
    """Collinear rules that overlap or nearly touch, joined into one."""
    def position(rule: Rule) -> float:
        return rule.y0 if horizontal else rule.x0

    def extent(rule: Rule) -> tuple[float, float]:
        return (rule.x0, rule.x1) if horizontal else (rule.y0, rule.y1)

    merged: list[Rule] = []
    rules = sorted(rules, key=position)
    group: list[Rule] = []
    for rule in [*rules, None]:
        if rule is not None and group and position(rule) - position(group[0]) <= _SAME_LINE:
            group.append(rule)
            continue
        if group:
            at = sum(position(r) for r in group) / len(group)
            spans = sorted(extent(r) for r in group)
            start, end = spans[0]
            for a, b in spans[1:]:
                if a <= end + _TOUCH:
                    end = max(end, b)
                    continue
                merged.append(Rule(start, at, end, at) if horizontal else Rule(at, start, at, end))
                start, end = a, b
            merged.append(Rule(start, at, end, at) if horizontal else Rule(at, start, at, end))
        group = [rule] if rule is not None else []
    return merged


def _components(horizontal: list[Rule], vertical: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of rules connected by crossings or touching ends."""
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if (
                h.x0 - _TOUCH <= v.x0 <= h.x1 + _TOUCH
                and v.y0 - _TOUCH <= h.y0 <= v.y1 + _TOUCH
            ):
                parent[find(i)] = find(len(horizontal) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + j), ([], []))[1].append(v)
    return [group for group in groups.values() if group[0] and group[1]]


def _boundaries(values: list[float]) -> list[float]:
    result: list[float] = []
    for value in sorted(values):
        if result and value - result[-1] < _MIN_GAP:
            continue
        result.append(value)
    return result


def _grid(hs: list[Rule], vs: list[Rule]) -> Grid | None:
    # A table drawn without its outer verticals still spans its horizontals' extent.
    xs = _boundaries([v.x0 for v in vs] + [min(h.x0 for h in hs), max(h.x1 for h in hs)])
    ys = _boundaries([h.y0 for h in hs] + [min(v.y0 for v in vs), max(v.y1 for v in vs)])
    if len(xs) < 3 or len(ys) < 2 or (len(xs) < 4 and len(ys) < 3):
        return None
    rows, columns = len(ys) - 1, len(xs) - 1

    def wall_between_columns(row: int, column: int) -> bool:  # right edge of (row, column)
        x = xs[column + 1]
        middle = (ys[row] + ys[row + 1]) / 2
        return any(abs(v.x0 - x) <= _TOUCH and v.y0 - _TOUCH <= middle <= v.y1 + _TOUCH for v in vs)

    def wall_between_rows(row: int, column: int) -> bool:  # bottom edge of (row, column)
        y = ys[row + 1]
        middle = (xs[column] + xs[column + 1]) / 2
        return any(abs(h.y0 - y) <= _TOUCH and h.x0 - _TOUCH <= middle <= h.x1 + _TOUCH for h in hs)

    parent = list(range(rows * columns))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(columns):
            if c + 1 < columns and not wall_between_columns(r, c):
                parent[find(r * columns + c + 1)] = find(r * columns + c)
            if r + 1 < rows and not wall_between_rows(r, c):
                parent[find((r + 1) * columns + c)] = find(r * columns + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(columns):
            members.setdefault(find(r * columns + c), []).append((r, c))
    cells = []
    for positions in members.values():
        top = min(r for r, _ in positions)
        bottom = max(r for r, _ in positions)
        left = min(c for _, c in positions)
        right = max(c for _, c in positions)
        cells.append(
            GridCell(top, left, bottom - top + 1, right - left + 1, (xs[left], ys[top], xs[right + 1], ys[bottom + 1]))
        )
    cells.sort(key=lambda cell: (cell.row, cell.column))
    return Grid(ys=ys, xs=xs, cells=cells, box=(xs[0], ys[0], xs[-1], ys[-1]))
