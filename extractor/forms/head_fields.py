"""The header fields of a performance form as the family spells them.

项目名称 (project), 主管部门 (the department in charge: 主管部门 / 项目主管部门 /
主管单位 / 主管部门及编码) and 实施单位 (the unit that carries the project out:
实施单位 / 项目实施单位 / 预算单位). Both layouts (tab-separated and line flow)
read them through here.
"""

from __future__ import annotations

import re
from typing import Literal

HeadField = Literal["project_name", "department", "implementing_unit"]

_DEPARTMENT = r"(?:项目)?主管(?:部门|单位)(?:及(?:编码|代码))?"
_IMPLEMENTING_UNIT = r"(?:项目)?(?:实施|预算)单位"
# A label at the start of a cell (tab layout).
LABEL = re.compile(rf"^(?:项目名称|{_DEPARTMENT}|{_IMPLEMENTING_UNIT}|项目级次)")
# A label anywhere in a line, its colon included (line flow).
LABEL_IN_LINE = re.compile(rf"(项目名称|{_DEPARTMENT}|{_IMPLEMENTING_UNIT})[:：]?")
# A department printed with its code: "name-601" under any label; "name 601" too where
# the label announces the code (主管部门及编码 / 及代码).
_CODE = re.compile(r"\s*[-－—_]\s*\d{3,}$")
_ANNOUNCED_CODE = re.compile(r"\s*[-－—_]?\s*\d{3,}$")


def field_of(label: str) -> HeadField | None:
    """The form field a header label names (spaces already removed), or None."""
    if label.startswith("项目名称"):
        return "project_name"
    if re.match(_DEPARTMENT, label):
        return "department"
    if re.match(_IMPLEMENTING_UNIT, label):
        return "implementing_unit"
    return None


def without_code(department: str, label: str) -> str:
    """The department's name without the code some forms print after it."""
    code = _ANNOUNCED_CODE if "编码" in label or "代码" in label else _CODE
    return code.sub("", department)
