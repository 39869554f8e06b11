"""Project names as the family prints them, reduced to a key for linking.

One project is printed ``招商引资专项经费`` on its form, ``吉林省人民政府驻北京办事处（本级）
招商引资专项经费项目`` in the summary, ``产业招商工作经费（长春市工业和信息化局）`` with the
unit in brackets, ``2024 年工信局遗属补助`` with a year, ``卧钢`` / ``卧岗`` with a typo.
:func:`name_key` drops what varies (spaces, quotes, brackets' contents, year prefixes,
the 项目 / 经费 / 专项 / 资金 suffixes); :func:`compare` says how two names match and how sure
that is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas import LinkMethod

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[“”\"'‘’《》〈〉「」『』]")
_BRACKETED = re.compile(r"[（(【\[][^（()）【】\[\]]*[）)】\]]")
_YEAR_PREFIX = re.compile(r"^(?:\d{4}(?:[-—~至]\d{4})?年?度?)+")
# Suffixes that the same project carries in one place and not in another.
_SUFFIXES = ("项目", "绩效", "经费", "专项", "资金", "费用")
_TRAILING = "。．.，,、：:；;"
SHORTEST_KEY = 2  # a key this short is too common to link on by itself
# Names sharing this share of character bigrams are taken as one project printed two ways
# (``扶持陶瓷产业特色小镇发展`` / ``我市扶持陶瓷产业特色专业镇发展专项配套资金``), at low confidence.
_SIMILAR_DICE = 0.6
_SIMILAR_SHORTEST = 6


@lru_cache(maxsize=8192)  # pure; linking asks again for the same names
def plain(name: str) -> str:
    """The name without spaces, quotes and trailing punctuation, brackets unified."""
    text = _QUOTES.sub("", _SPACES.sub("", name)).strip(_TRAILING)
    return text.replace("（", "(").replace("）", ")")


@lru_cache(maxsize=8192)
def name_key(name: str, unit: str | None = None) -> str:
    """The linking key: ``name`` without a leading ``unit``, year prefix, bracketed
    parts and the suffixes 项目 / 经费 / 专项 / 资金 / 费用 (repeatedly)."""
    text = plain(name)
    if unit:
        text = strip_unit(text, unit)
    text = _BRACKETED.sub("", text)
    text = _YEAR_PREFIX.sub("", text)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
    return text


def strip_unit(text: str, unit: str) -> str:
    """``text`` without a leading implementing unit (with or without its bracketed part)."""
    for candidate in (plain(unit), _BRACKETED.sub("", plain(unit))):
        if candidate and text.startswith(candidate) and len(text) > len(candidate) + 1:
            return text[len(candidate):]
    return text


@dataclass(frozen=True)
class Match:
    """How two names match: the method and a confidence between 0 and 1."""

    method: LinkMethod
    confidence: float


def compare(name: str, key: str, other_name: str, other_key: str) -> Match | None:
    """How the mention ``name`` (``key``) matches an anchor named ``other_name``
    (``other_key``), or None. Printed alike -> exact; alike once normalised ->
    normalised; one contains the other -> contained; the same length differing in one
    character (卧钢 / 卧岗) -> one_character; most character pairs shared -> similar."""
    if plain(name) == plain(other_name):
        return Match("exact", 1.0)
    if len(key) < SHORTEST_KEY or len(other_key) < SHORTEST_KEY:
        return None
    if key == other_key:
        return Match("normalised", 0.95)
    shorter, longer = sorted((key, other_key), key=len)
    if len(shorter) >= 3 and shorter in longer:
        return Match("contained", round(0.6 + 0.3 * len(shorter) / len(longer), 2))
    if len(key) == len(other_key) and len(key) >= 4 and _differences(key, other_key) == 1:
        return Match("one_character", 0.8)
    if len(shorter) >= _SIMILAR_SHORTEST:
        overlap = _dice(key, other_key)
        if overlap >= _SIMILAR_DICE:
            return Match("similar", round(0.3 + 0.4 * overlap, 2))
    return None


def _dice(a: str, b: str) -> float:
    """Share of character bigrams two keys have in common (Dice coefficient)."""
    first = {a[i : i + 2] for i in range(len(a) - 1)}
    second = {b[i : i + 2] for i in range(len(b) - 1)}
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


def _differences(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)
