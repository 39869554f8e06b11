"""The report's outline as the editorial rules read it: its contents (目录), its
headings, the tables its contents list and the titles its body prints.

Read from the text itself (the extraction holds the tables, not the wording of
headings); every function here is pure and cached on the :class:`SourceText`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import Line, SourceText
from extractor.tables.cells import clean_text
from extractor.tables.detection import FINAL_ACCOUNT_TITLES, parse_title, title_key

# "目录", "目 录", or "目" and "录" on two lines (a text export of a spaced heading).
_TOC_MARK = re.compile(r"^\s*目\s*录\s*$")
_TOC_HEAD_LINES = 80
_LEADER = re.compile(r"[…\.·．_]{2,}.*$")
_PROSE = re.compile(r"[。；;]|[，,].*[，,]")
_TOC_ENTRY_MAX = 60
_HEADING_MAX = 40
_SENTENCE = re.compile(r"[。，；,;！？]")


@dataclass(frozen=True)
class Contents:
    """The contents block: its lines (1-based, inclusive) and the tables it lists."""

    first: int
    last: int
    table_keys: frozenset[str]


def contents(source: SourceText) -> Contents | None:
    """The 目录 and the table titles it lists (None when the report prints no contents)."""
    return source.memo("editorial_contents", _contents)


def _contents(source: SourceText) -> Contents | None:
    lines = source.lines
    mark = _toc_mark(lines[:_TOC_HEAD_LINES])
    if mark is None:
        return None
    entries: list[Line] = []
    first_key: str | None = None
    last = mark
    for line in lines[mark:]:
        if line.blank:
            continue
        text = line.text.strip()
        key = _entry_key(text)
        if first_key is not None and key == first_key:
            break  # the first entry printed again: the body starts
        if len(_LEADER.sub("", text)) > _TOC_ENTRY_MAX or _PROSE.search(_LEADER.sub("", text)):
            break
        if first_key is None:
            first_key = key
        entries.append(line)
        last = line.number
    keys = frozenset(found for line in entries if (found := table_title_key(line.text)))
    return Contents(first=mark, last=last, table_keys=keys)


def _toc_mark(head: list[Line]) -> int | None:
    for index, line in enumerate(head):
        text = line.text.strip()
        if _TOC_MARK.match(text):
            return line.number
        if text == "目":
            following = next((later for later in head[index + 1 :] if not later.blank), None)
            if following is not None and following.text.strip() == "录":
                return following.number
    return None


def _entry_key(text: str) -> str:
    return re.sub(r"\s+", "", _LEADER.sub("", text))


def table_title_key(text: str) -> str | None:
    """The comparison key of a table title printed on a line (contents entry or heading)."""
    parsed = parse_title(_LEADER.sub("", text))
    if parsed is None:
        return None
    key = title_key(parsed[0])
    return FINAL_ACCOUNT_TITLES.get(key, key)


def body_table_keys(source: SourceText) -> frozenset[str]:
    """Keys of the table titles printed after the contents (the tables' own headings)."""
    return source.memo("editorial_body_titles", _body_table_keys)


def _body_table_keys(source: SourceText) -> frozenset[str]:
    block = contents(source)
    start = block.last if block else 0
    return frozenset(
        key
        for line in source.lines[start:]
        if not line.blank and "表" in line.text and (key := table_title_key(line.text))
    )


def headings(source: SourceText) -> list[Line]:
    """Lines printed as headings: short, no sentence punctuation, outside the contents."""
    return source.memo("editorial_headings", _headings)


def _headings(source: SourceText) -> list[Line]:
    block = contents(source)
    inside = range(block.first, block.last + 1) if block else range(0)
    found: list[Line] = []
    for line in source.lines:
        if line.blank or line.number in inside or "\t" in line.text:
            continue
        text = clean_text(line.text)
        if 2 <= len(text) <= _HEADING_MAX and not _SENTENCE.search(text) and not re.search(r"\d[\d,]*\.\d", text):
            found.append(line)
    return found
