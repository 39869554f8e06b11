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

from extractor.document.source import make_span
from extractor.narrative.clauses import (
    ACTUAL_AHEAD,
    BARE,
    COMPARATOR,
    CORE,
    DOWN,
    FLAT_HINT,
    FORM_HEADER,
    GENERIC,
    GENERIC_ACTUAL,
    GENERIC_NAME,
    LEAD_STRIP,
    MENTIONS,
    MONEY,
    NUM,
    PRIOR_LEAD,
    REASON,
    SELF_EVAL_NAME,
    STRONG_BUDGET,
    TABULAR,
    TRAIL_LAST,
    TRAIL_STRIP,
    WEAK_BUDGET,
    WRAPPED_ITEM,
    YEAR,
    figure_value,
    plausible_metric,
    same_metric,
    split_clauses,
    split_marks,
    trim_reason,
)
from extractor.narrative.grounding import ground_quotes
from extractor.narrative.paragraphs import Paragraph
from schemas import Direction, NarrativeStatement

_DIGIT = re.compile(r"\d")  # what NUM, and so every mention pattern, needs at least once
# Compiled once rather than looked up in re's cache on every call.
_OPENS_WITH_DIGIT = re.compile(r"\s*\d")
_NOT_A_NAME = re.compile(r"[，,：:]|\d{2,}")
_STATED_FIGURE = re.compile(rf"{NUM}\s*(?:亿元|万元|千元|元|%)")
_ITEM_LEVEL = re.compile(r"[（(][项款][)）]")


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
        text = paragraph.model.text
        # Every statement holds a figure, and every figure mention a digit: a paragraph
        # without one (nearly half of them) gives no statement.
        if not _DIGIT.search(text):
            continue
        if _tabular(text) or FORM_HEADER.search(text):
            continue  # table or score-sheet residue flowed into a paragraph, not prose
        for draft in _Reader(paragraph).read():
            statement = _grounded(draft, paragraph)
            if statement is not None:
                statements.append(statement)
    return statements


def _tabular(text: str) -> bool:
    """Three figures separated by spaces (``12 34``) or more: a table flowed into the text."""
    found = 0
    for _ in TABULAR.finditer(text):
        found += 1
        if found >= 3:
            return True  # the rest need not be counted
    return False


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
        wrapped = WRAPPED_ITEM.match(path[-1]) if path else None
        if wrapped and not _OPENS_WITH_DIGIT.match(self.text):
            self.lead_in = wrapped.group("body").strip()
        self.touched: list[_Draft] = []
        self.previous_touched: list[_Draft] = []
        self.compared = False
        years = YEAR.findall(self.text)
        # The report's own year is context, not part of a metric; an earlier year is ("2023 年年末结转结余").
        self.year = max(years) if years else ""
        self.year_prefix = (
            re.compile(rf"[^《“\"，。]{{0,20}}?{max(years)}\s*年(?:度)?(?!初|末)") if years else None
        )

    def read(self) -> list[_Draft]:
        for start, end in split_marks(self.text, 0, len(self.text), "。！？!?"):
            self.previous_touched, self.touched, self.compared = self.touched, [], False
            self._sentence(start, end)
        return [d for d in self.drafts if d.values]

    def _sentence(self, start: int, end: int) -> None:
        heading = self.heading
        self.heading = None
        # The literal test first: the pattern is slow to fail on every sentence.
        name = SELF_EVAL_NAME.search(self.text, start, end) if self.text.find("自评情况", start, end) >= 0 else None
        if name:
            named = self._clean(name.start("name"), name.end("name"))
            # "…政务服务工作保障。绩效自评情况：": the name is the sentence before.
            self.name = heading if GENERIC_NAME.match(self.text[named[0] : named[1]]) else named
        segments = split_marks(self.text, start, end, "；;")
        index = 0
        while index < len(segments):
            seg_start, seg_end = segments[index]
            segment = self.text[seg_start:seg_end]
            # Every reason opener holds 原因 or 主要: the pattern is slow to fail without.
            reason = (
                REASON.search(self.text, seg_start, seg_end) if "原因" in segment or "主要" in segment else None
            )
            body_end = reason.start() if reason else seg_end
            found = False
            for c_start, c_end in split_clauses(self.text, seg_start, body_end):
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
        return 2 <= len(text) <= 60 and not _NOT_A_NAME.search(text) and plausible_metric(text)

    def _clause(self, start: int, end: int, heading: tuple[int, int] | None, sentence_end: int) -> bool:
        clause = self.text[start:end]
        # Every comparator holds 比 or 较: the pattern is slow to fail on the clauses without.
        if ("比" in clause or "较" in clause) and COMPARATOR.search(self.text, start, end):
            self.compared = True
        # Every mention but 持平 prints a figure: a clause with neither (most) holds none.
        if not _DIGIT.search(clause) and not FLAT_HINT.search(clause):
            return False
        mentions: list[tuple[int, int, str, re.Match[str]]] = []
        # Percentages end in "%" and amounts in a unit ending in 元: a clause without
        # them cannot hold those mentions, so their patterns are not run on it.
        for kind, pattern, needed in MENTIONS:
            if needed and needed not in clause:
                continue
            if kind == "flat" and not FLAT_HINT.search(clause):
                continue
            for match in pattern.finditer(self.text, start, end):
                m_start, m_end = match.span()
                for s, e, _, _ in mentions:
                    if m_end > s and m_start < e:
                        break  # overlaps a mention of a kind that takes precedence
                else:
                    mentions.append((m_start, m_end, kind, match))
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
                self._touch(self.current, "completion_pct", figure_value(match), (m_start, m_end))
            lead_start = m_end
        return bool(mentions)

    # -- mentions ---------------------------------------------------------

    def _amount(
        self, match: re.Match[str], lead: tuple[int, int], heading: tuple[int, int] | None, sentence_end: int
    ) -> None:
        value, unit = figure_value(match), match.group("unit")
        raw = self.text[lead[0] : lead[1]]
        raw_start = lead[0] + len(raw) - len(raw.lstrip())
        m_start, m_end = self._clean(*lead)
        metric = self.text[m_start:m_end]
        quote = (m_start if metric else match.start(), match.end())
        if PRIOR_LEAD.match(raw.strip()) and self.current is not None:  # "上年为 100 万元"
            self._touch(self.current, "prior_amount", value, (raw_start, match.end()), unit)
            return
        budget = STRONG_BUDGET.search(metric)
        if budget is None and ACTUAL_AHEAD.search(self.text, match.end(), sentence_end):
            budget = WEAK_BUDGET.search(metric)
        if budget is not None:
            cleaned = self._clean(m_start, m_start + budget.start())
            name: tuple[int, int] | None = cleaned
            if GENERIC.match(self.text[cleaned[0] : cleaned[1]]) or GENERIC_NAME.match(
                self.text[cleaned[0] : cleaned[1]]
            ):
                name = heading or self.name  # "项目全年预算数为…": the item named before
            if name is None or not plausible_metric(self._prefix(name) + self.text[name[0] : name[1]]):
                return
            draft = self._draft(name)
            self._touch(draft, "budget_amount", value, (m_start + budget.start(), match.end()), unit)
            return
        if GENERIC_ACTUAL.match(metric):
            if self.current is not None and "budget_amount" in self.current.values:
                self._touch(self.current, "amount", value, quote, unit)
            return
        if BARE.match(metric) or not plausible_metric(metric):
            return
        draft = self._draft((m_start, m_end))
        self._touch(draft, "amount", value, quote, unit)

    def _change(self, match: re.Match[str], lead: tuple[int, int], kind: str) -> None:
        comparator = COMPARATOR.search(self.text, lead[0], lead[1])
        target = self._target(lead[0], comparator.start() if comparator else lead[1], kind)
        if target is None:
            return
        if not (comparator or self.compared or target.direction):
            return  # "增加 X 万元" with no 比上年 in sight is not a year-on-year change
        verb = match.group("verb")
        down = bool(DOWN.match(verb))
        size = abs(figure_value(match))
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
            same = [d for d in self.drafts if same_metric(self.text, d.metric, metric) and kind not in d.values]
            if same:
                return same[-1]
        if GENERIC.match(metric):
            return self.current
        if not plausible_metric(metric) or not MONEY.search(metric):
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
            and not GENERIC.match(metric)
            and (draft is None or not same_metric(self.text, draft.metric, metric))
        ):
            if not plausible_metric(metric) or not MONEY.search(metric):
                return
            draft = self._draft((m_start, m_end))  # "货物采购…金额占货物支出金额的 4.1%"
        if draft is not None:
            self._touch(draft, "share_pct", figure_value(match), (match.start(), match.end()))

    def _reason(
        self, match: re.Match[str], segments: list[tuple[int, int]], index: int, sentence_start: int
    ) -> int:
        """Attach the stated reason; return the index of the last segment it covers."""
        colon = match.group().rstrip().endswith(("：", ":"))
        opening = not self.text[sentence_start : match.start()].strip()
        end = segments[index][1]
        pieces = [(match.end(), end)]
        if colon or opening:  # "主要原因：A；B。" runs on over segments that state no figures
            while index + 1 < len(segments) and not _STATED_FIGURE.search(
                self.text[segments[index + 1][0] : segments[index + 1][1]]
            ):
                index += 1
                pieces.append(segments[index])
        reasons = [r for r in (trim_reason(self.text, *p) for p in pieces) if r[1] > r[0]]
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
            cores = [CORE.sub("", self.text[d.metric[0] : d.metric[1]]) for d in targets]
            if all(cores) and all(any(c in self.text[s:e] for c in cores) for s, e in reasons):
                # The metric named last is the effect ("…压减一般性支出预算，导致收入减少").
                owners = [
                    max(range(len(cores)), key=lambda i: self.text[s:e].rfind(cores[i])) for s, e in reasons
                ]
                if set(owners) == set(range(len(targets))):
                    return [
                        (d, [r for r, o in zip(reasons, owners, strict=True) if o == i]) for i, d in enumerate(targets)
                    ]
        return [(d, reasons) for d in targets]

    # -- helpers ----------------------------------------------------------

    def _prefix(self, metric: tuple[int, int]) -> str:
        """The wrapped start of an item name, for a metric that opens the paragraph."""
        opens = metric[0] == 0 and _ITEM_LEVEL.search(self.text[metric[0] : metric[1]])
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
            found = LEAD_STRIP.match(text, start, end)
            if found and found.end() > start:
                start = found.end()
            # The year prefix ends on the year within 24 characters: without it there, no match.
            if self.year_prefix is not None and text.find(self.year, start, min(end, start + 24)) >= 0:
                found = self.year_prefix.match(text, start, end)
                if found and found.end() > start:
                    start = found.end()
            if end > start and (text[end - 1] in TRAIL_LAST or text[end - 1].isspace()):
                found = TRAIL_STRIP.search(text, start, end)
                if found and found.start() < end:
                    end = found.start()
            if (start, end) == before:
                return start, end


def _grounded(draft: _Draft, paragraph: Paragraph) -> NarrativeStatement | None:
    """The draft as a statement grounded in its paragraph; None when it is not grounded
    (it would be dropped). What :func:`~extractor.narrative.grounding.ground_statement`
    gives for the model of the draft, worked out before the model is built, so that one
    model is validated instead of a model, its spans and a grounded copy."""
    text = paragraph.model.text
    quotes = dict(draft.quotes)
    quotes["metric"] = draft.metric
    reasons = [text[s:e] for s, e in draft.reasons]
    for index, span in enumerate(draft.reasons):
        quotes[f"reasons[{index}]"] = span
    evidence = {key: text[s:e] for key, (s, e) in quotes.items()}
    # The spans the draft's own quotes have, as span fields: grounding prefers them.
    given = {key: paragraph.bounds(s, e) for key, (s, e) in quotes.items()}
    values: dict[str, float | None] = dict(draft.values)
    chosen, problems = ground_quotes(paragraph, evidence, given, values, draft.unit, reasons, draft.direction)
    if problems:
        return None
    return NarrativeStatement(
        paragraph_id=paragraph.model.id,
        metric=draft.prefix + text[draft.metric[0] : draft.metric[1]],
        unit=draft.unit,
        direction=draft.direction,
        reasons=reasons,
        evidence=evidence,
        # In the order grounding found them, as ground_statement leaves them.
        provenance={key: make_span(*bounds) for key, bounds in chosen.items()},
        source="rules",
        **draft.values,  # the numeric fields only: they never repeat a keyword above
    )
