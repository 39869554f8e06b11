"""Grounding a quantitative statement in the paragraph it claims to come from.

A statement (from the pattern reader or from a language model) carries, for
each field, the quote it was read from (``evidence``). Grounding finds every
quote in the paragraph text, records where it stands (``provenance``), and
checks that each numeric value really is printed in its quote. Quotes are
matched tolerantly: whitespace, full-width vs ASCII characters and thousands
separators (``1,995.86``) do not matter. Amounts understand units: a value in
万元 whose quote prints 元 is converted before comparing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain, repeat

from extractor.document.source import make_span
from extractor.narrative.paragraphs import Paragraph
from extractor.numbers import UNIT_TO_WAN
from schemas import NarrativeStatement, Span
from schemas.fields import NUMERIC_FIELDS, PERCENT_FIELDS

# A comma between digits that is followed by exactly three digits groups thousands.
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_DASHES = str.maketrans({c: "-" for c in "—–－─―‐‑"})
_QUOTES = str.maketrans({c: '"' for c in "“”„‟＂「」『』"} | {c: "'" for c in "‘’‚‛"})
_NUMBER = re.compile(r"(?<![\d.])([+-]?\d+(?:\.\d+)?)\s*(亿元|万元|千元|元|亿|万|%)?")
_EMPTY_MARK = re.compile(r"-{2,}")
_DECREASE = re.compile(r"减少|下降|降低|降幅|减幅|节约|节省|压减|缩减")
_INCREASE = re.compile(r"增加|增长|上升|提高|增幅|增多")
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]$")


@lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    """One character as compared: NFKC-folded, lower case, dashes and quotes
    unified, whitespace dropped. Cached: reports use a few thousand distinct characters."""
    folded = unicodedata.normalize("NFKC", ch).lower().translate(_DASHES).translate(_QUOTES)
    return "".join(c for c in folded if not c.isspace())


@lru_cache(maxsize=4096)  # pure; a quote is searched for, then its figures read, in the same text
def _canonical_text(text: str) -> str:
    """``text`` without whitespace and thousands separators, folded (character by
    character, so removing the separators first gives the same result)."""
    text = _THOUSANDS.sub("", text) if "," in text or "，" in text else text
    if _folds_to_itself(text):
        return text
    return "".join(map(_fold, text))


# Characters :func:`_fold` leaves as they are (most CJK characters and digits).
_UNCHANGED: set[str] = set()


def _folds_to_itself(text: str) -> bool:
    """True when folding changes no character of ``text`` (then it is its own canonical form)."""
    new = set(text) - _UNCHANGED
    for char in new:
        if _fold(char) != char:
            return False
        _UNCHANGED.add(char)
    return True


@lru_cache(maxsize=1024)
def _canonical(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`_canonical_text` of ``text``, and for each canonical character the
    index of the original character it came from. Cached: every quote of a
    statement is searched in the same paragraph text."""
    if _folds_to_itself(text) and not _THOUSANDS.search(text):
        return text, tuple(range(len(text)))  # what the long way gives when nothing changes
    pieces = list(map(_fold, text))
    for match in _THOUSANDS.finditer(text):
        pieces[match.start()] = ""
    canonical = "".join(pieces)
    if "" not in pieces and len(canonical) == len(text):  # nothing dropped or expanded
        return canonical, tuple(range(len(text)))
    # Each original index repeated once per canonical character it gave (0, 1 or more).
    origin = chain.from_iterable(map(repeat, range(len(pieces)), map(len, pieces)))
    return canonical, tuple(origin)


def find_quotes(paragraph: Paragraph, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``quote`` in the paragraph text, tolerant to
    whitespace, full-width characters and thousands separators."""
    needle = _canonical_text(quote)
    if not needle:
        return []
    hay, origin = _canonical(paragraph.model.text)
    found: list[tuple[int, int]] = []
    at = hay.find(needle)
    while at >= 0:
        found.append((origin[at], origin[at + len(needle) - 1] + 1))
        at = hay.find(needle, at + 1)
    return found


def find_quote(paragraph: Paragraph, quote: str) -> tuple[int, int] | None:
    """The (start, end) of the first occurrence of ``quote`` in the paragraph
    text (end exclusive), or None when it is not there."""
    found = find_quotes(paragraph, quote)
    return found[0] if found else None


def ground_statement(statement: NarrativeStatement, paragraph: Paragraph) -> NarrativeStatement:
    """A copy of ``statement`` with provenance set from its evidence quotes,
    ``grounded=False`` and a ``grounding_note`` when a quote is missing from the
    paragraph or a numeric value is not printed in its quote."""
    given = statement.provenance
    chosen, problems = ground_quotes(
        paragraph,
        statement.evidence,
        {key: _bounds(span) for key, span in given.items()},
        {name: getattr(statement, name) for name in NUMERIC_FIELDS},
        statement.unit,
        statement.reasons,
        statement.direction,
    )
    provenance: dict[str, Span] = {}
    for key, bounds in chosen.items():
        span = given.get(key)
        # The span given is kept when it is the one found (spans are immutable): no new model.
        provenance[key] = span if span is not None and _bounds(span) == bounds else make_span(*bounds)
    return statement.model_copy(
        update={
            "provenance": provenance,
            "grounded": not problems,
            "grounding_note": "; ".join(problems) if problems else None,
        }
    )


def ground_quotes(
    paragraph: Paragraph,
    evidence: dict[str, str],
    given: dict[str, tuple[int, int, int, int]],
    values: dict[str, float | None],
    unit: str | None,
    reasons: list[str],
    direction: str | None,
) -> tuple[dict[str, tuple[int, int, int, int]], list[str]]:
    """What :func:`ground_statement` works out, from a statement's fields before it
    is a model: the span fields (:meth:`Paragraph.bounds`) found for each quote, and
    the problems. ``given`` holds the span fields the statement already names,
    ``values`` its numeric fields (missing or None where unset)."""
    problems: list[str] = []
    chosen: dict[str, tuple[int, int, int, int]] = {}
    anchor: int | None = None
    for key in _ordered_keys(evidence):
        quote = evidence[key]
        places = find_quotes(paragraph, quote)
        if not places:
            problems.append(f"{key}: quote not found in paragraph {paragraph.model.id}: {quote!r}")
            continue
        place = _choose(places, given.get(key), paragraph, anchor)
        if anchor is None:
            anchor = place[0]
        chosen[key] = paragraph.bounds(*place)
    for name in NUMERIC_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        quoted = evidence.get(name)
        if quoted is None:
            problems.append(f"{name}: no quote for the value {value:g}")
        elif not _value_in_quote(name, value, unit, quoted):
            problems.append(f"{name}: {value:g} {unit or ''} is not printed in {quoted!r}".strip())
    for index, reason in enumerate(reasons):
        if not find_quotes(paragraph, reason):
            problems.append(f"reasons[{index}]: not found in paragraph {paragraph.model.id}: {reason!r}")
    problems.extend(_direction_problems(direction, values))
    return chosen, problems


def _ordered_keys(evidence: dict[str, str]) -> list[str]:
    """Metric and amount first: they anchor which occurrence of a repeated quote is meant."""
    first = [k for k in ("metric", "amount", "budget_amount") if k in evidence]
    return first + [k for k in evidence if k not in first]


def _choose(
    places: list[tuple[int, int]],
    wanted: tuple[int, int, int, int] | None,
    paragraph: Paragraph,
    anchor: int | None,
) -> tuple[int, int]:
    """The occurrence the statement means: the one whose span fields are ``wanted``
    (the provenance it already names), else the first at or after the statement's
    anchor quote (figures follow the metric they describe), else the nearest before
    it, else the first."""
    if wanted is not None:
        for place in places:
            if paragraph.bounds(*place) == wanted:
                return place
    if anchor is None:
        return places[0]
    return min(places, key=lambda place: (place[0] < anchor, abs(place[0] - anchor)))


def _bounds(span: Span) -> tuple[int, int, int, int]:
    """A span's fields in the order of :meth:`Paragraph.bounds`."""
    return span.line_start, span.line_end, span.char_start, span.char_end


def _value_in_quote(name: str, value: float, unit: str | None, quote: str) -> bool:
    """True when ``value`` (in ``unit`` for amounts) is one of the numbers printed in ``quote``."""
    text = _canonical_text(quote)
    if value == 0 and _EMPTY_MARK.search(text):
        return True  # —— prints "nothing", i.e. zero
    signed = name in ("change_amount", "change_pct")
    for match in _NUMBER.finditer(text):
        number = float(match.group(1))
        printed_unit = match.group(2)
        # A change prints its size and says its sign in words (减少 5), unless signed in figures.
        target = abs(value) if signed and number >= 0 else value
        if name in PERCENT_FIELDS:
            if printed_unit != "%":
                continue
            matched = _close(number, target, 0.0)
        else:
            if printed_unit == "%":
                continue
            matched = _amount_matches(number, match.group(1), printed_unit, target, unit)
        if not matched:
            continue
        if signed and number >= 0 and not _sign_agrees(value, text):
            continue
        return True
    return False


def _amount_matches(
    number: float, printed: str, printed_unit: str | None, value: float, unit: str | None
) -> bool:
    if printed_unit is None or printed_unit == (unit or printed_unit):
        return _close(number, value, 0.0)
    factor = UNIT_TO_WAN.get(printed_unit, 1.0) / UNIT_TO_WAN.get(unit or "万元", 1.0)
    # Either side may be rounded to its own printed precision (尾数误差).
    tolerance = 0.5 * 10 ** -_decimals(value) + 0.5 * 10 ** -_printed_decimals(printed) * factor
    return abs(number * factor - value) <= tolerance + 1e-9


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance + 1e-9 * max(1.0, abs(a), abs(b))


def _sign_agrees(value: float, text: str) -> bool:
    """A signed change agrees with the words around it (减少 for a negative value)."""
    down = bool(_DECREASE.search(text))
    up = bool(_INCREASE.search(text))
    if value < 0:
        return down or not up
    if value > 0:
        return up or not down
    return True


def _direction_problems(direction: str | None, values: dict[str, float | None]) -> list[str]:
    problems: list[str] = []
    for name in ("change_amount", "change_pct"):
        value = values.get(name)
        if value is None or direction is None:
            continue
        if (direction == "increase" and value < 0) or (direction == "decrease" and value > 0):
            problems.append(f"direction {direction} contradicts {name} {value:g}")
    return problems


def _decimals(value: float) -> int:
    text = f"{abs(value):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _printed_decimals(printed: str) -> int:
    return len(printed.split(".")[1]) if "." in printed else 0


def evidence_field(key: str) -> str:
    """The field an evidence key names: ``reasons[1]`` -> ``reasons``."""
    match = _INDEXED.match(key)
    return match.group(1) if match else key
