"""Segmenting a report into its parts (第一部分 …) and recognising headings.

Most reports head their parts 第一部分 部门概况, 第二部分 …; some number them
一、部门概况, 二、2024年度部门决算表, … like any other heading, and then a
heading is a part only when it names one of the family's parts. Reports open
with a table of contents (目录) that repeats the part headings; those are told
apart from the real parts because the first part's title occurs again after
them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.document.source import Line, SourceText
from schemas import ReportPart

_PART = re.compile(r"^\s*第\s*([一二三四五六七八九十]+)\s*部\s*分\s*(.*)$")
# 一、部门概况 / 二、2024年度部门决算表 / 三、部门决算情况说明 / 四、名词解释: a numbered
# heading is a part when its title is a part's name, not a section's
# ("一、收入支出决算总体情况说明" is a section of 情况说明).
_NUMBERED_PART = re.compile(r"^\s*(?:#+\s*)?([一二三四五六七八九十]+)\s*[、.．]\s*(.+)$")
# The tables part: 2024年度部门决算表, 部门预算公开表, 单位决算报表.
_TABLES_PART = re.compile(r"^(?:\d{4}年度?)?(?:部门|单位)?(?:预算|决算)(?:公开)?(?:报)?表$")
_PART_NAME = re.compile(
    r"^(?:\d{4}年度?)?(?:部门|单位)?(?:基本)?概况$"
    rf"|{_TABLES_PART.pattern}"
    r"|^(?:\d{4}年度?)?(?:部门|单位)?(?:预算|决算)?(?:公开)?情况说明$"
    r"|^名词解释$"
    r"|^(?:\d{4}年度?)?.{0,12}(?:自评|评价)报告$"
    r"|^附件"
)
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
    # 主要职能 and 机构设置: a budget's overview in two parts (上海市…局主要职能, …局机构设置)
    if "概况" in compact or compact.endswith(("主要职能", "机构设置")):
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


@dataclass(frozen=True)
class PartHeading:
    """A part heading as printed (the contents' entries included)."""

    line: int
    numeral: str
    title: str  # the line's first cell, as printed
    key: str  # the title after the numeral, for comparing contents and body


def names_a_part(title: str) -> bool:
    """True for one of the family's part names (部门概况, 2024年度部门决算表, 情况说明,
    名词解释, a self-evaluation report, 附件), numeral and page number left out."""
    return bool(_PART_NAME.match(_title_key(title)))


def names_tables_part(title: str) -> bool:
    """True for the name of the part that holds all the fixed tables (2024年度部门决算表)."""
    return bool(_TABLES_PART.match(_title_key(title)))


def part_headings(source: SourceText) -> tuple[PartHeading, ...]:
    """Every part heading of the report, contents' entries included: 第X部分
    headings, or, in a report that prints none, the numbered headings that name
    a part (一、部门概况 …)."""
    return source.memo("part_headings", _part_headings)


def part_lines(source: SourceText) -> frozenset[int]:
    """The line numbers of :func:`part_headings` (a boundary for forms and tables)."""
    return source.memo("part_lines", lambda s: frozenset(h.line for h in part_headings(s)))


def _part_headings(source: SourceText) -> tuple[PartHeading, ...]:
    found: list[PartHeading] = []
    # The literal test first: the pattern would be tried on every line of the report.
    for line in source.lines:
        match = _PART.match(line.text) if "部" in line.text else None
        if match:
            title, key = _broken_title(source, line.number, match.group(2))
            found.append(PartHeading(line.number, match.group(1), title, key))
    if found:
        return tuple(_with_unnumbered_parts(source, found))
    for line in source.lines:
        # a contents entry's leader dots (padded to the page's width by a layout export) are no title
        match = _NUMBERED_PART.match(line.text) if len(_LEADER_TAIL.sub("", line.text)) < 60 else None
        if match and names_a_part(match.group(2)):
            found.append(_numbered_heading(line, match))
    end = _contents_end(source, found) if found else 0
    if end and not any(h.line > end for h in found):
        # The body repeats none of the contents' numbered entries (a Shanghai budget heads
        # its parts 上海市…局主要职能, 名词解释, 2025年部门预算编制说明): every entry of
        # the contents is a part, looked for by its title alone.
        return tuple(_with_unnumbered_parts(source, _contents_entries(source, end)))
    return tuple(found)


def _numbered_heading(line: Line, match: re.Match[str]) -> PartHeading:
    title = re.sub(r"^#+\s*", "", line.text.split("\t")[0].strip())
    return PartHeading(line.number, match.group(1), title, _title_key(match.group(2)))


def _contents_entries(source: SourceText, end: int) -> list[PartHeading]:
    """The top-level entries (一、部门主要职能 ……) of the contents that end on line ``end``."""
    toc = next((line.number for line in source.lines[:end] if "录" in line.text and _toc_heading(source, line)), 0)
    entries: list[PartHeading] = []
    for line in source.lines[toc:end]:
        match = _NUMBERED_PART.match(line.text) if len(line.text) < 200 else None
        if match and len(_title_key(match.group(2))) <= _TITLE_CHARS:
            entries.append(_numbered_heading(line, match))
    return entries


def _broken_title(source: SourceText, number: int, rest: str) -> tuple[str, str]:
    """The title and key of the part heading on line ``number``, ``rest`` being what
    follows its 第X部分. Text tools break a heading over lines: 第一部分 alone and
    the title on the next line; a title's last word (说明) on a line of its own."""
    pieces = [source.line(number).text.split("\t")[0].strip()]
    key = _title_key(rest)
    following = _next_printed(source, number)
    if not key and following and _continues_title(following.text):
        pieces.append(following.text.strip())
        key = _title_key(following.text)
        following = _next_printed(source, following.number)
    if following and _LONE_YEAR.match(following.text.strip()):
        # pdfplumber puts the title's year (another font, another baseline) on a line of its own
        following = _next_printed(source, following.number)
    if key and part_role(key) == "other" and following and _continues_title(following.text):
        joined = key + _title_key(following.text)
        if len(joined) - len(key) <= _TAIL_CHARS and part_role(joined) != "other":
            pieces.append(following.text.strip())
            key = joined
    return " ".join(pieces), key


_LONE_YEAR = re.compile(r"^20\d{2}$")
_TAIL_CHARS = 4  # the broken-off end of a title (说明, 决算表) is a word, not a line of prose
_TITLE_CHARS = 40


def _next_printed(source: SourceText, number: int) -> Line | None:
    """The next line holding text, within the blank lines a text tool puts around a heading."""
    for following in range(number + 1, min(number + 4, len(source.lines) + 1)):
        line = source.line(following)
        if not line.blank:
            return line
    return None


def _continues_title(text: str) -> bool:
    """True for a line that can be (the rest of) a part's title: short, no numbering,
    no sentence, not another part heading."""
    stripped = text.split("\t")[0].strip()
    return (
        0 < len(stripped) <= _TITLE_CHARS
        and not _PART.match(stripped)
        and not _ITEM.match(stripped)
        and not _SENTENCE_MARK.search(stripped)
    )


def _with_unnumbered_parts(source: SourceText, found: list[PartHeading]) -> list[PartHeading]:
    """``found`` and the parts the contents list that the body heads by their title
    alone ("中共…社会工作部2024年度部门决算表" for 第二部分 中共…部门决算表; "上海市…局
    主要职能" for 一、部门主要职能): each is looked for after the body heading of the part
    listed before it and before the body heading of the next part found."""
    end = _contents_end(source, found)
    contents = [h for h in found if h.line <= end]
    body = {h.key: h.line for h in found if h.line > end}
    added: list[PartHeading] = []
    floor = end
    for index, entry in enumerate(contents):
        if entry.key in body:
            floor = max(floor, body[entry.key])
            continue
        if len(entry.key) < _TAIL_CHARS:
            continue
        after = [body[h.key] for h in contents[index + 1 :] if h.key in body]
        heading = _bare_title(source, entry.key, floor + 1, min(after, default=len(source.lines) + 1) - 1)
        if heading is not None:
            added.append(PartHeading(heading[0], entry.numeral, heading[1], entry.key))
            floor = heading[0]
    return sorted([*found, *added], key=lambda h: h.line)


# What a contents entry's 部门/单位 stands for in the body's heading: the department's
# name (上海市普陀区财政局主要职能 for 部门主要职能), a year (2025年部门预算编制说明).
_LISTED_PREFIX = re.compile(r"^(?:\d{4}年度?)?(?:部门|单位|预算单位)?")
# The prefixes a tables part's heading may carry (2025年部门预算表, 上海市…局2025年部门预算表):
# anything more ("2025年部门一般公共预算支出功能分类" + 预算表) makes it one table's title.
_TABLES_PREFIX = re.compile(
    r"^(?:[^\d预算表经费]{2,30}?(?:局|厅|委员会|委|办公室|办事处|院|所|中心|部|会|站|队|馆)(?:[（(](?:部门|单位)[）)])?)?"
    r"(?:\d{4}年度?)?(?:部门|单位|预算单位)?$"
)


def _bare_title(source: SourceText, key: str, first: int, last: int) -> tuple[int, str] | None:
    """The first line in [first, last] printing ``key`` alone (or broken over two lines),
    or a heading that prints it after the department's name, a year or a project's name
    (人民调解项目经费情况说明 for 项目经费情况说明)."""
    core = _LISTED_PREFIX.sub("", key) or key
    for number in range(first, last + 1):
        text = source.line(number).text
        if key[0] not in text and core[-1] not in text:
            continue
        head = _title_key(text)
        if not head:
            continue
        if head == key or _titled_by(text, head, key, core):
            return number, text.strip()
        following = _next_printed(source, number)
        if following is None or not key.startswith(head):
            continue
        if head + _title_key(following.text) == key:
            return number, f"{text.strip()} {following.text.strip()}"
    return None


def _titled_by(text: str, head: str, key: str, core: str) -> bool:
    """True when ``head`` is a part's heading naming ``core`` after a prefix: a short
    line, no sentence, no figure, no list numbering."""
    tables = names_tables_part(key)
    if not head.endswith(core) or len(head) > _TITLE_CHARS or (len(core) < _TAIL_CHARS and not tables):
        return False
    stripped = text.split("\t")[0].strip()
    if _SENTENCE_MARK.search(stripped) or _FIGURE.search(stripped) or _ITEM.match(stripped) or _PART.match(stripped):
        return False
    prefix = head[: len(head) - len(core)]
    return not tables or bool(_TABLES_PREFIX.match(prefix))


def toc_end(source: SourceText) -> int:
    """The last line of the table of contents (0 when the report has none)."""
    # Asked by segmentation and by paragraph reflow: found once per source.
    return source.memo("toc_end", _toc_end)


def _toc_end(source: SourceText) -> int:
    return _contents_end(source, part_headings(source))


def _contents_end(source: SourceText, parts: Sequence[PartHeading]) -> int:
    if not parts:
        return 0
    first = parts[0]
    for part in parts[1:]:
        if part.numeral == first.numeral and part.key == first.key:
            return part.line - 1
    toc = next((line.number for line in source.lines[: first.line] if "录" in line.text and _toc_heading(source, line)),
               0)
    return _contents_block_end(source, toc) if toc and toc < first.line else 0


def _toc_heading(source: SourceText, line: Line) -> bool:
    """目录 on ``line``, or its last character there under a 目 printed alone above it
    (pdftotext spaces the heading's two characters onto two lines)."""
    if _TOC.match(line.text):
        return True
    if line.text.strip() != "录":
        return False
    above = next((source.line(n) for n in range(line.number - 1, max(line.number - 4, 0), -1)
                  if not source.line(n).blank), None)
    return above is not None and above.text.strip() == "目"


def _contents_block_end(source: SourceText, toc: int) -> int:
    """The last line of the contents that follow the 目录 heading on line ``toc``: its
    entries are numbered (一、 / 1.) or end in leader dots ("五、部门预算表 ……"); the first
    line that is neither (the body's first heading or sentence) ends them. A report whose
    body heads its parts without their numerals ("名词解释", "上海市…局主要职能") repeats no
    contents entry, so this is where its contents end."""
    last = toc
    for line in source.lines[toc : toc + _CONTENTS_LINES]:
        text = line.text.strip()
        if not text:
            continue
        if not (_LEADERS.search(text) or _ITEM.match(text) or _ENTRY.match(text)) or "。" in text:
            break
        last = line.number
    return last


_LEADER_TAIL = re.compile(r"\s*(?:…|[.·．]{4,})[…\s.·．]*\d*\s*$")
_CONTENTS_LINES = 200  # no contents runs longer: the search stays cheap on any text
_LEADERS = re.compile(r"(?:…|[.·．]{4,})\s*\d*$")
_ENTRY = re.compile(r"^\d{1,2}\s*[、.．]\s*\d{4}年")  # "4．2024年预算单位财政拨款收支预算总表"


def find_parts(source: SourceText) -> list[ReportPart]:
    """The report's top-level parts after the table of contents, in order."""
    start = toc_end(source)
    found = [(h.line, h.title) for h in part_headings(source) if h.line > start]
    parts: list[ReportPart] = []
    for index, (number, title) in enumerate(found):
        last = found[index + 1][0] - 1 if index + 1 < len(found) else len(source.lines)
        role = part_role(title)
        parts.append(ReportPart(title=title, role=role, span=source.lines_span(number, last)))
    return parts


def heading_of(text: str, markdown_level: int = 0) -> int | None:
    """The depth of a heading line (0 for a part heading), or None for prose.

    A numbered line is a heading only when it is short and is not a sentence:
    "(一) 负责省政府会议的准备工作；…" is a list item, not a heading.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if "部" in stripped and _PART.match(stripped):
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
