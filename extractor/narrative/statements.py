"""Quantitative statements read from 情况说明 (explanatory prose) by patterns.

The prose of a disclosure report states figures in a small set of shapes:
"基本支出 12359.1 万元，比上年增加 430.34 万元，增长 3.6%，主要是人员经费增加",
"年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 C%", "一般公共服务支出 34.96
万元，占 0.06%", "与上年持平". The reader walks a paragraph sentence by sentence
(。), segment by segment (；) and clause by clause (，), finds figure mentions
with their role (amount, budget, change, share, completion, flat) and gathers
them into one statement per metric. Everything it cannot attribute to a named
metric is left out: a missing statement is better than a wrong figure. Every
statement is grounded (:mod:`extractor.narrative.grounding`) before it is
returned, and dropped if its own quotes do not check out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.narrative.grounding import ground_statement
from extractor.narrative.paragraphs import Paragraph
from schemas import Direction, NarrativeStatement

# A printed number: 1,995.86 / 12359.1 / -2,492.41; never part of 2023-2024 or 7.496,5.
_NUM = r"(?<![\d.,])[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)(?![.,]\d)"
_UNIT = r"(?P<unit>亿元|万元|千元|元)"
# "100 万元（含）以上设备", "20元/吨": thresholds and rates, not amounts.
_NOT_THRESHOLD = r"(?!\s*(?:[（(]\s*含|及?以上|以下|以内|左右|/|每))"
_INC = "增加|增长|上升|提高|增多"
_DEC = "减少|下降|降低|节约|节省"

_DOWN = re.compile(rf"{_DEC}|降幅|减幅")
_AMOUNT = re.compile(rf"(?P<num>{_NUM})\s*{_UNIT}{_NOT_THRESHOLD}")
_CHANGE_AMOUNT = re.compile(
    rf"(?P<verb>{_INC}|{_DEC})(?:了)?(?:额度?)?(?:为|达)?\s*(?P<num>{_NUM})\s*{_UNIT}{_NOT_THRESHOLD}"
)
_CHANGE_PCT = re.compile(
    rf"(?P<verb>增长率|增长幅度|增幅|下降率|下降幅度|降幅|减幅|{_INC}|{_DEC})(?:了)?(?:为|达)?\s*(?P<num>{_NUM})\s*%"
)
_COMPLETION = re.compile(
    rf"(?:完成(?:了)?(?:年初|全年|调整后)?预算(?:数)?的|(?:为|占|达到?)(?:年初|全年|调整后)预算(?:数)?的"
    rf"|预算完成率(?:为|达)?)\s*(?P<num>{_NUM})\s*%"
)
_SHARE = re.compile(
    rf"占(?!用|有)(?:比(?:例|重)?(?:为|是|达)?|[^，。；：%\d]{{0,40}}?的(?:比例|比重)?(?:为|是)?|)\s*(?P<num>{_NUM})\s*%"
)
_PRIOR_REF = r"(?:上年|去年|上一年度?|上年度|上年同期|(?:19|20)\d\d\s*年度?)"
_FLAT = re.compile(
    rf"(?:与|和|同|较|比)\s*{_PRIOR_REF}[^，。；\d]{{0,24}}?(?:持平|相同|相等|一致|不变|无变化|没有变化)|同比持平"
)
_COMPARATOR = re.compile(
    rf"(?:与|和|同)\s*{_PRIOR_REF}[^，。；]{{0,20}}?相比|同比|环比|(?<![占对])比(?!例|重|率|较)"
    rf"|较(?=\s*(?:上|去|前|同|(?:19|20)\d\d))"
)
_REASON = re.compile(
    r"主要原因(?:是|为|在于|系)?(?:由于|因为)?\s*[：:]?|(?<!问题及)原因(?:是|为|在于|系)\s*[：:]?"
    r"|主要(?:是|系|由于|因为)(?!用于|主要用于|包括|指)"
)
_PRIOR_LEAD = re.compile(
    r"^(?:比|较)?\s*(?:上年|去年|上一年度?|上年度|上年同期)(?:决算数?|支出|预算数?|实际(?:执行)?数?)?(?:为|是|的)?$"
)

# Used with .match(text, pos): no "^", which would anchor at the start of the whole text.
_LEAD_STRIP = re.compile(
    r"(?:\s+|[、，,：:；]|\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]|[①-⑳]|其中|主要包括|包括|主要用于以下方面|共涉及|涉及|另外|此外"
    r"|[^，。；的]{0,12}?\d+\s*(?:户|个|家|人|名|项)[^，。；的\d]{0,12}的)"  # "部门本级1家行政单位的…"
)
_YEAR = re.compile(r"(?:19|20)\d\d(?=\s*年)")
_TRAIL_STRIP = re.compile(r"(?:\s+|均为|各为|分别为|为|是|约|共计|共|各|均|分别|的|[，,、：:])$")
_STRONG_BUDGET = re.compile(r"(?:年初预算|全年预算|调整后预算)数?$")
_WEAK_BUDGET = re.compile(r"(?:预算数?|预算指标)$")
_ACTUAL_AHEAD = re.compile(
    rf"(?:支出决算|决算数|执行数|实际支出|实际执行)(?:为|是)?\s*{_NUM}\s*(?:亿元|万元|千元|元)"
)
_GENERIC_ACTUAL = re.compile(
    r"^(?:全年|本年|当年|该项目)?(?:支出决算数?|决算数|决算支出|执行数|实际执行数?|实际支出数?|支出)?$"
)
# Words that restate "the figure just named" rather than name a metric ("2024 年预算数比…减少").
_GENERIC = re.compile(
    r"^(?:本年|当年|今年|全年|本年度|该项目)?(?:支出决算数?|决算数?|决算支出|执行数|实际执行数?"
    r"|实际支出数?|支出|收入|预算数?|支出预算数?|金额|资金)?$"
)
_BARE = re.compile(r"^(?:支出|收入|金额|资金|预算数?|决算数?|预算金额)?$")
_GENERIC_NAME = re.compile(r"^该?(?:项目)?(?:绩效)?$")
_SELF_EVAL_NAME = re.compile(r"(?P<name>[^。；：:，]{2,80}?)(?:项目)?(?:绩效)?自评情况\s*[：:]")
_IMPLAUSIBLE = re.compile(
    r"[=<>≤≥*/%＝每]|\d+\.\d+|万元|不低于|不超过|超过|低于|高于|以上|以下|[。；]|^(?:比|较|与|和)"
    r"|\d\s*(?:户|个|家|人|名|次|批|辆|台|套)|完成|发放|拨付|兑现|下达|促成|开展|签订|实现|需要"
)
# A statement that is only a change or a share must be about money, not "公众咨询量增长 15%".
_MONEY = re.compile(r"(?:金额|支出|收入|经费|资金|费|预算数?|决算数?|总额|合计|总计|结转|成本)$")
# "1.一般公共服务（类）发展与改革事务（款）其他发展" taken for a heading while the item
# name wraps on into the paragraph ("与改革事务支出（项）。年初预算为…").
_WRAPPED_ITEM = re.compile(r"^\s*\d{1,2}\s*[.、．]\s*(?P<body>[^。；：:，,]*[（(][类款][)）][^。；：:，,]*)$")
_CORE = re.compile(r"(?:总计|合计|总额)$")  # "收入总计" is named "收入" in a reason
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TABULAR = re.compile(r"\d\s+\d")
# The header of a performance form or score sheet flowed into a paragraph.
_FORM_HEADER = re.compile(r"一级指标.{0,6}二级指标|年度指标值|实际完成值")


# Mention kinds in order of precedence, with the character a clause must hold for
# the pattern to match there ("%" for percentages, 元 for amounts): the patterns
# are not run on clauses that cannot hold them.
_MENTIONS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("completion", _COMPLETION, "%"),
    ("share", _SHARE, "%"),
    ("change_pct", _CHANGE_PCT, "%"),
    ("change_amount", _CHANGE_AMOUNT, "元"),
    ("flat", _FLAT, ""),
    ("amount", _AMOUNT, "元"),
)


@dataclass
class _Draft:
    """A statement being gathered: values, their quotes (paragraph offsets), reasons."""

    metric: tuple[int, int]
    prefix: str = ""  # the start of a wrapped item name standing in the heading
    unit: str | None = None
    values: dict[str, float] = field(default_factory=dict)
    quotes: dict[str, tuple[int, int]] = field(default_factory=dict)
    direction: Direction | None = None
    reasons: list[tuple[int, int]] = field(default_factory=list)

    def put(self, name: str, value: float, quote: tuple[int, int], unit: str | None = None) -> bool:
        """Set a field once; amounts only in the statement's one unit (never converted)."""
        if name in self.values:
            return False
        if unit is not None:
            if self.unit is not None and unit != self.unit:
                return False
            self.unit = unit
        self.values[name] = value
        self.quotes[name] = quote
        return True


def extract_statements(paragraphs: list[Paragraph]) -> list[NarrativeStatement]:
    """The quantitative statements a pattern reader can get from the paragraphs,
    each grounded in its paragraph (statements whose quotes do not check out
    are dropped)."""
    statements: list[NarrativeStatement] = []
    for paragraph in paragraphs:
        if len(_TABULAR.findall(paragraph.model.text)) >= 3 or _FORM_HEADER.search(paragraph.model.text):
            continue  # table or score-sheet residue flowed into a paragraph, not prose
        for draft in _Reader(paragraph).read():
            statement = ground_statement(_to_model(draft, paragraph), paragraph)
            if statement.grounded:
                statements.append(statement)
    return statements


class _Reader:
    """Reads one paragraph into drafts."""

    def __init__(self, paragraph: Paragraph) -> None:
        self.text = paragraph.model.text
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.name: tuple[int, int] | None = None  # project named by "X自评情况："
        self.heading: tuple[int, int] | None = None  # a bare item-name sentence, e.g. "…（项）。"
        self.lead_in = ""
        path = paragraph.model.section_path
        wrapped = _WRAPPED_ITEM.match(path[-1]) if path else None
        if wrapped and not re.match(r"\s*\d", self.text):
            self.lead_in = wrapped.group("body").strip()
        self.touched: list[_Draft] = []
        self.previous_touched: list[_Draft] = []
        self.compared = False
        years = _YEAR.findall(self.text)
        # The report's own year is context, not part of a metric; an earlier year is ("2023 年年末结转结余").
        self.year_prefix = (
            re.compile(rf"[^《“\"，。]{{0,20}}?{max(years)}\s*年(?:度)?(?!初|末)") if years else None
        )

    def read(self) -> list[_Draft]:
        for start, end in _split(self.text, 0, len(self.text), "。！？!?"):
            self.previous_touched, self.touched, self.compared = self.touched, [], False
            self._sentence(start, end)
        return [d for d in self.drafts if d.values]

    def _sentence(self, start: int, end: int) -> None:
        heading = self.heading
        self.heading = None
        # The literal test first: the pattern is slow to fail on every sentence.
        name = _SELF_EVAL_NAME.search(self.text, start, end) if "自评情况" in self.text[start:end] else None
        if name:
            named = self._clean(name.start("name"), name.end("name"))
            # "…政务服务工作保障。绩效自评情况：": the name is the sentence before.
            self.name = heading if _GENERIC_NAME.match(self.text[named[0] : named[1]]) else named
        segments = _split(self.text, start, end, "；;")
        index = 0
        while index < len(segments):
            seg_start, seg_end = segments[index]
            reason = _REASON.search(self.text, seg_start, seg_end)
            body_end = reason.start() if reason else seg_end
            found = False
            for c_start, c_end in _clauses(self.text, seg_start, body_end):
                found |= self._clause(c_start, c_end, heading, end)
            if reason:
                index = self._reason(reason, segments, index, sentence_start=start)
            elif not found and len(segments) == 1 and self._bare_name(start, end):
                self.heading = self._clean(start, end)
            index += 1

    def _bare_name(self, start: int, end: int) -> bool:
        """A sentence that is only an item name ("…事业单位离退休（项）") names the figures that follow."""
        name_start, name_end = self._clean(start, end)
        text = self.text[name_start:name_end]
        if start == 0:
            text = self.lead_in + text
        return 2 <= len(text) <= 60 and not re.search(r"[，,：:]|\d{2,}", text) and _plausible(text)

    def _clause(self, start: int, end: int, heading: tuple[int, int] | None, sentence_end: int) -> bool:
        if _COMPARATOR.search(self.text, start, end):
            self.compared = True
        mentions: list[tuple[int, int, str, re.Match[str]]] = []
        # Percentages end in "%" and amounts in a unit ending in 元: a clause without
        # them cannot hold those mentions, so their patterns are not run on it.
        clause = self.text[start:end]
        for kind, pattern, needed in _MENTIONS:
            if needed and needed not in clause:
                continue
            for match in pattern.finditer(self.text, start, end):
                if all(match.end() <= s or match.start() >= e for s, e, _, _ in mentions):
                    mentions.append((match.start(), match.end(), kind, match))
        lead_start = start
        for m_start, m_end, kind, match in sorted(mentions, key=lambda item: item[0]):
            lead = (lead_start, m_start)
            if kind == "amount":
                self._amount(match, lead, heading, sentence_end)
            elif kind in ("change_amount", "change_pct"):
                self._change(match, lead, kind)
            elif kind == "flat":
                self._flat(match)
            elif kind == "share":
                self._share(match, lead)
            elif self.current is not None and self.current in self.touched + self.previous_touched:
                self._touch(self.current, "completion_pct", _value(match), (m_start, m_end))
            lead_start = m_end
        return bool(mentions)

    # -- mentions ---------------------------------------------------------

    def _amount(
        self, match: re.Match[str], lead: tuple[int, int], heading: tuple[int, int] | None, sentence_end: int
    ) -> None:
        value, unit = _value(match), match.group("unit")
        raw = self.text[lead[0] : lead[1]]
        raw_start = lead[0] + len(raw) - len(raw.lstrip())
        m_start, m_end = self._clean(*lead)
        metric = self.text[m_start:m_end]
        quote = (m_start if metric else match.start(), match.end())
        if _PRIOR_LEAD.match(raw.strip()) and self.current is not None:  # "上年为 100 万元"
            self._touch(self.current, "prior_amount", value, (raw_start, match.end()), unit)
            return
        budget = _STRONG_BUDGET.search(metric)
        if budget is None and _ACTUAL_AHEAD.search(self.text, match.end(), sentence_end):
            budget = _WEAK_BUDGET.search(metric)
        if budget is not None:
            name = self._clean(m_start, m_start + budget.start())
            if _GENERIC.match(self.text[name[0] : name[1]]) or _GENERIC_NAME.match(
                self.text[name[0] : name[1]]
            ):
                name = heading or self.name  # "项目全年预算数为…": the item named before
            if name is None or not _plausible(self._prefix(name) + self.text[name[0] : name[1]]):
                return
            draft = self._draft(name)
            self._touch(draft, "budget_amount", value, (m_start + budget.start(), match.end()), unit)
            return
        if _GENERIC_ACTUAL.match(metric):
            if self.current is not None and "budget_amount" in self.current.values:
                self._touch(self.current, "amount", value, quote, unit)
            return
        if _BARE.match(metric) or not _plausible(metric):
            return
        draft = self._draft((m_start, m_end))
        self._touch(draft, "amount", value, quote, unit)

    def _change(self, match: re.Match[str], lead: tuple[int, int], kind: str) -> None:
        comparator = _COMPARATOR.search(self.text, lead[0], lead[1])
        target = self._target(lead[0], comparator.start() if comparator else lead[1], kind)
        if target is None:
            return
        if not (comparator or self.compared or target.direction):
            return  # "增加 X 万元" with no 比上年 in sight is not a year-on-year change
        verb = match.group("verb")
        down = bool(_DOWN.match(verb))
        size = abs(_value(match))
        value = -size if down else size
        quote = (match.start(), match.end())
        unit = match.group("unit") if kind == "change_amount" else None
        if self._touch(target, kind, value, quote, unit) and target.direction is None:
            target.direction = "decrease" if down else "increase"
            target.quotes["direction"] = quote
        changes = [target.values[k] for k in ("change_amount", "change_pct") if k in target.values]
        if changes and all(v == 0 for v in changes) and target.direction != "flat":
            target.direction = "flat"  # "增加 0 万元，增长 0%"

    def _target(self, start: int, end: int, kind: str) -> _Draft | None:
        """The statement a change belongs to: the metric restated before it, else the current one."""
        m_start, m_end = self._clean(start, end)
        metric = self.text[m_start:m_end]
        if metric:
            same = [d for d in self.drafts if _same(self.text, d.metric, metric) and kind not in d.values]
            if same:
                return same[-1]
        if _GENERIC.match(metric):
            return self.current
        if not _plausible(metric) or not _MONEY.search(metric):
            return None
        draft = self._draft((m_start, m_end))
        return draft

    def _flat(self, match: re.Match[str]) -> None:
        draft = self.current
        if draft is None or draft.direction is not None:
            return
        draft.direction = "flat"
        draft.quotes["direction"] = (match.start(), match.end())
        self._mark(draft)

    def _share(self, match: re.Match[str], lead: tuple[int, int]) -> None:
        m_start, m_end = self._clean(*lead)
        metric = self.text[m_start:m_end]
        draft = self.current
        if (
            metric
            and not _GENERIC.match(metric)
            and (draft is None or not _same(self.text, draft.metric, metric))
        ):
            if not _plausible(metric) or not _MONEY.search(metric):
                return
            draft = self._draft((m_start, m_end))  # "货物采购…金额占货物支出金额的 4.1%"
        if draft is not None:
            self._touch(draft, "share_pct", _value(match), (match.start(), match.end()))

    def _reason(
        self, match: re.Match[str], segments: list[tuple[int, int]], index: int, sentence_start: int
    ) -> int:
        """Attach the stated reason; return the index of the last segment it covers."""
        colon = match.group().rstrip().endswith(("：", ":"))
        opening = not self.text[sentence_start : match.start()].strip()
        end = segments[index][1]
        pieces = [(match.end(), end)]
        if colon or opening:  # "主要原因：A；B。" runs on over segments that state no figures
            while index + 1 < len(segments) and not re.search(
                rf"{_NUM}\s*(?:亿元|万元|千元|元|%)",
                self.text[segments[index + 1][0] : segments[index + 1][1]],
            ):
                index += 1
                pieces.append(segments[index])
        reasons = [r for r in (_trim(self.text, *p) for p in pieces) if r[1] > r[0]]
        if opening:
            targets = [d for d in self.previous_touched if d.direction] or self.previous_touched[-1:]
        elif colon:
            targets = [d for d in self.touched if d.direction and not d.reasons]
        else:
            targets = []
        if not targets and self.current is not None and not opening:
            targets = [self.current]
        # Only a change or a budget deviation has a cause; a bare amount does not.
        targets = [d for d in targets if d.direction or {"completion_pct", "budget_amount"} & d.values.keys()]
        for draft, own in self._pair(targets, reasons):
            known = {self.text[s:e] for s, e in draft.reasons}
            draft.reasons.extend(r for r in own if self.text[r[0] : r[1]] not in known)
        return index

    def _pair(
        self, targets: list[_Draft], reasons: list[tuple[int, int]]
    ) -> list[tuple[_Draft, list[tuple[int, int]]]]:
        """Each statement with its reasons. One reason clause for several statements
        ("…导致收入减少；人员经费增加，导致支出增加") is split when every clause names a
        statement's metric (收入 / 支出) and every statement is named; otherwise all share all."""
        if len(targets) > 1:
            cores = [_CORE.sub("", self.text[d.metric[0] : d.metric[1]]) for d in targets]
            if all(cores) and all(any(c in self.text[s:e] for c in cores) for s, e in reasons):
                # The metric named last is the effect ("…压减一般性支出预算，导致收入减少").
                owners = [
                    max(range(len(cores)), key=lambda i: self.text[s:e].rfind(cores[i])) for s, e in reasons
                ]
                if set(owners) == set(range(len(targets))):
                    return [
                        (d, [r for r, o in zip(reasons, owners) if o == i]) for i, d in enumerate(targets)
                    ]
        return [(d, reasons) for d in targets]

    # -- helpers ----------------------------------------------------------

    def _prefix(self, metric: tuple[int, int]) -> str:
        """The wrapped start of an item name, for a metric that opens the paragraph."""
        opens = metric[0] == 0 and re.search(r"[（(][项款][)）]", self.text[metric[0] : metric[1]])
        return self.lead_in if opens else ""

    def _draft(self, metric: tuple[int, int]) -> _Draft:
        """A new statement named by ``metric``."""
        draft = _Draft(metric=metric, prefix=self._prefix(metric))
        self.drafts.append(draft)
        return draft

    def _touch(
        self, draft: _Draft, name: str, value: float, quote: tuple[int, int], unit: str | None = None
    ) -> bool:
        done = draft.put(name, value, quote, unit)
        if done:
            self._mark(draft)
        return done

    def _mark(self, draft: _Draft) -> None:
        self.current = draft
        if draft not in self.touched:
            self.touched.append(draft)

    def _clean(self, start: int, end: int) -> tuple[int, int]:
        """Trim a metric to its name: no numbering, year, "其中", trailing 为/均为."""
        text = self.text
        while True:
            before = (start, end)
            for pattern in (_LEAD_STRIP, self.year_prefix):
                found = pattern.match(text, start, end) if pattern else None
                if found and found.end() > start:
                    start = found.end()
            found = _TRAIL_STRIP.search(text, start, end)
            if found and found.start() < end:
                end = found.start()
            if (start, end) == before:
                return start, end


def _split(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
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


_CLAUSE_MARK = re.compile(r"[，：:；,]")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ：:，,是为":
        start += 1
    while end > start and text[end - 1] in " 。；;，,":
        end -= 1
    return start, end


def _value(match: re.Match[str]) -> float:
    return float(match.group("num").replace(",", ""))


def _plausible(metric: str) -> bool:
    return len(_CJK.findall(metric)) >= 2 and len(metric) <= 60 and not _IMPLAUSIBLE.search(metric)


def _same(text: str, span: tuple[int, int], metric: str) -> bool:
    return re.sub(r"\s+", "", text[span[0] : span[1]]) == re.sub(r"\s+", "", metric)


def _to_model(draft: _Draft, paragraph: Paragraph) -> NarrativeStatement:
    text = paragraph.model.text
    quotes = dict(draft.quotes)
    quotes["metric"] = draft.metric
    reasons = [text[s:e] for s, e in draft.reasons]
    for index, span in enumerate(draft.reasons):
        quotes[f"reasons[{index}]"] = span
    return NarrativeStatement(
        paragraph_id=paragraph.model.id,
        metric=draft.prefix + text[draft.metric[0] : draft.metric[1]],
        unit=draft.unit,
        direction=draft.direction,
        reasons=reasons,
        evidence={key: text[s:e] for key, (s, e) in quotes.items()},
        provenance={key: paragraph.span(s, e) for key, (s, e) in quotes.items()},
        source="rules",
        **draft.values,
    )
