"""Totals a report claims about its projects, and the items it lists after them.

``…全面开展绩效自评，其中，一级项目 5 个，二级项目 50 个，共涉及资金 5823.95 万元`` claims a
count and an amount; ``涉及12个项目,预算金额3488.15万元,主要项目内容包括:1、…预算指标1500万元
…;2、…`` also lists the items, each with its amount (the last 预算指标 of the item: ``预算指标
2400 万元，分三个年度进行，本年度预算指标 700 万元`` counts 700).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.narrative.paragraphs import Paragraph
from schemas import ProjectClaim

_NUM = r"\d[\d,]*(?:\.\d+)?"
_SENTENCE = re.compile(r"[^。]+。?")
_COUNT = re.compile(r"二级项目\s*[“\"]?(?P<second>\d+)[”\"]?\s*个|[“\"]?(?P<n>\d+)[”\"]?\s*个(?:二级)?项目")
_AMOUNT = re.compile(rf"(?:涉及资金|资金|预算金额|金额)\s*(?P<v>{_NUM})\s*万元")
_SELF_EVALUATION = re.compile(r"绩效自评")
_OTHER_EVALUATION = re.compile(r"部门(?:绩效)?评价|重点绩效评价|整体支出")
_ALL = re.compile(r"全面开展|所有项目|全部项目")
_ITEM = re.compile(r"(?:^|[;；:：。])\s*(?:\d{1,2}\s*[、.．]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")
_ITEM_AMOUNT = re.compile(rf"预算(?:指标|金额|资金)?\s*(?P<v>{_NUM})\s*万元")
_LIST_OPENING = re.compile(r"(?:主要)?项目内容包括\s*[:：]|具体(?:项目)?包括\s*[:：]")


def read_claims(paragraphs: Iterable[Paragraph]) -> list[ProjectClaim]:
    """Every claimed project count with the amount stated beside it."""
    found: list[ProjectClaim] = []
    for paragraph in paragraphs:
        text = paragraph.model.text
        for sentence in _SENTENCE.finditer(text):
            claim = _claim(paragraph, sentence.group(0), sentence.start())
            if claim is not None:
                found.append(claim)
    return found


def says_all(claim: ProjectClaim) -> bool:
    """True when the claim covers all the department's projects (全面开展 / 所有项目)."""
    return bool(_ALL.search(claim.quote))


def _claim(paragraph: Paragraph, sentence: str, offset: int) -> ProjectClaim | None:
    if not _SELF_EVALUATION.search(sentence) and not _LIST_OPENING.search(sentence):
        return None
    count = _COUNT.search(sentence)
    if count is None or _OTHER_EVALUATION.search(sentence[: count.start()]):
        return None
    number = int(count.group("second") or count.group("n"))
    if number == 0:
        return None
    amount = _AMOUNT.search(sentence, count.end())
    opening = _LIST_OPENING.search(sentence, count.end())
    end = opening.start() if opening else len(sentence)
    quote = sentence[:end].strip()
    value = float(amount.group("v").replace(",", "")) if amount and amount.start() < end else None
    claim = ProjectClaim(paragraph_id=paragraph.model.id, count=number, amount=value, quote=quote,
                         span=paragraph.span(offset, offset + max(end, 1)))
    if opening is not None:
        claim.listed = _listed(sentence[opening.end():])
    return claim


def _listed(text: str) -> list[float]:
    """The amounts of the listed items; empty when an item has no amount (the list cannot be summed)."""
    starts = [m.end() for m in _ITEM.finditer(text)]
    amounts: list[float] = []
    for here, following in zip(starts, [*starts[1:], len(text)], strict=True):
        found = list(_ITEM_AMOUNT.finditer(text, here, following))
        if not found:
            return []
        amounts.append(float(found[-1].group("v").replace(",", "")))
    return amounts
