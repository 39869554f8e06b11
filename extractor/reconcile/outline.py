"""The report's outline as the editorial rules read it: its contents (目录), its
headings, the tables its contents list and the titles its body prints.

Read from the text itself (the extraction holds the tables, not the wording of
headings); every function here is pure and cached on the :class:`SourceText`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
# How a contents entry starts: 第一部分 / 一、 / 1. / （一） / 1．2025年…
_ENTRY_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、.．]"
    r"|[(（][一二三四五六七八九十\d]+[)）])"
)
_HEADING_MAX = 40
# Glyphs of another font printed on another baseline, which pdfplumber sets on a line of
# their own under the entry they belong to: its year ("2024"), its quote marks ("“ ”").
_DISPLACED = re.compile(r"^(?:20\d{2}|[“”\"‘’'\s]+)$")
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
        if _DISPLACED.match(text):
            continue  # an entry's year or quote marks that pdfplumber put on a line of their own
        key = _entry_key(text)
        if first_key is not None and key == first_key:
            break  # the first entry printed again: the body starts
        bare = _LEADER.sub("", text)
        if len(bare) > _TOC_ENTRY_MAX or _PROSE.search(bare):
            break
        if not (_LEADER.search(text) or _ENTRY_START.match(bare) or table_title_key(bare)):
            break  # neither numbered, nor dotted to a page, nor a table: a heading of the body
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


@dataclass(frozen=True)
class Flow:
    """The report's lines joined without their breaks (a sentence wrapped over lines
    reads whole), with the line each character came from."""

    text: str
    starts: tuple[int, ...]  # offset in ``text`` where each joined line starts
    lines: tuple[int, ...]  # the line number of each joined line
    columns: tuple[int, ...]  # offset in the normalised line where its joined text starts

    def line_at(self, offset: int) -> tuple[int, int]:
        """(line number, offset in that normalised line) of a character of ``text``."""
        index = bisect_right(self.starts, offset) - 1
        return self.lines[index], self.columns[index] + offset - self.starts[index]


def flow(source: SourceText) -> Flow:
    """Every non-blank line's text, stripped and joined (cached on the source)."""
    return source.memo("editorial_flow", _flow)


def _flow(source: SourceText) -> Flow:
    pieces: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    columns: list[int] = []
    offset = 0
    for line in source.lines:
        if line.blank:
            continue
        stripped = line.text.strip()
        starts.append(offset)
        numbers.append(line.number)
        columns.append(line.text.find(stripped) if stripped else 0)
        pieces.append(stripped)
        offset += len(stripped)
    return Flow("".join(pieces), tuple(starts), tuple(numbers), tuple(columns))
