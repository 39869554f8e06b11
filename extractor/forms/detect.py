"""Finding performance forms in a report: line ranges and their kind.

A form starts at its title (项目支出绩效自评表, 项目支出绩效目标表, 项目绩效目标表,
部门预算项目支出绩效自评表, with or without a department and year before it)
and runs until the next form, the next part heading (第三部分 …) or a Markdown
heading. A title with no form body after it (a table-of-contents entry such as
``十、部门预算项目支出绩效自评表``) is not a form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.document import SourceText
from extractor.document.segment import part_lines
from schemas import FormKind

# The title, compacted (white space removed). The prefix allows a department
# name and a year; the enumerator check below rejects TOC and heading entries.
_TITLE = re.compile(
    r"^(?P<prefix>.{0,60}?)项目(?:支出)?绩效(?P<kind>自评|目标)(?:申报|填报)?表(?:[（(][^（）()]{0,16}[）)])?$"
)
_ENUMERATED = re.compile(
    r"^[-*·]*(?:第?[一二三四五六七八九十]+[、.．章节]|\(?[一二三四五六七八九十]+\)|（[一二三四五六七八九十]+）|\d+[、.．])"
)
# Rows that only a form body has, near its top.
_BODY = re.compile(r"^(项目名称|主管部门|实施单位|资金情况|项目资金|项目级次|预算单位|单位名称)")
_BODY_WINDOW = 8  # non-blank lines after a title in which the body must start
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """The text without white space and tabs (labels are matched this way).
    Cached: every line and cell is compacted again by each parser that looks at it."""
    return _SPACE.sub("", text)


@lru_cache(maxsize=16384)  # pure; asked for every line by form and score-table detection
def title_kind(text: str) -> FormKind | None:
    """The form kind a title line announces, or None when it is no form title."""
    flat = compact(text)
    match = _TITLE.match(flat)
    if match is None or _ENUMERATED.match(flat):
        return None
    return "self_evaluation" if match.group("kind") == "自评" else "target"


def title_start(text: str) -> int:
    """Where the title starts in a title line: after a sentence that a PDF reader
    joined before it (``…填报表见下。财政项目支出绩效目标填报表``), else 0."""
    return text.rfind("。") + 1


def is_boundary(source: SourceText, number: int) -> bool:
    """True for a line that ends any form: a part heading or a Markdown heading."""
    if number in part_lines(source):
        return True
    line = source.line(number)
    return line.heading_level > 0 and title_kind(line.text) is None


def find_form_blocks(source: SourceText) -> list[tuple[int, int, FormKind]]:
    """Every form as (first line, last line, kind); lines are 1-based, inclusive.

    ``first`` is the title line. Repeated titles (a page header printed again
    right before the form) collapse onto the last one before the body.
    """
    # Forms and score tables both ask: the walk is done once per source.
    return list(source.memo("form_blocks", _find_form_blocks))


def _find_form_blocks(source: SourceText) -> tuple[tuple[int, int, FormKind], ...]:
    titles: list[tuple[int, FormKind]] = []
    for line in source.lines:
        if line.blank or len(line.text) > 200:
            continue
        kind = title_kind(line.text)
        if kind is not None and _has_body(source, line.number):
            titles.append((line.number, kind))
    blocks: list[tuple[int, int, FormKind]] = []
    total = len(source.lines)
    for index, (first, kind) in enumerate(titles):
        stop = titles[index + 1][0] - 1 if index + 1 < len(titles) else total
        last = first
        for number in range(first + 1, stop + 1):
            if is_boundary(source, number):
                break
            line = source.line(number)
            if not line.blank and title_kind(line.text) is None:
                last = number
        blocks.append((first, last, kind))
    return tuple(blocks)


def _has_body(source: SourceText, title: int) -> bool:
    """A body row follows within a few non-blank lines, before any other title.

    Another title in between is a repeated page header: the form belongs to
    the later one, so this one has no body of its own.
    """
    seen = 0
    for number in range(title + 1, len(source.lines) + 1):
        line = source.line(number)
        if line.blank:
            continue
        if title_kind(line.text) is not None or is_boundary(source, number):
            return False
        if _BODY.match(compact(line.text)):
            return True
        seen += 1
        if seen >= _BODY_WINDOW:
            return False
    return False
