"""Score tables printed in PDF line flow (a 项目支出绩效评价报告's 评分表).

Without tabs, each visual line of the table is one text line, cells separated
by spaces and blank lines in between::

    一级指标 二级指标 三级指标 分值 得分 扣分原因
    决策10                      <- level 1 fused with its points
    项目立项                    <- level 2 ...
    3                           <- ... and its points on the next line
    立项依据充分性 1.5 1.5      <- a scored row: name, 分值, 得分
    资金到位率 5 1.95
    本年预算资金为 2400万元，…  <- the 扣分原因 of the row above, continued

Rows are the scored (leaf) indicators; their level-1 and level-2 names and the
扣分原因 go to ``texts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import SourceText
from extractor.forms.detect import compact, is_boundary
from extractor.numbers import is_empty_cell, try_amount
from schemas import ScoreTable, ScoreTableRow, Span

# The 一级指标 of the evaluation framework (决策 / 过程 / 产出 / 效果), printed fused
# with their points (决策10).
_LEVEL1 = re.compile(r"^(决策|过程|产出|效果|效益|投入|管理)(\d+(?:\.\d+)?)$")
_SECTION = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_TOKEN = re.compile(r"\S+")
_PUNCTUATION = re.compile(r"[，。；：、（）()%=*/“”]")
_MAX_LEVEL2 = 8  # characters of a level-2 name standing alone on its line
_MAX_ROWS = 400  # lines a table may span


@dataclass(frozen=True)
class _Token:
    line: int
    start: int
    end: int
    text: str


def find_flow_score_tables(source: SourceText) -> list[ScoreTable]:
    """Every line-flow score table (header ``… 分值 得分 …`` without tabs)."""
    tables: list[ScoreTable] = []
    for line in source.lines:
        # The header holds 分值 and 得分: other lines are not split into words.
        if "\t" in line.text or line.blank or "得分" not in line.text or "分值" not in line.text:
            continue
        names = line.text.split()
        if {"分值", "得分"} <= set(names) and any("指标" in name for name in names):
            tables.append(_table(source, line.number, names))
    return tables


def _tokens(source: SourceText, number: int) -> list[_Token]:
    text = source.line(number).text
    return [_Token(number, m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_value(token: _Token) -> bool:
    return try_amount(token.text) is not None or (is_empty_cell(token.text) and "—" in token.text)


def _title(source: SourceText, header: int) -> tuple[str, int]:
    """The line above that announces the table (…评分表 / …得分…表), else the header."""
    for number in range(header - 1, max(header - 16, 0), -1):
        text = source.line(number).text.strip()
        if "评分表" in text or ("得分" in text and text.endswith("表")):
            return text, number
    return source.line(header).text.strip(), header


def _table(source: SourceText, header: int, names: list[str]) -> ScoreTable:
    title, start = _title(source, header)
    columns = [compact(name) for name in names]
    # Paragraphs between the announcing line and the header stay narrative.
    if not all(source.line(n).blank for n in range(start + 1, header)):
        start = header
    table = ScoreTable(title=title, columns=columns, line_start=start, line_end=header)
    lines = _body_lines(source, header)
    level1 = level2 = ""
    spans: dict[str, Span] = {}
    for index, number in enumerate(lines):
        tokens = _tokens(source, number)
        values = [i for i, token in enumerate(tokens) if _is_value(token)]
        fused = _LEVEL1.match(tokens[0].text)
        if fused:
            level1, level2 = fused.group(1), ""
            spans["一级指标"] = source.span(number, tokens[0].start, tokens[0].start + len(level1))
            tokens = tokens[1:]
            values = [i - 1 for i in values if i > 0]
            if not tokens:
                continue
        pair = next((i for i in values if i + 1 in values and i > 0), None)
        if pair is not None:
            names_before = tokens[:pair]
            if len(names_before) >= 2:
                level2 = names_before[-2].text
                spans["二级指标"] = source.span(number, names_before[-2].start, names_before[-2].end)
            row = _row(source, tokens, pair, level1, level2, spans)
            table.rows.append(row)
            table.line_end = number
            continue
        if len(tokens) == 1 and _is_value(tokens[0]):
            continue  # the points of the level-2 name above
        following = lines[index + 1] if index + 1 < len(lines) else None
        if _is_level2(source, tokens, following):
            level2 = tokens[0].text
            spans["二级指标"] = source.span(number, tokens[0].start, tokens[0].end)
            continue
        if table.rows:  # the 扣分原因 continues
            _extend_reason(source, table.rows[-1], tokens)
            table.line_end = number
    return table


def _body_lines(source: SourceText, header: int) -> list[int]:
    lines: list[int] = []
    for number in range(header + 1, min(header + _MAX_ROWS, len(source.lines)) + 1):
        line = source.line(number)
        if line.blank:
            continue
        if "\t" in line.text or is_boundary(source, number) or _SECTION.match(compact(line.text)):
            break
        lines.append(number)
    return lines


def _is_level2(source: SourceText, tokens: list[_Token], following: int | None) -> bool:
    """A short name alone on its line, followed by its points or by a scored row."""
    if len(tokens) != 1 or len(tokens[0].text) > _MAX_LEVEL2 or _PUNCTUATION.search(tokens[0].text):
        return False
    if following is None:
        return False
    after = _tokens(source, following)
    return (len(after) == 1 and _is_value(after[0])) or any(_is_value(t) for t in after)


def _row(
    source: SourceText, tokens: list[_Token], pair: int, level1: str, level2: str, spans: dict[str, Span]
) -> ScoreTableRow:
    name = tokens[pair - 1]
    points, score = tokens[pair], tokens[pair + 1]
    row = ScoreTableRow(label=name.text, line=name.line)
    row.provenance["label"] = source.span(name.line, name.start, name.end)
    for key, token in (("分值", points), ("得分", score)):
        row.values[key] = try_amount(token.text)
        row.provenance[key] = source.span(token.line, token.start, token.end)
    if level1:
        row.texts["一级指标"] = level1
        row.provenance["一级指标"] = spans["一级指标"]
    if level2:
        row.texts["二级指标"] = level2
        row.provenance["二级指标"] = spans["二级指标"]
    _extend_reason(source, row, tokens[pair + 2 :])
    return row


def _extend_reason(source: SourceText, row: ScoreTableRow, tokens: list[_Token]) -> None:
    if not tokens:
        return
    text = " ".join(token.text for token in tokens)
    span = source.span(tokens[0].line, tokens[0].start, tokens[-1].end)
    row.texts["扣分原因"] = row.texts.get("扣分原因", "") + text
    previous = row.provenance.get("扣分原因")
    row.provenance["扣分原因"] = previous.merge(span) if previous else span
