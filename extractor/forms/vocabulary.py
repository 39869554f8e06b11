"""The national indicator hierarchy of performance forms (绩效指标体系).

Every department fills the same two upper levels: 一级指标 (level 1) and
二级指标 (level 2). Knowing them lets a parser place a label that text
extraction printed on the wrong row or one column off: the label says which
level it is, whatever column it stands in.
"""

from __future__ import annotations

import re

# level 1 -> its level-2 indicators. Spellings vary between provinces and years;
# aliases below fold them onto these canonical names.
HIERARCHY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
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
