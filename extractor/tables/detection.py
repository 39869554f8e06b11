"""Finding the fixed tables of a report: titles, 公开NN表 / 预算表N labels, units.

A report announces its tables in its contents (目录) and prints each one as a
title line (``收入支出决算总表``), a label (``公开 01 表``; a 预算 prints
``收支总表(预算表1)``), a few metadata lines (部门：…, 单位：万元) and the
tab-separated body. Lines are classified here; :mod:`extractor.tables.extract`
walks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from extractor.document import Line
from extractor.document.segment import names_tables_part
from extractor.tables.cells import clean_text

LineKind = Literal["blank", "title", "marker", "meta", "part", "text", "tab"]

# 公开01表 / 公开 01 表 / 公开02 (the 表 printed on a later line, or not at all).
_MARKER = re.compile(r"公开\s*(\d{1,2})\s*表?")
_MARKER_LINE = re.compile(r"^\s*公开\s*(\d{1,2})\s*表?\s*$")
# The number a 预算 prints after a table's title: (预算表1) / （预算表 4） / （预算表三） /
# 部门预算公开表1 / 预算公开表五; or, in brackets only, a bare (表1) / （附表 2） / （公开表3）,
# whose series (公开NN表 or 预算表N) follows from the report's kind.
_TABLE_NO = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_BUDGET_NO = re.compile(
    rf"[(（]?\s*(?:部门)?预算(?:公开)?表\s*{_TABLE_NO}\s*[)）]?"
    rf"|[(（]\s*(?:部门)?(?:决算)?(?:附|公开)?表\s*{_TABLE_NO}\s*[)）]"
)
_TITLE_PREFIX = re.compile(r"^(?:\d{4}年度?|本年度?|部门|预算单位|单位)+(?=.{4})")
# A contents entry's dot leaders and page number: "4．2025年部门…预算总表 ………… 12".
_LEADER = re.compile(r"\s*[…\.·．_]{2,}\s*(?:-?\s*\d{1,3}\s*-?)?\s*$")
_NAMES_ALL_TABLES = re.compile(r"\d{4}\s*年度?\s*(?:部门|单位)?(?:预算|决算)(?:公开)?报?表$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
_ENUMERATOR = re.compile(
    r"^(?:[-*•]\s*)?(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}\s*[、.．](?!\d)|\d{1,2}\s*[.．](?=\s*\d{4}\s*年))\s*"
)
_UNIT = re.compile(r"单位\s*[：:]\s*(万元|千元|亿元|元)")
# "部门：…", "单位名称：…", "编制日期：…": a short label and a colon.
_META = re.compile(r"^[^\s：:。，]{1,8}(?:[(（][^)）]*[)）])?\s*[：:]")
# Inside a tab row only these labels make a metadata cell ("其中：…" is a row name).
_TAB_META = re.compile(
    r"^(?:部门|单位|预算单位|编制单位|部门名称|单位名称|填报单位|金额单位|编制部门|报送单位|编制日期)"
    r"\s*(?:[(（][^)）]*[)）])?\s*[：:]"
)
_YEAR_LINE = re.compile(r"^\d{4}\s*年(?:度|\d{1,2}月(?:\d{1,2}日)?)?$")
_META_MAX = 60
_LONGEST_TITLE = 80
_PAGE_CELL = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
_PART = re.compile(r"第[一二三四五六七八九十]+部分")
_TITLE_WORDS = re.compile(r"收|支|预算|决算|经费|统计|资产|采购")
# Performance forms and score tables are other modules' business, not fixed tables.
_NOT_FIXED = re.compile(r"绩效|得分|评分|自评|目标表|申报表")

# The national 部门决算 template (财政部): a 决算 that prints no 公开NN label
# still means these tables by these titles.
FINAL_ACCOUNT_TITLES = {
    "收入支出决算总表": "公开01表",
    "收入决算表": "公开02表",
    "支出决算表": "公开03表",
    "财政拨款收入支出决算总表": "公开04表",
    "一般公共预算财政拨款支出决算表": "公开05表",
    "一般公共预算财政拨款基本支出决算明细表": "公开06表",
    "一般公共预算财政拨款基本支出决算表": "公开06表",
    "政府性基金预算财政拨款收入支出决算表": "公开07表",
    "国有资本经营预算财政拨款支出决算表": "公开08表",
    "财政拨款三公经费支出决算表": "公开09表",
    "一般公共预算财政拨款三公经费支出决算表": "公开09表",
}


@dataclass(frozen=True)
class LineInfo:
    """What one line says about tables."""

    kind: LineKind
    title: str | None = None  # cleaned title without enumerator or number
    label: str | None = None  # printed id: 公开01表 / 预算表3
    unit: str | None = None


# The kinds most lines get, built once (LineInfo is frozen: one object serves every line).
_BLANK = LineInfo("blank")
_TEXT = LineInfo("text")
_TAB = LineInfo("tab")


def _number(text: str) -> int:
    """``12`` or ``十二`` as an int (table numbers stay below 100)."""
    if text.isdigit():
        return int(text)
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _CHINESE_DIGITS.get(text, 0)
    return (_CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + _CHINESE_DIGITS.get(units, 0)


def marker_id(number: str) -> str:
    """公开NN表 with a two-digit number."""
    return f"公开{int(number):02d}表"


def title_key(title: str) -> str:
    """A title reduced for comparison: no spaces, quotes or brackets, and no
    leading 本年 / 部门 / year (the contents' 一般公共预算支出表 is the body's
    本年一般公共预算支出表)."""
    return _TITLE_PREFIX.sub("", re.sub(r"[\s“”\"'‘’「」]", "", title))


@lru_cache(maxsize=16384)  # pure; asked for every short line and tab cell
def parse_title(text: str) -> tuple[str, str | None] | None:
    """``(title, printed id)`` when ``text`` is a fixed table's title, else None."""
    text = _LEADER.sub("", clean_text(text))
    if not text or len(text) > 60 or _PART.search(text) or _NOT_FIXED.search(text):
        return None
    label = None
    budget = _BUDGET_NO.search(text)
    if budget:
        number = _number(budget.group(1) or budget.group(2))
        label = f"预算表{number}" if budget.group(1) else f"表{number}"
        text = (text[: budget.start()] + text[budget.end() :]).strip()
    marker = _MARKER.search(text)
    if marker and marker.start() > 0:
        label = marker_id(marker.group(1))
        text = (text[: marker.start()] + text[marker.end() :]).strip()
    text = _ENUMERATOR.sub("", text).strip()
    text = re.sub(r"^\d{4}\s*年度?", "", text)  # "2024年部门收支总表"
    if not text.endswith("表") or len(text) < 4 or re.search(r"[。，；：:,;]", text):
        return None
    # A part's heading ("二、2024年度部门决算表") names all the tables, not one of them.
    if text.startswith(("注", "本表", "说明")) or not _TITLE_WORDS.search(text) or names_tables_part(text):
        return None
    if _NAMES_ALL_TABLES.search(text):  # "…社会工作部2024年度部门决算表": the part, after the department
        return None
        return None
    return text, label


def classify(line: Line) -> LineInfo:
    """Classify one line for table detection."""
    if line.blank:
        return _BLANK
    return _classify_text(line.text)


@lru_cache(maxsize=16384)  # pure (LineInfo is frozen); page headers and header rows repeat
def _classify_text(text: str) -> LineInfo:
    """Classify the text of a line that is not blank."""
    if "\t" in text:
        return _classify_tab_line(text)
    text = text.strip()
    if len(text) > _LONGEST_TITLE:  # narrative: no title, label or metadata is this long
        return _TEXT
    marker = _MARKER_LINE.match(clean_text(text))
    if marker:
        return LineInfo("marker", label=marker_id(marker.group(1)))
    if clean_text(text) == "表":  # the tail of a 公开NN label broken by the export
        return LineInfo("meta")
    title = parse_title(text)
    if title:
        return LineInfo("title", title=title[0], label=title[1], unit=_unit(text))
    if _is_meta(text):
        return LineInfo("meta", unit=_unit(text))
    if _PART.search(text) and len(text) < 40:
        return LineInfo("part")
    return _TEXT


def _classify_tab_line(text: str) -> LineInfo:
    """A tab line is a title, metadata or contents entry when every filled cell is one."""
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    if not cells:
        return _BLANK
    exact_pair = len(text.strip().split("\t")) == 2
    if exact_pair and len(cells) == 2 and _PAGE_CELL.match(cells[1]) and not parse_title(cells[0]):
        # a contents entry that is not a table ("一、收入支出决算总体情况说明 <tab> 18")
        return LineInfo("part" if _PART.search(cells[0]) else "text")
    title: tuple[str, str | None] | None = None
    label = unit = None
    for index, cell in enumerate(cells):
        marker = _MARKER_LINE.match(clean_text(cell))
        if marker:
            label = marker_id(marker.group(1))
            continue
        parsed = parse_title(cell)
        if parsed and title is None:
            title = parsed
            label = label or parsed[1]
            continue
        if _is_meta(cell, _TAB_META):
            unit = unit or _unit(cell)
            continue
        # contents: "二、收入决算表 <tab> 5" / "... <tab> - 3 -"
        if index == len(cells) - 1 and index > 0 and title and _PAGE_CELL.match(cell):
            continue
        return _TAB
    if title:
        return LineInfo("title", title=title[0], label=label, unit=unit)
    if label:
        return LineInfo("marker", label=label, unit=unit)
    return LineInfo("meta", unit=unit)


@lru_cache(maxsize=16384)  # pure
def _is_meta(text: str, labels: re.Pattern[str] = _META) -> bool:
    text = clean_text(text)
    if len(text) > _META_MAX or text.startswith("注"):
        return False
    return bool(labels.match(text) or _YEAR_LINE.match(text) or _UNIT.search(text))


def _unit(text: str) -> str | None:
    match = _UNIT.search(clean_text(text))
    return match.group(1) if match else None


def is_final_account(infos: list[LineInfo]) -> bool:
    """True when the report's table titles are 决算 titles (its labels are 公开NN表)."""
    titles = [info.title for info in infos if info.kind == "title" and info.title]
    return sum("决算" in t for t in titles) > sum("预算" in t and "决算" not in t for t in titles)


def title_after(infos: list[LineInfo], index: int, window: int = 4) -> str | None:
    """The title printed right after a 公开NN label (the label-first layout), if any."""
    for info in infos[index + 1 : index + 1 + window]:
        if info.kind == "blank":
            continue
        return info.title if info.kind == "title" and not info.label else None
    return None


def learn_labels(infos: list[LineInfo], window: int = 8) -> dict[str, str]:
    """Title -> printed id, from titles carrying a number and 公开NN labels printed
    next to a title (right after it, or right before it)."""
    learned: dict[str, str] = {}
    last_title: tuple[int, str] | None = None
    for index, info in enumerate(infos):
        if info.kind == "title" and info.title:
            if info.label:
                learned.setdefault(title_key(info.title), info.label)
            last_title = (index, info.title)
        elif info.kind == "marker" and info.label:
            following = title_after(infos, index)
            if following:
                learned.setdefault(title_key(following), info.label)
            elif last_title and index - last_title[0] <= window:
                learned.setdefault(title_key(last_title[1]), info.label)
            last_title = None
        elif info.kind in ("tab", "text", "part"):
            last_title = None
    return learned


def resolve_id(title: str, label: str | None, learned: dict[str, str], final_account: bool) -> str:
    """The normalised id of a table: its printed id, else one learned or from the template, else the title."""
    if label:
        return _in_series(label, final_account)
    key = title_key(title)
    if key in learned:
        return _in_series(learned[key], final_account)
    if final_account and key in FINAL_ACCOUNT_TITLES:
        return FINAL_ACCOUNT_TITLES[key]
    return key


def _in_series(label: str, final_account: bool) -> str:
    """A bare 表N takes the report's own series: 公开NN表 in a 决算, 预算表N in a 预算."""
    if label.startswith("表"):
        number = label.removeprefix("表")
        return marker_id(number) if final_account else f"预算表{number}"
    return label
