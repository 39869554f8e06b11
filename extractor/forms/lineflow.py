"""Performance forms in PDF line-flow layout (no tab-separated cells).

Text extraction printed every visual line of the form on its own line: cells
broken across lines (``年度指`` / ``标值``), several cells of one visual row on
one line separated by spaces (``平台数量 1 1``), page numbers in the flow. The
parser works on *tokens* (space-separated pieces of non-blank lines), rejoins
broken labels against the indicator vocabulary and reads indicator rows by
their shape: a name, then the target (年度指标值), then the actual (实际完成值),
then an optional deviation reason (偏差原因分析及改进措施).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import SourceText
from extractor.forms import vocabulary
from extractor.forms.targets import parse_target
from extractor.numbers import try_amount
from schemas import FundRow, Goals, Indicator, PerformanceForm, Span
from schemas.forms import FundRowKind

_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Token:
    """A space-separated piece of one line: its text and where it stands."""

    line: int
    start: int
    end: int
    text: str


def compact(text: str) -> str:
    """Text without white space: broken cells compare equal to whole ones."""
    return _SPACES.sub("", text)


def tokenize(source: SourceText, first: int, last: int) -> list[Token]:
    """The tokens of the non-blank lines ``first``..``last`` in reading order."""
    tokens: list[Token] = []
    for number in range(first, last + 1):
        line = source.line(number)
        if line.blank:
            continue
        for match in _TOKEN.finditer(line.text):
            tokens.append(Token(number, match.start(), match.end(), match.group()))
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
    span = source.span(tokens[0].line, tokens[0].start, tokens[0].end)
    for token in tokens[1:]:
        span = span.merge(source.span(token.line, token.start, token.end))
    return span


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
        "偏差原因分析",
        "改进措施",
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
    for count in range(1, _MAX_PARTS + 1):
        if index + count > len(tokens):
            break
        joined += tokens[index + count - 1].text
        if not joined.endswith("指标"):
            continue
        level = vocabulary.level_of(joined)
        if level is not None:
            best = Label(vocabulary.canonical(joined), level, tuple(tokens[index : index + count]))
    return best


def skip_header(tokens: list[Token], index: int) -> int:
    """The index after the indicator table's column headers starting at ``index``."""
    while index < len(tokens):
        joined = ""
        step = 0
        for count in range(1, _MAX_PARTS + 1):
            if index + count > len(tokens):
                break
            joined += tokens[index + count - 1].text
            if joined in _HEADER_WORDS:
                step = count
        if not step:
            return index
        index += step
    return index
