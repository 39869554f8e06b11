"""The national indicator hierarchy of performance forms (绩效指标体系).

Every department fills the same two upper levels: 一级指标 (level 1) and
二级指标 (level 2). Knowing them lets a parser place a label that text
extraction printed on the wrong row or one column off: the label says which
level it is, whatever column it stands in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# level 1 -> its level-2 indicators. Spellings vary between provinces and years;
# aliases below fold them onto these canonical names.
HIERARCHY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    # Shanghai's forms name the outcome block 效果指标 (effect) and put satisfaction
    # under it; listed last so that a level-2 label alone still implies 效益指标.
    "效果指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"),
}

_ALIASES: dict[str, str] = {
    "产出": "产出指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "成本": "成本指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "可持续影响": "可持续影响指标",
    "生态环境成本": "生态环境成本指标",
    "生态成本指标": "生态环境成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
}

LEVEL1: frozenset[str] = frozenset(HIERARCHY)
LEVEL2: frozenset[str] = frozenset(name for names in HIERARCHY.values() for name in names)

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=16384)  # pure; every cell of every indicator row is asked, under each shift
def canonical(label: str) -> str:
    """The label without white space, folded onto its canonical spelling."""
    compact = _SPACE.sub("", label)
    return _ALIASES.get(compact, compact)


def level_of(label: str) -> int | None:
    """1 or 2 for a known upper-level label, None for anything else.

    成本指标 is both a level-1 name (newer forms) and a level-2 name under 产出指标
    (older forms); it is reported as level 1 and callers decide by context.
    """
    name = canonical(label)
    if name in LEVEL1:
        return 1
    if name in LEVEL2:
        return 2
    return None


def parent_of(level2: str) -> str | None:
    """The level-1 indicator a level-2 one belongs to (the first, when ambiguous)."""
    name = canonical(level2)
    for level1, children in HIERARCHY.items():
        if name in children:
            return level1
    return None


def resolve_levels(
    labels: list[tuple[str | None, str | None]], label_first: bool = True
) -> list[tuple[str | None, str | None, int | None, int | None]]:
    """Give every indicator row its level-1 and level-2 indicator.

    ``labels`` holds, per row, the canonical level-1 and level-2 labels printed
    on that row (None where the row prints none: the cell is merged with a
    neighbour's). The result holds, per row, (level1, level2, index of the row
    that printed level1, index of the row that printed level2).

    A printed level-2 label implies its level-1 parent. A row without labels
    belongs to the block of the nearest labelled row above, the usual print of
    merged cells (``label_first``); rows before the first label belong to the
    block below, and with ``label_first=False`` (labels printed in the middle
    of their block) a run between two different blocks is split between them.
    A level-2 label is only taken from a row of the same level-1 block.
    """
    count = len(labels)
    level1: list[str | None] = []
    block: str | None = None  # the level-1 label printed last
    for one, two in labels:
        block = one or block
        # A level-2 label alone belongs to the block above when that block holds it
        # (社会效益指标 under 效果指标), else to its usual parent.
        parent = (block if block and two in HIERARCHY.get(block, ()) else parent_of(two)) if two else None
        level1.append(one or parent)
    anchors1 = [i for i in range(count) if level1[i] is not None]
    source1: list[int | None] = [i if level1[i] is not None else None for i in range(count)]
    for i in range(count):
        if level1[i] is not None:
            continue
        above = max((a for a in anchors1 if a < i), default=None)
        below = min((b for b in anchors1 if b > i), default=None)
        pick = _pick(i, above, below, level1, label_first)
        if pick is not None:
            level1[i] = level1[pick]
            source1[i] = source1[pick]
    result: list[tuple[str | None, str | None, int | None, int | None]] = []
    for i in range(count):
        two = labels[i][1]
        source2: int | None = i if two else None
        if two is None and level1[i] is not None:
            same = [j for j in range(count) if labels[j][1] and level1[j] == level1[i]]
            above = max((j for j in same if j < i), default=None)
            below = min((j for j in same if j > i), default=None)
            pick = _pick(i, above, below, None, label_first)
            if pick is not None:
                two = labels[pick][1]
                source2 = pick
        result.append((level1[i], two, source1[i], source2))
    return result


def _pick(
    index: int, above: int | None, below: int | None, values: list[str | None] | None, label_first: bool
) -> int | None:
    """The labelled row whose block holds row ``index``."""
    if above is None or below is None:
        return above if above is not None else below
    if values is not None and values[above] == values[below]:
        return above
    if label_first:
        return above
    # Labels in the middle of their blocks: the nearer label wins, ties go up.
    return above if index - above <= below - index else below


@lru_cache(maxsize=16384)  # pure; asked for every cell of every indicator row
def _label(cell: str) -> tuple[str, int | None]:
    """:func:`canonical` and :func:`level_of` of one cell, in one look-up."""
    return canonical(cell), level_of(cell)


class RowLabels(NamedTuple):
    """The level-1 and level-2 labels printed on one row and the cells holding them."""

    one: str | None = None
    two: str | None = None
    one_at: int | None = None
    two_at: int | None = None

    @property
    def used(self) -> list[int]:
        return [i for i in (self.one_at, self.two_at) if i is not None]


def labels_in(cells: list[str]) -> RowLabels:
    """The level-1 and level-2 labels among a row's cells, wherever they stand.

    成本指标 is a level-1 label, unless a level-1 label stands before it in the
    same row (older forms list it under 产出指标).
    """
    found = RowLabels()
    for index, cell in enumerate(cells):
        if not cell:  # most cells of a form row are empty, and "" is no label
            continue
        name, level = _label(cell)
        if level == 1 and found.one is not None and name == "成本指标" and found.two is None:
            found = found._replace(two=name, two_at=index)
        elif level == 1 and found.one is None:
            found = found._replace(one=name, one_at=index)
        elif level == 2 and found.two is None:
            found = found._replace(two=name, two_at=index)
    return found
