"""The columns of a table body printed in line flow (see :mod:`extractor.tables.flow`):
named by the header's words where they map one to one onto the value columns, else
by the national template of the table's role when the count matches, else 列1, 列2 ….
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.tables.cells import clean_text, is_integer
from extractor.tables.header import ENUMERATED
from extractor.tables.roles import Role

# Header words that name the label columns, not a value column.
_LABELS = re.compile(
    r"^(?:项目|科目|科目代码|科目编码|科目名称|功能分类科目|行次|栏次|代码|编码|名称|收入|支出|类|款|项"
    # 功能分类科目编码 / 部门经济分类科目名称: the split code's and the name's columns.
    r"|(?:部门)?(?:功能|经济|部门经济|部门预算经济|政府预算经济)分类科目(?:代码|编码|名称)?)$"
)
_TEMPLATE_NOTE = "column names from the national template ({role}): the header words do not map one to one"
GENERIC_NOTE = "column names generic (列N): neither the header words nor a template map onto the columns"
_HEADER_NOTE = "column names from the header"

# The national templates: value columns by role, for a body whose header words do not
# map one to one (words broken across tokens, headers over two lines).
_CAR = "公务用车购置及运行维护费"
_SANGONG = f"合计 因公出国(境)费 {_CAR}/小计 {_CAR}/公务用车购置费 {_CAR}/公务用车运行维护费 公务接待费".split()
_SPENT = "本年支出/小计 本年支出/基本支出"
_TEMPLATES: dict[Role, list[list[str]]] = {
    Role.INCOME: ["本年收入合计 财政拨款收入 上级补助收入 事业收入 经营收入 附属单位上缴收入 其他收入".split()],
    Role.EXPENDITURE: ["本年支出合计 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出".split()],
    Role.GENERAL_BUDGET: [
        f"{_SPENT} 本年支出/项目支出".split(),
        f"{_SPENT}/小计 本年支出/基本支出/人员经费 本年支出/基本支出/公用经费 本年支出/项目支出".split(),
    ],
    Role.FUND: [f"年初结转和结余 本年收入 {_SPENT} 本年支出/项目支出 年末结转和结余".split()],
    Role.STATE_CAPITAL: ["本年支出/合计 本年支出/基本支出 本年支出/项目支出".split()],
    Role.SANGONG: [[f"预算数/{k}" for k in _SANGONG] + [f"决算数/{k}" for k in _SANGONG]],
    Role.BASIC_DETAIL: [["决算数"]],
}
# Two-sided tables: the value columns of each side.
_SIDED_TEMPLATES: dict[Role, list[tuple[list[str], list[str]]]] = {
    Role.OVERVIEW: [(["决算数"], ["决算数"])],
    Role.APPROPRIATION: [
        (["决算数"], "合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款".split())
    ],
}


@dataclass
class Shape:
    """What the header says: value columns per segment, sides, 行次, groups."""

    segments: list[list[str]]  # the value column keys of each segment
    sides: list[str | None]
    rownum: bool
    grouped: bool
    notes: list[str] = field(default_factory=list)


def numbering(text: str) -> list[int] | None:
    """The value columns per side printed by a 栏次 row, or None for any other line."""
    if not re.match(r"^栏\s*次", text):
        numbers = text.split()
        if len(numbers) >= 2 and all(is_integer(n) for n in numbers) and numbers[0] == "1":
            if [int(n) for n in numbers] == list(range(1, len(numbers) + 1)):
                return [len(numbers)]
        return None
    parts = re.split(r"栏\s*次", text)[1:]
    counts = [len(p.split()) for p in parts]
    return counts if all(all(is_integer(n) for n in p.split()) for p in parts) else None


def column_shape(texts: list[str], role: Role, widest: int) -> Shape | None:
    """Segments and column keys of a body from its header lines ``texts``: the header's
    words where they map one to one, else the national template of ``role``, else 列N.
    ``widest`` (the most figures on a row) gives the count when no 栏次 row does."""
    joined = clean_text("".join(texts))
    numbers = next((n for n in map(numbering, texts) if n), None)
    rownum = "行次" in joined
    codes = len(re.findall(r"科目\s*(?:代码|编码)", "".join(texts)))
    if codes >= 2:  # grouped: 科目代码 科目名称 决算数, repeated across the line
        line = next(t for t in texts if len(re.findall(r"科目\s*(?:代码|编码)", t)) >= 2)
        groups = [[w for w in _words(p) if not _LABELS.match(w)] for p in re.split(r"科目\s*(?:代码|编码)", line)[1:]]
        if groups and all(g == groups[0] for g in groups) and groups[0]:
            named = [_HEADER_NOTE]
            return Shape([groups[0]] * len(groups), [None] * len(groups), False, True, named)
        return None
    if (numbers and len(numbers) == 2) or "收入支出" in joined.replace("项目", ""):
        counts = numbers if numbers and len(numbers) == 2 else None
        for line in texts:  # "项目 行次 金额 项目 行次 合计 …": the words of each side, after its 项目
            sides = [[w for w in _words(p) if not _LABELS.match(w)] for p in re.split(r"项\s*目", line)[1:]]
            if len(sides) == 2 and counts == [len(sides[0]), len(sides[1])]:
                keys = [[f"收入/{k}" for k in sides[0]], [f"支出/{k}" for k in sides[1]]]
                return Shape(keys, ["收入", "支出"], rownum, False, [_HEADER_NOTE])
        for income, expense in _SIDED_TEMPLATES.get(role, []):
            if counts is None or counts == [len(income), len(expense)]:
                keys = [[f"收入/{k}" for k in income], [f"支出/{k}" for k in expense]]
                return Shape(keys, ["收入", "支出"], rownum, False, [_TEMPLATE_NOTE.format(role=role)])
        if counts is None:
            return None
        keys = [[f"{side}/列{i + 1}" for i in range(n)] for side, n in zip(("收入", "支出"), counts, strict=True)]
        return Shape(keys, ["收入", "支出"], rownum, False, [GENERIC_NOTE])
    count = numbers[0] if numbers else None
    # Section rows ("一、政府采购情况") printed above a header are not column names.
    named = [t for t in texts if not ENUMERATED.match(t.strip())]
    lines_with_words = [ws for ws in ([w for w in _words(t) if not _LABELS.match(w)] for t in named) if ws]
    lines_with_words = [ws for ws in lines_with_words if not all(is_integer(w) for w in ws)]
    if count is None:
        count = widest - (1 if rownum else 0)
    if len(lines_with_words) == 1 and len(lines_with_words[0]) == count:
        return Shape([lines_with_words[0]], [None], rownum, False, [_HEADER_NOTE])
    grouped = _under_one_heading(lines_with_words, count)
    if grouped is not None:
        return Shape([grouped], [None], rownum, False, [_HEADER_NOTE])
    for template in _TEMPLATES.get(role, []):
        if len(template) == count:
            return Shape([template], [None], rownum, False, [_TEMPLATE_NOTE.format(role=role)])
    generic = [f"列{i + 1}" for i in range(count)]
    return Shape([generic], [None], rownum, False, [GENERIC_NOTE])


def _under_one_heading(lines: list[list[str]], count: int) -> list[str] | None:
    """"支出预算" over "合计 基本支出 项目支出": the last line naming ``count`` columns, each
    under the single-word headings printed above it (支出预算/合计, …); None for any other
    header."""
    if count < 2 or len(lines) < 2 or len(lines[-1]) != count or any(len(words) != 1 for words in lines[:-1]):
        return None
    prefix = "/".join(words[0] for words in lines[:-1])
    return [f"{prefix}/{word}" for word in lines[-1]]


def _words(text: str) -> list[str]:
    return [clean_text(w) for w in text.split()]
