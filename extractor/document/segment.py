"""Segmenting a report into its parts (第一部分 …) and recognising headings.

Reports open with a table of contents (目录) that repeats the part headings;
those are told apart from the real parts because the first part's title
occurs again after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document.source import SourceText
from schemas import ReportPart

_PART = re.compile(r"^\s*第([一二三四五六七八九十]+)部分\s*(.*)$")
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")),
    (2, re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]")),
    (3, re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)")),
    (4, re.compile(r"^\s*[(（]\s*\d{1,2}\s*[)）]")),
    (5, re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩]")),
)
_TERMINAL = "。！？"
_SENTENCE_MARK = re.compile(f"[{_TERMINAL}；，,]")  # a line holding one is prose, not a heading
# Any of the numberings above, in one pattern.
_ITEM = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _HEADING_PATTERNS))
_TOC = re.compile(r"^\s*目\s*录\s*$")
_FIGURE = re.compile(r"\d\s*(?:万元|元|%)")  # a heading names a topic; a stated figure makes it prose


@dataclass(frozen=True)
class Heading:
    """A heading line: its depth below the part (1 = 一、, 2 = （一）, …) and title."""

    line: int
    level: int
    title: str


def part_role(title: str) -> str:
    """The role of a part from its title, for the family's usual part names."""
    compact = re.sub(r"\s+", "", title)
    if "名词解释" in compact:
        return "glossary"
    if "概况" in compact:
        return "overview"
    if "说明" in compact:
        return "explanation"
    if re.search(r"表$|报表", compact):
        return "tables"
    if "自评" in compact or "评价报告" in compact or "附件" in compact:
        return "self_evaluation"
    return "other"


def _title_key(title: str) -> str:
    # Contents lines end with a page number ("第一部分 概况\t1"); the body heading does not.
    return re.sub(r"[\s\d.…·]+$", "", re.sub(r"\s+", " ", title.split("\t")[0])).replace(" ", "")


def toc_end(source: SourceText) -> int:
    """The last line of the table of contents (0 when the report has none)."""
    # Asked by segmentation and by paragraph reflow: found once per source.
    return source.memo("toc_end", _toc_end)


def _toc_end(source: SourceText) -> int:
    # The literal test first: the pattern would be tried on every line of the report.
    heads = [(line.number, _PART.match(line.text)) for line in source.lines if "部分" in line.text]
    parts = [(number, m.group(1), _title_key(m.group(2))) for number, m in heads if m]
    if not parts:
        return 0
    first_number, first_title = parts[0][1], parts[0][2]
    for number, numeral, title in parts[1:]:
        if numeral == first_number and title == first_title:
            return number - 1
    toc = next((line.number for line in source.lines if "录" in line.text and _TOC.match(line.text)), 0)
    return toc if toc and toc < parts[0][0] else 0


def find_parts(source: SourceText) -> list[ReportPart]:
    """The report's top-level parts after the table of contents, in order."""
    start = toc_end(source)
    found: list[tuple[int, str]] = []
    for line in source.lines[start:]:
        match = _PART.match(line.text) if "部分" in line.text else None
        if match:
            found.append((line.number, line.text.split("\t")[0].strip()))
    parts: list[ReportPart] = []
    for index, (number, title) in enumerate(found):
        last = found[index + 1][0] - 1 if index + 1 < len(found) else len(source.lines)
        role = part_role(title)
        parts.append(ReportPart(title=title, role=role, span=source.lines_span(number, last)))  # type: ignore[arg-type]
    return parts


def heading_of(text: str, markdown_level: int = 0) -> int | None:
    """The depth of a heading line (0 for a part heading), or None for prose.

    A numbered line is a heading only when it is short and is not a sentence:
    "(一) 负责省政府会议的准备工作；…" is a list item, not a heading.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if "部分" in stripped and _PART.match(stripped):
        return 0
    if not markdown_level and not _ITEM.match(stripped):
        return None  # no numbering (most prose lines): none of the patterns below can match
    sentence = (
        bool(_SENTENCE_MARK.search(stripped))
        or len(stripped) > 45
        or bool(_FIGURE.search(stripped))
    )
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(stripped):
            return None if sentence else level
    if markdown_level and not sentence:
        return min(markdown_level + 1, 6)
    return None


def starts_item(text: str) -> bool:
    """True when ``text`` opens with list numbering (一、 / （一） / 1. / (1) / ①)."""
    stripped = text.strip()
    return bool(_ITEM.match(stripped))
