"""Reading an indicator value (年度指标值 / 实际完成值) as comparator, number and unit.

Forms print targets as ``≥90%``, ``>=30户``, ``<=21.05万元``, ``=134人``,
``100%``, ``90%以上``, ``不低于95%`` or plain words (``平稳``, ``完成``). The text
as written stays in the form; this module adds the structured reading where
there is one and returns None where there is none (words, dates, ranges).
"""

from __future__ import annotations

import re
from functools import lru_cache

from schemas import ParsedTarget
from schemas.forms import Comparator

# Symbols, longest first so ``>=`` wins over ``>``. Full-width and mathematical
# forms are folded here as well because callers may pass raw (unnormalised) text.
_SYMBOLS: tuple[tuple[str, Comparator], ...] = (
    (">=", ">="),
    ("<=", "<="),
    ("=>", ">="),
    ("=<", "<="),
    ("≥", ">="),
    ("≧", ">="),
    ("⩾", ">="),
    ("≤", "<="),
    ("≦", "<="),
    ("⩽", "<="),
    ("＞＝", ">="),
    ("＜＝", "<="),
    ("＞", ">"),
    ("＜", "<"),
    ("＝", "="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)

# Words that say the same as a symbol, before the number (不低于95%) ...
_PREFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("大于等于", ">="),
    ("大于或等于", ">="),
    ("小于等于", "<="),
    ("小于或等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("高于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("低于", "<"),
    ("小于", "<"),
    ("等于", "="),
    ("达到", ">="),
)

# ... and after it (90%以上, 5万元以内).
_SUFFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
)

_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_VALUE = re.compile(rf"^(?P<number>{_NUMBER})(?P<unit>[^\d]*)$")
# A cell printed twice by text extraction (``0.30.3`` = ``0.3`` twice).
_DOUBLED = re.compile(r"^(?P<number>\d+\.\d+)(?P=number)(?P<unit>[^\d]*)$")
# A date or deadline is not a quantity: 24年12月31日前, 2024年底, 12月底完成.
_DATE = re.compile(r"\d+\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月底|\d{4}\s*年")
_TRAILING_NOISE = re.compile(r"[\s。；;，,、]+$|[（(][^（）()]*[)）]$")
_MAX_UNIT = 6  # longer trailing text is words, not a unit
_BRACKETED_UNIT = re.compile(r"^(?P<number>[^\d（）()]{0,3}\s*[\d.,]+)\s*[（(](?P<unit>[^\d（）()\s]{1,6})[)）]$")
# Some PDF converters print math as LaTeX: $\geq 98\%$.
_LATEX = (
    ("\\geqslant", "≥"),
    ("\\leqslant", "≤"),
    ("\\geq", "≥"),
    ("\\leq", "≤"),
    ("\\ge", "≥"),
    ("\\le", "≤"),
    ("\\gt", ">"),
    ("\\lt", "<"),
    ("\\%", "%"),
    ("$", ""),
)


def parse_target(text: str) -> ParsedTarget | None:
    """``≥90%`` -> (``>=``, 90, ``%``); None when the text holds no quantity.

    Symbols (``≥ ≤ > < =``, ASCII ``>=``/``<=``, full-width ``＞``), comparison
    words (不低于, 以上, 以内) and the unit after the number are recognised.
    A number printed twice (``=0.30.3``) is read once. Dates (``24年12月31日前``),
    ranges and sentences give None: the text as written is the value.
    """
    reading = _read(text)
    if reading is None:
        return None
    comparator, number, unit = reading
    return ParsedTarget(comparator=comparator, number=number, unit=unit)


def joined_target(nature: str | None, value: str, unit: str | None) -> str:
    """A target printed over three columns (指标性质 ``≥``, 指标值 ``36500``, 度量单位 ``吨``)
    as one text, ``≥36500吨``. A 指标性质 that is no comparator (定性, 正向) is left out:
    it says what kind of indicator it is, not how the value compares."""
    symbol = (nature or "").strip()
    leading, rest = _leading_comparator(symbol)
    prefix = symbol if leading is not None and not rest else ""
    return f"{prefix}{value.strip()}{(unit or '').strip()}"


def is_target(text: str) -> bool:
    """True when :func:`parse_target` reads a quantity in ``text``."""
    return _read(text) is not None


@lru_cache(maxsize=16384)
def _read(text: str) -> tuple[Comparator | None, float, str | None] | None:
    """The (comparator, number, unit) of :func:`parse_target`. Cached: form parsing
    tries the same cells under several column shifts."""
    rest = _clean(text)
    if not rest or _DATE.search(rest):
        return None
    comparator, rest = _leading_comparator(rest)
    rest, suffix = _trailing_comparator(rest)
    if suffix is not None:
        if comparator is None:
            comparator = suffix
        elif comparator != suffix:
            return None  # contradictory (≥5以下): no sensible reading
    match = _VALUE.match(rest) or _DOUBLED.match(rest)
    if match is None:
        return None
    unit = re.sub(r"\s+", "", match.group("unit")) or None
    if unit is not None and len(unit) > _MAX_UNIT:
        return None
    return comparator, float(match.group("number").replace(",", "")), unit


def _clean(text: str) -> str:
    """Drop spaces at the ends, trailing punctuation and a trailing remark in brackets."""
    rest = text.strip().replace("％", "%").replace("\u3000", " ")
    if "\\" in rest or "$" in rest:
        for latex, plain in _LATEX:
            rest = rest.replace(latex, plain)
        rest = rest.strip()
    rest = re.sub(r"[０-９]", lambda m: chr(ord(m.group()) - 0xFEE0), rest)
    rest = rest.replace("．", ".")
    # "≥13459.00(平方米)", "=100.00(%)": the unit printed in brackets after the number
    rest = _BRACKETED_UNIT.sub(r"\g<number>\g<unit>", rest)
    previous = None
    while previous != rest:
        previous = rest
        rest = _TRAILING_NOISE.sub("", rest).strip()
    return rest


def _leading_comparator(text: str) -> tuple[Comparator | None, str]:
    for symbol, comparator in _SYMBOLS:
        if text.startswith(symbol):
            return comparator, text[len(symbol) :].strip()
    for word, comparator in _PREFIX_WORDS:
        if text.startswith(word):
            return comparator, text[len(word) :].strip()
    return None, text


def _trailing_comparator(text: str) -> tuple[str, Comparator | None]:
    for word, comparator in _SUFFIX_WORDS:
        if text.endswith(word):
            return text[: -len(word)].strip(), comparator
    return text, None
