"""The goals block of a line-flow performance form: 预期目标 and 实际完成情况.

The two texts are printed side by side on each line (one column gap between
them, or two halves reading the same), one after the other (each wrapped at
its own column width), or alternating line by line; a target form prints one
goal text only (年度目标). :mod:`extractor.forms.lineflow` calls
:func:`read_goals` and :func:`read_single_goal`.
"""

from __future__ import annotations

import re

from extractor.document import Line, SourceText
from extractor.forms.lineflow_tokens import NAME_SLACK, compact, display_width, stripped_bounds
from schemas import PerformanceForm

__all__ = ["read_goals", "read_single_goal"]

# Labels of the goals block left in the text among the goal lines.
_GOAL_LABELS = frozenset(
    {"年度总体目标", "年度总体", "总体目标", "项目总目标", "目标", "预期目标", "实际完成情况", "预期目标实际完成情况"}
)


def read_goals(source: SourceText, lines: list[Line], form: PerformanceForm) -> None:
    """预期目标 then 实际完成情况: side by side on each line, or one after the other."""
    text_lines = [line for line in lines[1:] if compact(line.text) not in _GOAL_LABELS]
    if not text_lines:
        return
    pieces = _side_by_side(text_lines)
    if pieces is None:
        pieces = _one_after_other(text_lines, form)
    for field, part in zip(("expected", "actual"), pieces, strict=False):
        if part:
            _set_goal(source, form, field, part)


_Piece = tuple[int, int, int]  # line number, start, end in the normalised line
# The gap between two columns: spaces with non-ASCII text on both sides (a
# space next to a figure is how extraction prints ``完成 2024 年``).
_COLUMN_GAP = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


def _side_by_side(lines: list[Line]) -> tuple[list[_Piece], list[_Piece]] | None:
    """Both texts on the same lines, one column gap per line, or None."""
    expected: list[_Piece] = []
    actual: list[_Piece] = []
    for line in lines:
        start, end = stripped_bounds(line)
        gaps = list(_COLUMN_GAP.finditer(line.text, start, end))
        halves = _equal_halves(line.text[start:end])
        if halves is not None:
            cut, resume = start + halves[0], start + halves[1]
        elif len(gaps) == 1:
            cut, resume = gaps[0].start(), gaps[0].end()
        else:
            return None
        expected.append((line.number, start, cut))
        actual.append((line.number, resume, end))
    return expected, actual


# The label a target form prints before its goal, spaces removed (年度绩效目标, 年度目标 …).
_SINGLE_GOAL_LABEL = re.compile(r"^(?:年度总体目标|年度绩效目标|项目总目标|年度目标|总体目标)")


def read_single_goal(source: SourceText, lines: list[Line], form: PerformanceForm) -> None:
    """A target form's one goal text (年度目标): read as the expected goal.
    ``lines`` start at the label's line, which may carry the text after the label
    (``年度绩效 目标 按月发放员额同志工资``)."""
    pieces = [(line.number, *stripped_bounds(line)) for line in lines[1:] if compact(line.text) not in _GOAL_LABELS]
    if lines:
        head = lines[0]
        label = _SINGLE_GOAL_LABEL.match(compact(head.text))
        after = _after_compact_prefix(head.text, len(label.group(0))) if label else len(head.text)
        begin, end = after + len(head.text[after:]) - len(head.text[after:].lstrip()), stripped_bounds(head)[1]
        pieces.insert(0, (head.number, begin, end))
    pieces = [piece for piece in pieces if piece[2] > piece[1]]
    if pieces:
        _set_goal(source, form, "expected", pieces)


def _after_compact_prefix(text: str, count: int) -> int:
    """The offset in ``text`` after its first ``count`` characters that are not white space."""
    seen = 0
    for offset, char in enumerate(text):
        if seen == count:
            return offset
        if not char.isspace():
            seen += 1
    return len(text)


def _set_goal(source: SourceText, form: PerformanceForm, field: str, pieces: list[_Piece]) -> None:
    text = "".join(source.line(number).text[begin:end] for number, begin, end in pieces)
    setattr(form.goals, field, text)
    form.goals.provenance[field] = source.span_over(pieces)


def _equal_halves(text: str) -> tuple[int, int] | None:
    """Where ``text`` splits at a space into two halves reading the same."""
    for gap in re.finditer(r" +", text):
        if compact(text[: gap.start()]) == compact(text[gap.end() :]):
            return gap.start(), gap.end()
    return None


def _one_after_other(lines: list[Line], form: PerformanceForm) -> tuple[list[_Piece], list[_Piece]]:
    """The expected text first, then the actual, each wrapped at its column width.

    The expected lines fill the width of its first line; it ends at a line
    clearly shorter (the paragraph's last line) or before a line clearly wider
    (the wider actual column).
    """
    widths = [display_width(line.text.strip()) for line in lines]
    pieces = [(line.number, *stripped_bounds(line)) for line in lines]
    if _alternating(widths):
        return pieces[0::2], pieces[1::2]
    split = None
    for index in range(1, len(lines)):
        if widths[index - 1] < widths[0] - NAME_SLACK or widths[index] > widths[0] + NAME_SLACK:
            split = index
            break
    if split is None:
        if len(lines) == 2:
            split = 1
        else:
            form.warnings.append(
                "goals: the end of 预期目标 cannot be told from the line widths; all read as expected"
            )
            split = len(lines)
    return pieces[:split], pieces[split:]


def _alternating(widths: list[int]) -> bool:
    """True when the lines alternate between two column widths (expected,
    actual, expected, ...): the two cells of each visual line printed in turn.
    The last line of each text may be short."""
    if len(widths) < 6:  # two or three lines each: a sequential reading fits as well
        return False
    first, second = widths[0::2], widths[1::2]
    if abs(first[0] - second[0]) <= NAME_SLACK:
        return False

    def steady(column: list[int]) -> bool:
        return all(abs(width - column[0]) <= NAME_SLACK for width in column[:-1])

    # The sequential reading needs one switch of width; alternation switches on every line.
    return steady(first) and steady(second)
