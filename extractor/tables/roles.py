"""Which fixed table plays which part, whatever the report numbers it.

A 决算 numbers its tables 公开01表..公开09表 in a fixed order; a 预算 prints
预算表1..9 but not always in the same order (the 三公 table of one budget is
unnumbered, its 预算表9 is the 项目支出表). Titles say what a table is, so the
role is read from the title first and from the 公开NN表 number second.
"""

from __future__ import annotations

import re
from enum import StrEnum

from extractor.tables.cells import norm
from schemas import Table


class Role(StrEnum):
    """The part a fixed table plays."""

    OVERVIEW = "收支总表"  # 收入支出决算总表 / 收支总表 (公开01表, 预算表1)
    INCOME = "收入表"  # 收入决算表 / 收入总表 (公开02表, 预算表2)
    EXPENDITURE = "支出表"  # 支出决算表 / 支出总表 (公开03表, 预算表3)
    APPROPRIATION = "财政拨款收支总表"  # 公开04表, 预算表4
    GENERAL_BUDGET = "一般公共预算支出表"  # 公开05表, 预算表5
    BASIC_DETAIL = "基本支出表"  # 一般公共预算(财政拨款)基本支出(决算明细)表, 公开06表
    FUND = "政府性基金表"  # 公开07表
    STATE_CAPITAL = "国有资本经营表"  # 公开08表
    SANGONG = "三公经费表"  # 财政拨款"三公"经费支出表, 公开09表
    OTHER = "其他"


# Order matters: the more specific title wins.
_TITLE_RULES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile("三公"), Role.SANGONG),
    (re.compile("政府性基金"), Role.FUND),
    (re.compile("国有资本经营"), Role.STATE_CAPITAL),
    (re.compile("基本支出"), Role.BASIC_DETAIL),
    (re.compile("财政拨款收(入)?支(出)?"), Role.APPROPRIATION),
    (re.compile("一般公共预算.*支出"), Role.GENERAL_BUDGET),
    (re.compile("收(入)?支(出)?(决算|预算)?总表"), Role.OVERVIEW),
    (re.compile(r"^(?:.*?年度?)?(?:部门)?收入(决算|预算)?总?表"), Role.INCOME),
    (re.compile(r"^(?:.*?年度?)?(?:部门)?支出(决算|预算)?总?表"), Role.EXPENDITURE),
)
_FINAL_ORDER = {
    1: Role.OVERVIEW, 2: Role.INCOME, 3: Role.EXPENDITURE, 4: Role.APPROPRIATION, 5: Role.GENERAL_BUDGET,
    6: Role.BASIC_DETAIL, 7: Role.FUND, 8: Role.STATE_CAPITAL, 9: Role.SANGONG,
}
_FINAL_ID = re.compile(r"公开\s*0?(\d{1,2})\s*表")


def role_of(table: Table) -> Role:
    """The role of a table, from its title, else from its 公开NN表 number."""
    title = norm(table.title)
    for pattern, role in _TITLE_RULES:
        if pattern.search(title):
            return role
    match = _FINAL_ID.search(norm(table.id))
    if match:
        return _FINAL_ORDER.get(int(match.group(1)), Role.OTHER)
    return Role.OTHER
