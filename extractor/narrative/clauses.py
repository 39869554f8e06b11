"""The words and figures of narrative prose: the patterns that find figure
mentions (amount, change, share, completion, 持平), splitting a paragraph into
sentences, segments and clauses, and telling a metric name from other words.

:mod:`extractor.narrative.statements` assembles what these find into statements.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A printed number: 1,995.86 / 12359.1 / -2,492.41; never part of 2023-2024 or 7.496,5.
NUM = r"(?<![\d.,])[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)(?![.,]\d)"
_UNIT = r"(?P<unit>亿元|万元|千元|元)"
# "100 万元（含）以上设备", "20元/吨": thresholds and rates, not amounts.
_NOT_THRESHOLD = r"(?!\s*(?:[（(]\s*含|及?以上|以下|以内|左右|/|每))"
_INC = "增加|增长|上升|提高|增多"
_DEC = "减少|下降|降低|节约|节省"

DOWN = re.compile(rf"{_DEC}|降幅|减幅")
_AMOUNT = re.compile(rf"(?P<num>{NUM})\s*{_UNIT}{_NOT_THRESHOLD}")
_CHANGE_AMOUNT = re.compile(
    rf"(?P<verb>{_INC}|{_DEC})(?:了)?(?:额度?)?(?:为|达)?\s*(?P<num>{NUM})\s*{_UNIT}{_NOT_THRESHOLD}"
)
_CHANGE_PCT = re.compile(
    rf"(?P<verb>增长率|增长幅度|增幅|下降率|下降幅度|降幅|减幅|{_INC}|{_DEC})(?:了)?(?:为|达)?\s*(?P<num>{NUM})\s*%"
)
_COMPLETION = re.compile(
    rf"(?:完成(?:了)?(?:年初|全年|调整后)?预算(?:数)?的|(?:为|占|达到?)(?:年初|全年|调整后)预算(?:数)?的"
    rf"|预算完成率(?:为|达)?)\s*(?P<num>{NUM})\s*%"
)
_SHARE = re.compile(
    rf"占(?!用|有)(?:比(?:例|重)?(?:为|是|达)?|[^，。；：%\d]{{0,40}}?的(?:比例|比重)?(?:为|是)?|)\s*(?P<num>{NUM})\s*%"
)
_PRIOR_REF = r"(?:上年|去年|上一年度?|上年度|上年同期|(?:19|20)\d\d\s*年度?)"
_FLAT = re.compile(
    rf"(?:与|和|同|较|比)\s*{_PRIOR_REF}[^，。；\d]{{0,24}}?(?:持平|相同|相等|一致|不变|无变化|没有变化)|同比持平"
)
COMPARATOR = re.compile(
    rf"(?:与|和|同)\s*{_PRIOR_REF}[^，。；]{{0,20}}?相比|同比|环比|(?<![占对])比(?!例|重|率|较)"
    rf"|较(?=\s*(?:上|去|前|同|(?:19|20)\d\d))"
)
REASON = re.compile(
    r"主要原因(?:是|为|在于|系)?(?:由于|因为)?\s*[：:]?|(?<!问题及)原因(?:是|为|在于|系)\s*[：:]?"
    r"|主要(?:是|系|由于|因为)(?!用于|主要用于|包括|指)"
)
PRIOR_LEAD = re.compile(
    r"^(?:比|较)?\s*(?:上年|去年|上一年度?|上年度|上年同期)(?:决算数?|支出|预算数?|实际(?:执行)?数?)?(?:为|是|的)?$"
)

# Used with .match(text, pos): no "^", which would anchor at the start of the whole text.
LEAD_STRIP = re.compile(
    r"(?:\s+|[、，,：:；]|\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]|[①-⑳]|其中|主要包括|包括|主要用于以下方面|共涉及|涉及|另外|此外"
    r"|[^，。；的]{0,12}?\d+\s*(?:户|个|家|人|名|项)[^，。；的\d]{0,12}的)"  # "部门本级1家行政单位的…"
)
YEAR = re.compile(r"(?:19|20)\d\d(?=\s*年)")
TRAIL_STRIP = re.compile(r"(?:\s+|均为|各为|分别为|为|是|约|共计|共|各|均|分别|的|[，,、：:])$")
STRONG_BUDGET = re.compile(r"(?:年初预算|全年预算|调整后预算)数?$")
WEAK_BUDGET = re.compile(r"(?:预算数?|预算指标)$")
ACTUAL_AHEAD = re.compile(
    rf"(?:支出决算|决算数|执行数|实际支出|实际执行)(?:为|是)?\s*{NUM}\s*(?:亿元|万元|千元|元)"
)
GENERIC_ACTUAL = re.compile(
    r"^(?:全年|本年|当年|该项目)?(?:支出决算数?|决算数|决算支出|执行数|实际执行数?|实际支出数?|支出)?$"
)
# Words that restate "the figure just named" rather than name a metric ("2024 年预算数比…减少").
GENERIC = re.compile(
    r"^(?:本年|当年|今年|全年|本年度|该项目)?(?:支出决算数?|决算数?|决算支出|执行数|实际执行数?"
    r"|实际支出数?|支出|收入|预算数?|支出预算数?|金额|资金)?$"
)
BARE = re.compile(r"^(?:支出|收入|金额|资金|预算数?|决算数?|预算金额)?$")
GENERIC_NAME = re.compile(r"^该?(?:项目)?(?:绩效)?$")
SELF_EVAL_NAME = re.compile(r"(?P<name>[^。；：:，]{2,80}?)(?:项目)?(?:绩效)?自评情况\s*[：:]")
_IMPLAUSIBLE = re.compile(
    r"[=<>≤≥*/%＝每]|\d+\.\d+|万元|不低于|不超过|超过|低于|高于|以上|以下|[。；]|^(?:比|较|与|和)"
    r"|\d\s*(?:户|个|家|人|名|次|批|辆|台|套)|完成|发放|拨付|兑现|下达|促成|开展|签订|实现|需要"
)
# A statement that is only a change or a share must be about money, not "公众咨询量增长 15%".
MONEY = re.compile(r"(?:金额|支出|收入|经费|资金|费|预算数?|决算数?|总额|合计|总计|结转|成本)$")
# "1.一般公共服务（类）发展与改革事务（款）其他发展" taken for a heading while the item
# name wraps on into the paragraph ("与改革事务支出（项）。年初预算为…").
WRAPPED_ITEM = re.compile(r"^\s*\d{1,2}\s*[.、．]\s*(?P<body>[^。；：:，,]*[（(][类款][)）][^。；：:，,]*)$")
CORE = re.compile(r"(?:总计|合计|总额)$")  # "收入总计" is named "收入" in a reason
_CJK = re.compile(r"[\u4e00-\u9fff]")
TABULAR = re.compile(r"\d\s+\d")
# The header of a performance form or score sheet flowed into a paragraph.
FORM_HEADER = re.compile(r"一级指标.{0,6}二级指标|年度指标值|实际完成值")


# Mention kinds in order of precedence, with the character a clause must hold for
# the pattern to match there ("%" for percentages, 元 for amounts): the patterns
# are not run on clauses that cannot hold them.
MENTIONS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("completion", _COMPLETION, "%"),
    ("share", _SHARE, "%"),
    ("change_pct", _CHANGE_PCT, "%"),
    ("change_amount", _CHANGE_AMOUNT, "元"),
    ("flat", _FLAT, ""),
    ("amount", _AMOUNT, "元"),
)
# Every _FLAT match ends on one of these words: a clause without them is not searched.
FLAT_HINT = re.compile("持平|相同|相等|一致|不变|变化")
# The last character of a TRAIL_STRIP match, white space aside: a name ending in any
# other character has nothing to trim.
TRAIL_LAST = frozenset("为是约计共各均别的，,、：:")


def split_marks(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` between any of ``marks`` (non-empty ones only)."""
    spans: list[tuple[int, int]] = []
    begin = start
    for mark in _marks_pattern(marks).finditer(text, start, end):
        index = mark.start()
        if text[begin:index].strip():
            spans.append((begin, index))
        begin = index + 1
    if text[begin:end].strip():
        spans.append((begin, end))
    return spans


@lru_cache(maxsize=16)
def _marks_pattern(marks: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(marks)}]")


_SPACES = re.compile(r"\s+")
_CLAUSE_MARK = re.compile(r"[，：:；,]")


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses split at ， ： and at ASCII commas that are not thousands separators."""
    spans: list[tuple[int, int]] = []
    begin = start
    for mark in _CLAUSE_MARK.finditer(text, start, end):
        index = mark.start()
        if (
            mark.group() == ","
            and index > 0
            and text[index - 1].isdigit()
            and text[index + 1 : index + 2].isdigit()
        ):
            continue  # a thousands separator (or a digit grouping) inside a figure
        if text[begin:index].strip():
            spans.append((begin, index))
        begin = index + 1
    if text[begin:end].strip():
        spans.append((begin, end))
    return spans


def trim_reason(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the leading 是/为/colon and the trailing punctuation of a reason."""
    while start < end and text[start] in " ：:，,是为":
        start += 1
    while end > start and text[end - 1] in " 。；;，,":
        end -= 1
    return start, end


def figure_value(match: re.Match[str]) -> float:
    """The number a mention's ``num`` group prints (thousands separators dropped)."""
    return float(match.group("num").replace(",", ""))


def plausible_metric(metric: str) -> bool:
    """True when ``metric`` reads as a name (two CJK characters or more, no figures, no verbs)."""
    return len(_CJK.findall(metric)) >= 2 and len(metric) <= 60 and not _IMPLAUSIBLE.search(metric)


def same_metric(text: str, span: tuple[int, int], metric: str) -> bool:
    """True when ``text[span]`` and ``metric`` are the same name, spaces aside."""
    return _SPACES.sub("", text[span[0] : span[1]]) == _SPACES.sub("", metric)
