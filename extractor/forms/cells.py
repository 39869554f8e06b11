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


# ``tuple.__new__(Cell, fields)`` is ``Cell(*fields)`` without the generated
# Python-level ``__new__``: a form row has a dozen cells, most of them empty.
_new = tuple.__new__


def row_cells(line: Line) -> list[Cell]:
    """The cells of a line with their column index and offsets."""
    cells: list[Cell] = []
    offset = 0
    for col, raw in enumerate(line.text.split("\t")):
        if not raw:  # tab padding: most cells of a form row are empty
            cells.append(_new(Cell, (col, "", offset, offset)))
            offset += 1
            continue
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        cells.append(_new(Cell, (col, stripped, offset + lead, offset + lead + len(stripped))))
        offset += len(raw) + 1
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
    if "指标值" in name or "目标值" in name:
        return "target"
    return None


_VALUE_FIELDS = ("level3", "target", "actual", "weight", "score", "deviation_reason", "check")


def best_reading(cols: dict[str, int], cells: list[Cell], labels: set[int]) -> tuple[int, dict[str, Cell]]:
    """The column shift that reads the row most plausibly, and the cells it gives."""
    best: tuple[tuple[float, bool, int], int, dict[str, Cell]] | None = None
    # The cells that may hold a value do not depend on the shift.
    by_col = {c.col: c for c in cells if c.text and c.col not in labels and c.flat != CAPTION}
    for shift in _SHIFTS:
        if "level3" in cols and cols["level3"] + shift < 0:
            continue
        score, values = _reading(cols, by_col, shift)
        # Ties go to the printed alignment, then to the smaller shift.
        rank = (score, shift == 0, -abs(shift))
        if best is None or rank > best[0]:
            best = (rank, shift, values)
    if best is None:
        return 0, {}
    return best[1], best[2]


def _reading(cols: dict[str, int], by_col: dict[int, Cell], shift: int) -> tuple[float, dict[str, Cell]]:
    """Read the row with every header column moved by ``shift``; score how plausible it is.

    ``by_col`` holds the row's candidate value cells by column. Numbers under
    权重/得分 weigh most (+3, a word there -3), then a quantity under 指标值 (+2),
    a name under 三级指标 (+1; a quantity there -2); every non-empty cell the
    reading leaves unused costs 2. A name that stands left of the 三级指标 column
    (a merged cell printed in column 0) is taken as the name when the column
    itself is empty.
    """
    values: dict[str, Cell] = {}
    for name in _VALUE_FIELDS:
        if name in cols and cols[name] + shift in by_col:
            values[name] = by_col[cols[name] + shift]
    score = 0.0
    level3_col = cols.get("level3", 0) + shift
    if "level3" not in values:
        left = [c for col, c in by_col.items() if col < level3_col]
        if left:
            values["level3"] = left[-1]
            score += 0.5
        else:
            score -= 1
    elif is_target(values["level3"].text):
        score -= 2
    else:
        score += 1
    for name in ("weight", "score"):
        if name in cols and name in values:
            score += 3 if try_amount(values[name].text) is not None else -3
    if "target" in values:
        score += 2 if is_target(values["target"].text) else 1
    elif "target" in cols:
        score -= 1
    if "actual" in values:
        score += 1
    # Every cell of the reading comes from by_col: the unused ones are the rest of it.
    score -= 2 * (len(by_col) - len({id(c) for c in values.values()}))
    values.pop("check", None)
    return score, values
