"""Reading figures as reports print them: ``1,995.86``, ``——``, ``-``, ``95%``,
full-width digits (already folded by normalisation), amounts with units."""

from __future__ import annotations

import re
from functools import lru_cache

# Printed for "nothing here": dashes of every width, slashes, 无.
_EMPTY = re.compile(r"^[\s\-—–－─―/／无]*$")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DECIMALS = re.compile(r"\.(\d+)")
_NUMBER_IN_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")

# Multipliers that bring an amount to 万元 (ten thousand yuan), the tables' unit.
UNIT_TO_WAN = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "亿元": 10000.0, "万": 1.0, "亿": 10000.0}


@lru_cache(maxsize=65536)  # pure, and asked again for the same cells by every parser
def is_empty_cell(text: str) -> bool:
    """True for a cell that prints no figure (blank, ``——``, ``-``, ``/``)."""
    return bool(_EMPTY.match(text))


def parse_amount(text: str) -> float | None:
    """The number in a table cell, or None for an empty cell.

    Raises ``ValueError`` when the cell holds something that is not a number,
    so callers can tell "empty" from "unreadable".
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if is_empty_cell(cleaned):
        return None
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative
        cleaned = "-" + cleaned[1:-1]
    if not _NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned.replace(",", ""))


@lru_cache(maxsize=65536)  # pure, and asked again for the same cells by every parser
def try_amount(text: str) -> float | None:
    """Like :func:`parse_amount` but None for anything unreadable."""
    try:
        return parse_amount(text)
    except ValueError:
        return None


@lru_cache(maxsize=65536)  # pure, and asked again for the same cells by every parser
def is_number(text: str) -> bool:
    """True when the whole cell is a number (thousands separators allowed)."""
    cleaned = text.strip().replace(" ", "")
    return bool(cleaned) and bool(_NUMBER.match(cleaned.rstrip("%")))


def numbers_in(text: str) -> list[tuple[float, int, int]]:
    """Every number in ``text`` with its start and end offsets."""
    return [(float(m.group().replace(",", "")), m.start(), m.end()) for m in _NUMBER_IN_TEXT.finditer(text)]


def to_wan(amount: float, unit: str | None) -> float:
    """Convert an amount in ``unit`` (元, 万元, 亿元) to 万元; unknown units pass through."""
    return amount * UNIT_TO_WAN.get(unit or "万元", 1.0)


@lru_cache(maxsize=65536)  # pure; repair and reconciliation ask for the same cells again and again
def decimals(text: str) -> int:
    """How many decimals a printed number has (``12.50`` -> 2); precision judges rounding."""
    match = _DECIMALS.search(text)
    return len(match.group(1)) if match else 0
