"""Which gold records are ``dev`` (tune on them) and which are ``test`` (never tuned on).

The rule was fixed before any score was looked at (evals/gold/README.md, "Splits"):

1. The unit of the split is a form (anchored at its first line), a paragraph of
   statements (anchored at the paragraph's first line, so a paragraph's statements and
   anything extracted from it fall on one side) or a table row (anchored at its line).
2. A unit whose anchor lies in a ``tuned`` line range of the report's index entry is
   ``dev``: those are the records the parsers and prompts were developed and checked
   against before the split existed.
3. Every other unit is ``test`` when the first 8 hex digits of
   ``sha256("{report}:{record type}:{anchor line}")`` are odd, ``dev`` when even.

Predictions without gold are given the split of their own anchor by the same rule, so
spurious output in a held-out paragraph counts against ``test``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Literal

from schemas import NarrativeStatement

Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("dev", "test")
LineRange = tuple[int, int]

_PARAGRAPH_LINE = re.compile(r"(\d+)")


def in_ranges(line: int | None, ranges: Sequence[LineRange]) -> bool:
    """True when ``line`` lies in one of the inclusive ``ranges``."""
    return line is not None and any(start <= line <= end for start, end in ranges)


def split_of(report: str, record_type: str, anchor: int | None, tuned: Sequence[LineRange] = ()) -> Split:
    """The split of one unit of a report (see the module docstring for the rule)."""
    if anchor is None or in_ranges(anchor, tuned):
        return "dev"
    digest = hashlib.sha256(f"{report}:{record_type}:{anchor}".encode()).hexdigest()
    return "test" if int(digest[:8], 16) % 2 else "dev"


def statement_anchor(statement: NarrativeStatement) -> int | None:
    """The paragraph line of a statement: the number in ``p1280``, else the first line
    its quotes stand on."""
    match = _PARAGRAPH_LINE.search(statement.paragraph_id or "")
    if match:
        return int(match.group(1))
    return statement_line(statement)


def statement_line(statement: NarrativeStatement) -> int | None:
    """The first source line a statement's quotes stand on (its lines for gold, its
    provenance for a prediction), else its paragraph line."""
    lines = getattr(statement, "lines", None)
    if lines:
        return int(lines[0])
    if statement.provenance:
        return min(span.line_start for span in statement.provenance.values())
    match = _PARAGRAPH_LINE.search(statement.paragraph_id or "")
    return int(match.group(1)) if match else None
