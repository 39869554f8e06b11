"""Tab-separated rows: cells with their offsets, and reading an indicator row.

Text extraction of a table prints each row as tab-separated cells, but not
always under the right header: a row may stand one or two columns left or
right, a merged cell's text may land in column 0. :func:`best_reading` tries
the column shifts and keeps the one that reads the row most plausibly
(numbers under 权重/得分, a quantity under 指标值, a name under 三级指标).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extractor.document.source import Line
from extractor.forms.detect import compact
from extractor.forms.targets import is_target
from extractor.numbers import try_amount

CAPTION = "绩效指标"  # the caption cell of the indicator block, never a value
_CJK = r"[\u4e00-\u9fff，、。；：“”‘’（）《》]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
_SHIFTS = range(-3, 4)


class Cell(NamedTuple):
    """One tab-separated cell: stripped text and its offsets in the normalised line.
    A named tuple: forms make one per cell of every row, and it is cheap to build."""

    col: int
    text: str
    start: int
    end: int

    @property
    def flat(self) -> str:
        return compact(self.text)


def row_cells(line: Line) -> list[Cell]:
    """The cells of a line with their column index and offsets."""
    cells: list[Cell] = []
    append = cells.append
    offset = 0
    col = 0
    for raw in line.text.split("\t"):
        if raw:
            stripped = raw.strip()
            # strip() hands back the cell itself when there is nothing to strip (most cells)
            start = offset if stripped is raw else offset + len(raw) - len(raw.lstrip())
            append(Cell(col, stripped, start, start + len(stripped)))
            offset += len(raw) + 1
        else:  # tab padding: most cells of a form row are empty
            append(Cell(col, "", offset, offset))
            offset += 1
        col += 1
    return cells


def tidy(text: str) -> str:
    """A label as meant: spaces that PDF extraction put between Chinese characters dropped."""
    return _CJK_GAP.sub("", text.strip())


def is_indicator_header(cells: list[Cell]) -> bool:
    """True for the header row of the indicator table (一级指标 … 三级指标 …)."""
    # A cell reading 三级指标 holds 标: most rows do not, and are not compacted cell by cell.
    for cell in cells:
        if "标" in cell.text:
            break
    else:
        return False
    flats = {c.flat for c in cells}
    return "三级指标" in flats and ("一级指标" in flats or "二级指标" in flats)


def indicator_columns(cells: list[Cell]) -> dict[str, int]:
    """Field -> column, from the header's names (the first match of each field wins)."""
    cols: dict[str, int] = {}
    for cell in cells:
        name = cell.flat
        if not name:
            continue
        field_name = _header_field(name)
        if field_name is not None and field_name not in cols:
            cols[field_name] = cell.col
    return cols


def _header_field(name: str) -> str | None:
    if name == CAPTION:
        return "caption"
    for level, key in (("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3")):
        if name.startswith(level):
            return key
    if "校验" in name or "复核" in name:
        return "check"
    if "偏差" in name or "原因" in name or "改进措施" in name:
        return "deviation_reason"
    if "得分" in name or name == "评分":
        return "score"
    if "权重" in name or "分值" in name:
        return "weight"
    if "实际" in name or "完成值" in name or "完成情况" in name:
        return "actual"
    # Target forms of some provinces print the target over three columns:
    # 指标性质 (≥ / = / 定性), 指标值 and 度量单位 (计量单位).
    if name == "指标性质":
        return "nature"
    if name in ("度量单位", "计量单位", "单位"):
        return "unit"
    if "指标值" in name or "目标值" in name:
        return "target"
    return None


_VALUE_FIELDS = ("level3", "target", "actual", "weight", "score", "deviation_reason", "check", "nature", "unit")


def best_reading(cols: dict[str, int], cells: list[Cell], labels: set[int]) -> tuple[int, dict[str, Cell]]:
    """The column shift that reads the row most plausibly, and the cells it gives."""
    best_rank: tuple[float, bool, int] | None = None
    best_shift, best_values = 0, {}
    # The cells that may hold a value do not depend on the shift. A caption cell holds 效:
    # the others are not compacted to be compared with it.
    by_col = {
        c.col: c for c in cells if c.text and c.col not in labels and ("效" not in c.text or c.flat != CAPTION)
    }
    # The header columns of the value fields, looked up once for every shift tried.
    fields = [(name, cols[name]) for name in _VALUE_FIELDS if name in cols]
    distinct = len({col for _, col in fields}) == len(fields)
    level3 = cols.get("level3")
    for shift in _SHIFTS:
        if level3 is not None and level3 + shift < 0:
            continue
        score, values = _read_shifted(cols, fields, by_col, shift, distinct)
        # Ties go to the printed alignment, then to the smaller shift.
        rank = (score, shift == 0, -abs(shift))
        if best_rank is None or rank > best_rank:
            best_rank, best_shift, best_values = rank, shift, values
    if best_rank is None:
        return 0, {}
    return best_shift, best_values


def _reading(cols: dict[str, int], by_col: dict[int, Cell], shift: int) -> tuple[float, dict[str, Cell]]:
    """Read the row with every header column moved by ``shift``; score how plausible it is.

    ``by_col`` holds the row's candidate value cells by column. Numbers under
    权重/得分 weigh most (+3, a word there -3), then a quantity under 指标值 (+2),
    a name under 三级指标 (+1; a quantity there -2); every non-empty cell the
    reading leaves unused costs 2. A name that stands left of the 三级指标 column
    (a merged cell printed in column 0) is taken as the name when the column
    itself is empty.
    """
    fields = [(name, cols[name]) for name in _VALUE_FIELDS if name in cols]
    return _read_shifted(cols, fields, by_col, shift, len({col for _, col in fields}) == len(fields))


def _read_shifted(
    cols: dict[str, int], fields: list[tuple[str, int]], by_col: dict[int, Cell], shift: int, distinct: bool
) -> tuple[float, dict[str, Cell]]:
    """:func:`_reading` with the value fields present in ``cols`` (name, column) given,
    and whether their columns are ``distinct``."""
    values: dict[str, Cell] = {}
    for name, col in fields:
        cell = by_col.get(col + shift)
        if cell is not None:
            values[name] = cell
    score = 0.0
    # Each field has a column of its own (a header cell names one field), so the cells
    # found so far are distinct; only a name taken from the left may be one of them again.
    used = len(values)
    if "level3" not in values:
        level3_col = cols.get("level3", 0) + shift
        left = [c for col, c in by_col.items() if col < level3_col]
        if left:
            leftmost = left[-1]
            if all(cell is not leftmost for cell in values.values()):
                used += 1
            values["level3"] = leftmost
            score += 0.5
        else:
            score -= 1
    elif is_target(values["level3"].text):
        score -= 2
    else:
        score += 1
    for name in ("weight", "score"):
        if name in values:  # every field in values has its column in cols
            score += 3 if try_amount(values[name].text) is not None else -3
    if "target" in values:
        score += 2 if is_target(values["target"].text) else 1
    elif "target" in cols:
        score -= 1
    if "actual" in values:
        score += 1
    # Every cell of the reading comes from by_col: the unused ones are the rest of it.
    if not distinct:  # two fields under one column (never so from a header row)
        used = len({id(c) for c in values.values()})
    score -= 2 * (len(by_col) - used)
    values.pop("check", None)
    return score, values
