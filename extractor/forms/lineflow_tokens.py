"""Tokens, labels and indicator rows of line-flow performance forms.

The companion of :mod:`extractor.forms.lineflow`: text extraction printed every
visual line of the form on its own line, so a cell may be broken over several
lines and several cells may share one line. Here a line is cut into *tokens*
(space-separated pieces; Chinese text has no spaces inside), broken labels are
rejoined against the indicator vocabulary and the tokens between two labels
are cut into rows by their shape: a name, the target (年度指标值), the actual
(实际完成值), optional figures (分值 / 得分) and the deviation reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from extractor.document import Line, SourceText
from extractor.forms import vocabulary
from schemas import Span

_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")


class Token(NamedTuple):
    """A space-separated piece of one line: its text and where it stands.
    A named tuple: one is made for every word of every form line."""

    line: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=16384)  # pure; row splitting compacts the same tokens again and again
def compact(text: str) -> str:
    """Text without white space: broken cells compare equal to whole ones."""
    return _SPACES.sub("", text)


def tokenize_line(line: Line) -> list[Token]:
    """The tokens of one line."""
    number = line.number
    text = line.text
    return [Token(number, *match.span(), match.group()) for match in _TOKEN.finditer(text)]


def tokenize(source: SourceText, first: int, last: int) -> list[Token]:
    """The tokens of the non-blank lines ``first``..``last`` in reading order."""
    tokens: list[Token] = []
    # A slice of the lines when the range is inside the report (always, from the parsers);
    # line by line otherwise, with the errors that has always raised.
    inside = 1 <= first and last <= len(source.lines)
    lines = source.lines[first - 1 : last] if inside else [source.line(n) for n in range(first, last + 1)]
    for line in lines:
        if not line.blank:
            tokens.extend(tokenize_line(line))
    return tokens


def join_text(source: SourceText, tokens: list[Token]) -> str:
    """The tokens' text as written: spaces kept within a line, line breaks dropped."""
    parts: list[str] = []
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        if previous is not None and previous.line == token.line:
            parts.append(source.line(token.line).text[previous.end : token.start])
        parts.append(token.text)
    return "".join(parts)


def span_of(source: SourceText, tokens: list[Token]) -> Span:
    """The span covering every token (all lines of a broken cell)."""
    first = tokens[0]  # no tokens, no span: the IndexError callers have always seen
    return source.span_over([(first.line, first.start, first.end)] + [(t.line, t.start, t.end) for t in tokens[1:]])


# Column headers of the indicator table, whole; broken ones are rejoined first.
_HEADER_WORDS = frozenset(
    {
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "年度目标值",
        "指标值",
        "实际完成值",
        "全年实际完成值",
        "实际值",
        "完成值",
        "偏差原因分析及改进措施",
        "偏差原因及改进措施",
        "偏差原因分析",
        "偏差原因",
        "改进措施",
        "校验得分",
        "指标性质",
        "度量单位",
        "计量单位",
        "分值",
        "权重",
        "得分",
        "自评得分",
    }
)
_MAX_PARTS = 4  # a label is broken over at most this many lines


@dataclass(frozen=True)
class Label:
    """A level-1 or level-2 indicator label, possibly broken over tokens."""

    name: str
    level: int
    tokens: tuple[Token, ...]


def match_label(tokens: list[Token], index: int) -> Label | None:
    """The longest vocabulary label formed by tokens from ``index`` on.

    Only whole spellings ending in 指标 count: short aliases (``满意度``,
    ``服务对象满意度``) are also how departments name their level-3 indicators.
    """
    best: Label | None = None
    joined = ""
    # Asked at every token of an indicator table: the parts are walked by position.
    for position in range(index, min(len(tokens), index + _MAX_PARTS)):
        joined += tokens[position].text
        if joined.endswith("指标"):
            level = vocabulary.level_of(joined)
            if level is not None:
                best = Label(vocabulary.canonical(joined), level, tuple(tokens[index : position + 1]))
    return best


def skip_header(tokens: list[Token], index: int) -> tuple[int, list[str]]:
    """The index after the indicator table's column headers starting at
    ``index``, and the headers read there in order."""
    words: list[str] = []
    while index < len(tokens):
        joined = word = ""
        step = 0
        for count in range(1, _MAX_PARTS + 1):
            if index + count > len(tokens):
                break
            joined += tokens[index + count - 1].text
            if joined in _HEADER_WORDS:
                step = count
                word = joined
        if not step:
            break
        words.append(word)
        index += step
    return index, words


def match_child_alias(tokens: list[Token], index: int, parent: str) -> Label | None:
    """A level-2 label of ``parent`` in a short spelling (``经济效`` ``益``).

    Only asked right after a level-1 label, where a short spelling cannot be a
    level-3 name of the same words.
    """
    joined = ""
    for count in range(1, _MAX_PARTS):
        if index + count > len(tokens):
            break
        joined += tokens[index + count - 1].text
        name = vocabulary.canonical(joined)
        if name in vocabulary.HIERARCHY.get(parent, ()):
            return Label(name, 2, tuple(tokens[index : index + count]))
    return None


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")
# A figure starts with a digit, maybe after a comparator (>=6, ≤4个, =100%).
_VALUE_START = re.compile(
    r"^(?:[<>=≥≤≧≦＞＜＝]{1,2}|不低于|不少于|不高于|不超过|大于|小于|低于|高于|达到)?[+-]?\d"
)
_FIGURE = re.compile(_VALUE_START.pattern + r"[\d,]*(?:\.\d+)?")
_MAX_UNIT = 4  # longer text after a number is a name (5G基站覆盖率), not a unit
# Pieces that continue a figure printed on the next line: units, 前 / 底 of a deadline.
_UNIT_PIECE = re.compile(
    r"^(?:万|亿|千|百|元|吨|个|次|人|户|家|项|件|场|期|份|台|套|篇|条|批|天|日|号|月|年|周|小时|分钟|工作日"
    r"|平方米|平方|米|公里|千瓦|瓦|度|辆|所|座|名|位|部|本|册|处|起|类|组|种|轮|课时|学时|分|亩|公顷"
    r"|毫秒|秒|时|kg|%|‰|/|前|底|内|以上|以下|以内|左右|余)+$"
)
# After 年 or 月 a short number continues a date (24年 / 12 月 / 31 日前) when
# it carries 月 / 日 itself or the next piece does; a bare ``10`` after
# ``2024年11月`` is the next column (分值).
_DATE_PART = re.compile(r"^\d{1,2}[月日号]")
_BARE_DAY = re.compile(r"^\d{1,2}$")
_DATE_UNIT = re.compile(r"^[月日号]")


def is_value_start(token: Token) -> bool:
    """True for a token that starts a figure (``>=90%``, ``13万``, ``2``,
    ``24年12月``), not for a name that begins with digits (``5G基站覆盖率``)."""
    match = _FIGURE.match(token.text)
    if match is None:
        return False
    rest = token.text[match.end() :]
    return len(rest) <= _MAX_UNIT or rest[0] in "年月日%"


def value_end(tokens: list[Token], index: int) -> int:
    """The index after the figure starting at ``index`` and its unit pieces."""
    text = tokens[index].text
    end = index + 1
    while end < len(tokens):
        piece = tokens[end].text
        following = tokens[end + 1].text if end + 1 < len(tokens) else ""
        date = _DATE_PART.match(piece) or (_BARE_DAY.match(piece) and _DATE_UNIT.match(following))
        if _UNIT_PIECE.match(piece) or (text[-1] in "年月" and date):
            text += piece
            end += 1
        else:
            break
    return end


@dataclass
class RowShape:
    """Token index bounds of one indicator row: name, target, actual, extras, deviation."""

    start: int
    target: int
    actual: int
    end: int  # after the actual value
    stop: int  # after extra columns and the deviation reason
    extras: tuple[tuple[int, int], ...] = ()  # (start, end) of weight / score figures


_MAX_ROW = 80  # tokens in one row at most: bounds the search on text that is no form
_MAX_NAME_LINES = 3  # lines a target form's name may be broken over


def _at_line_end(tokens: list[Token], index: int) -> bool:
    return index >= len(tokens) or tokens[index].line != tokens[index - 1].line


class RowReader:
    """Reads rows from the tokens between two labels; remembers what it tried.

    ``paired``: a self-evaluation prints a target and an actual value per row; a
    target form (绩效目标表) prints the target alone, then its 权重.
    """

    def __init__(self, tokens: list[Token], extras: int, paired: bool = True) -> None:
        self.tokens = tokens
        self.extras = extras
        self.paired = paired
        self.keys = [compact(token.text) for token in tokens]
        self._first: dict[int, RowShape | None] = {}
        self._equal: dict[tuple[int, bool], RowShape | None] = {}

    def first_row(self, start: int) -> RowShape | None:
        """The row that begins at ``start``, or None when none can be read there."""
        if start not in self._first:
            self._first[start] = self._first_row(start)
        found = self._first[start]
        # A copy (callers set extras and stop): the fields passed directly, which
        # dataclasses.replace does after looking every one of them up by name.
        if found is None:
            return None
        return RowShape(found.start, found.target, found.actual, found.end, found.stop, found.extras)

    def _first_row(self, start: int) -> RowShape | None:
        if is_value_start(self.tokens[start]):
            return None
        if not self.paired:
            return self.single_split(start)
        cells = self.cells_split(start)
        if cells is not None:
            return cells
        equal = self.equal_split(start, check_rest=True)
        figures = self.value_split(start)
        if equal is None:
            return figures
        if figures is None or equal.end < figures.end:
            return equal
        return figures

    def equal_split(self, start: int, check_rest: bool) -> RowShape | None:
        """The first row whose target and actual read the same (``满意`` / ``满意``,
        ``不发生`` / ``不发`` ``生``): a broken word cannot otherwise be told from
        the next cell, but a target met is printed twice.

        A row must end at a line end, or before the extra figures (分值 / 得分)
        that end its line. With ``check_rest``, a row after which no other row
        can be read is passed over for a longer one (``发展 高质量 发展 高质量
        发展``): the leftover would be a stray word, not a deviation reason.
        """
        key = (start, check_rest)
        if key not in self._equal:
            self._equal[key] = self._equal_split(start, check_rest)
        return self._equal[key]

    def _equal_split(self, start: int, check_rest: bool) -> RowShape | None:
        count = len(self.tokens)
        fallback: RowShape | None = None
        for end in range(start + 3, min(count, start + _MAX_ROW) + 1):
            if not self._row_end(end):
                continue
            best: tuple[int, int] | None = None
            wanted = ""  # keys[actual:end], grown leftwards
            for actual in range(end - 1, start + 1, -1):
                wanted = self.keys[actual] + wanted
                written = ""  # keys[target:actual], grown leftwards
                for target in range(actual - 1, start, -1):
                    written = self.keys[target] + written
                    if len(written) > len(wanted):
                        break
                    if written == wanted:
                        best = (target, actual)
            if best is None:
                continue
            shape = RowShape(start, best[0], best[1], end, end)
            rest = self.next_line(end)
            if not check_rest or rest == count or self._readable(rest):
                return shape
            fallback = fallback or shape
        return fallback

    def next_line(self, index: int) -> int:
        """The index of the first token of the next line at or after ``index``."""
        while index < len(self.tokens) and not _at_line_end(self.tokens, index):
            index += 1
        return index

    def _row_end(self, end: int) -> bool:
        """True when a row can end before ``end``: at a line end, or where only
        extra figures follow on the line (a deviation may follow them)."""
        tokens = self.tokens
        if _at_line_end(tokens, end):
            return True
        for offset in range(self.extras):
            index = end + offset
            if index >= len(tokens) or not _PLAIN_NUMBER.match(tokens[index].text):
                return False
            if _at_line_end(tokens, index + 1) or not _PLAIN_NUMBER.match(tokens[index + 1].text):
                return True
        return False

    def _readable(self, start: int) -> bool:
        """True when a row of either shape starts at ``start``."""
        if is_value_start(self.tokens[start]):
            return False
        return self.value_split(start) is not None or self.equal_split(start, check_rest=False) is not None

    def cells_split(self, start: int) -> RowShape | None:
        """A row printed whole on one line, one cell per token: name, target and
        actual, then exactly the extra figures (``省政府后勤工作保障`` ``保障工作需求``
        ``保障全部工作需求`` ``30`` ``30``). The figures at the line's end anchor the
        columns, so texts that differ (a target not met) are still told apart."""
        if not self.extras:
            return None
        tokens = self.tokens
        end = self.next_line(start + 1)
        figures = end - self.extras
        if figures - start != 3 or not all(_PLAIN_NUMBER.match(t.text) for t in tokens[figures:end]):
            return None
        return RowShape(start, start + 1, start + 2, figures, figures)

    def single_split(self, start: int) -> RowShape | None:
        """A target form's row: the name, the target, and the extra figures (权重)
        that end its line. The target is the first figure after the name, else the
        last cell before the extras (``维持日常工作运转`` ``保障收入`` ``30``); a name
        broken over lines runs on to the first line that ends in the extras."""
        tokens = self.tokens
        line_start = start
        for _ in range(_MAX_NAME_LINES):
            end = self.next_line(line_start + 1)
            figures = 0
            while figures < self.extras and end - 1 > start + 1 and _PLAIN_NUMBER.match(tokens[end - 1].text):
                end -= 1
                figures += 1
            value = next((i for i in range(start + 1, end) if is_value_start(tokens[i])), None)
            if value is None and not self.extras and line_start == start and end - 1 > start:
                # No 权重 column: a words target (``显著``) is the last cell of the name's line.
                value = end - 1
            if value is not None or (figures and figures == self.extras):
                target = value if value is not None else end - 1
                if target <= start:
                    return None
                return RowShape(start, target, end, end, end)
            if end >= len(tokens):
                return None
            line_start = end
        return None

    def value_split(self, start: int) -> RowShape | None:
        """The first row read as name, figure, figure (``>=6 次`` ``6次``)."""
        tokens = self.tokens
        target = start
        limit = min(len(tokens), start + _MAX_ROW)
        while target < limit and not is_value_start(tokens[target]):
            target += 1
        if target == start or target >= limit:
            return None
        actual = value_end(tokens, target)
        if actual >= len(tokens) or not is_value_start(tokens[actual]):
            return None
        end = value_end(tokens, actual)
        return RowShape(start, target, actual, end, end)

    def row_starts(self, index: int, name_width: int | None) -> bool:
        """True when a row can be read from ``index`` (a line start)."""
        if name_width is not None and display_width(self.tokens[index].text) > name_width:
            return False
        return self.first_row(index) is not None


_WIDE = re.compile("[\u2e80-\U0010ffff]")
NAME_SLACK = 4  # half-width columns a name line may exceed the name column by


def stripped_bounds(line: Line) -> tuple[int, int]:
    """Where the text of ``line`` starts and ends once stripped of white space."""
    text = line.text
    return len(text) - len(text.lstrip()), len(text.rstrip())


def display_width(text: str) -> int:
    """Width in half-width columns: a Chinese character is printed twice as wide."""
    # One column per character, one more for each wide one (U+2E80 and above): counted by
    # the pattern rather than a generator over every character of every name line.
    return len(text) + len(_WIDE.findall(text))


def split_rows(
    tokens: list[Token],
    extras: int,
    name_width: int | None,
    reader: RowReader | None = None,
    paired: bool = True,
) -> list[RowShape]:
    """The indicator rows of the tokens between two labels.

    After a row's actual value come ``extras`` figures (分值 / 得分 columns) and
    the deviation reason: the rest of the actual's line, then whole lines up to
    the first line where another row can be read. A line wider than the name
    column (``name_width``) cannot start a row: it is the wider deviation column.
    """
    # A reader's memo does not depend on ``name_width``: one reader serves every split of the tokens.
    reader = reader if reader is not None else RowReader(tokens, extras, paired)
    rows: list[RowShape] = []
    start = 0
    while start < len(tokens):
        row = reader.first_row(start)
        if row is None:
            # No target and actual here: keep the text up to the next readable
            # row as a name-only row; the caller warns.
            cursor = reader.next_line(start + 1)
            while cursor < len(tokens) and not reader.row_starts(cursor, name_width):
                cursor = reader.next_line(cursor + 1)
            rows.append(RowShape(start, cursor, cursor, cursor, cursor))
            start = cursor
            continue
        cursor = row.end
        spans: list[tuple[int, int]] = []
        for _ in range(extras):
            if cursor < len(tokens) and _PLAIN_NUMBER.match(tokens[cursor].text):
                spans.append((cursor, cursor + 1))
                cursor += 1
        row.extras = tuple(spans)
        cursor = reader.next_line(cursor)
        while cursor < len(tokens) and not reader.row_starts(cursor, name_width):
            cursor = reader.next_line(cursor + 1)
        row.stop = cursor
        rows.append(row)
        start = cursor
    return rows
