"""Typed field comparators for scoring extractions against gold.

Chinese text has no word boundaries, so long text is compared by
character-level F1 (bag of characters after normalisation), never by words.
Short strings and codes must match exactly after NFKC and punctuation folding;
numbers must agree within a tolerance after unit normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extractor.numbers import UNIT_TO_WAN

# Two figures agree when they differ by at most this, in the coarser of their two units
# (points for percentages): the reports print two decimals in their own unit, so 元
# tables agree to half a fen, and a figure in 万元 against one in 元 to 50 元.
NUMBER_TOLERANCE = 0.005
# Long text (goals, reasons, deviation analyses) counts as correct from this
# character-level F1 on. 0.8 forgives a dropped clause or a different join of
# broken lines, but not a different sentence.
TEXT_F1_THRESHOLD = 0.8

# Punctuation that differs between spellings of the same value: full-width and
# Chinese marks fold to one ASCII form, quotes and book-title marks go.
_PUNCT_FOLD = str.maketrans(
    {
        "，": ",",
        "、": ",",
        "。": ".",
        "：": ":",
        "；": ";",
        "（": "(",
        "）": ")",
        "【": "[",
        "】": "]",
        "—": "-",
        "–": "-",
        "－": "-",
        "～": "~",
        "≥": ">=",
        "≧": ">=",
        "≤": "<=",
        "≦": "<=",
        "“": "",
        "”": "",
        "‘": "",
        "’": "",
        '"': "",
        "'": "",
        "《": "",
        "》": "",
    }
)
_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[.,;:]+$")


def fold_text(text: str) -> str:
    """NFKC, white space removed, punctuation folded, trailing full stops dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(_PUNCT_FOLD)
    return _TRAILING.sub("", _SPACE.sub("", folded)).casefold()


def _content_chars(text: str) -> str:
    """The characters that carry meaning: letters, digits, CJK; no punctuation or space."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def char_f1(gold: str, predicted: str) -> float:
    """Character-level F1 of two texts (multiset overlap of content characters)."""
    g, p = Counter(_content_chars(gold)), Counter(_content_chars(predicted))
    if not g and not p:
        return 1.0
    overlap = sum((g & p).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def to_base_unit(value: float, unit: str | None) -> float:
    """An amount in 万元 (元 and 亿元 converted); percentages and unknown units unchanged."""
    if unit is None:
        return value
    return value * UNIT_TO_WAN.get(unit.strip(), 1.0)


def numbers_equal(
    gold: float,
    predicted: float,
    gold_unit: str | None = None,
    predicted_unit: str | None = None,
    tolerance: float = NUMBER_TOLERANCE,
) -> bool:
    """Equal within ``tolerance`` of the coarser unit after both are brought to 万元
    (58845.28 元 and 58845.29 元 differ; 1.35 万元 and 13,500.00 元 agree)."""
    g = to_base_unit(gold, gold_unit)
    p = to_base_unit(predicted, predicted_unit)
    coarser = max(to_base_unit(1.0, gold_unit), to_base_unit(1.0, predicted_unit))
    # The small epsilon keeps the tolerance itself inside despite binary floats.
    return abs(g - p) <= tolerance * coarser + 1e-9 * coarser


def short_equal(gold: str, predicted: str) -> bool:
    """Codes and short strings: exact after NFKC and punctuation folding."""
    return fold_text(gold) == fold_text(predicted)


def text_equal(gold: str, predicted: str, threshold: float = TEXT_F1_THRESHOLD) -> bool:
    """Long text: character-level F1 at or above ``threshold``."""
    return char_f1(gold, predicted) >= threshold


def is_null(value: object) -> bool:
    """Empty for scoring: None, blank text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return False
