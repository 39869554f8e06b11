"""Score tables of a department's self-evaluation report (绩效自评工作总结报告).

Such a report prints its own tables: 绩效自评一级指标得分情况表 (一级指标 /
指标分值 / 评价得分 / 得分率), a per-project summary with a two-row header
(预算项目 / 预算情况: 预算指标, 执行情况 / … / 整体得分情况: 自评得分, 自评结果),
rows broken across lines and cells broken inside words. A table is found by its
title (…得分情况表) or, untitled, by a score column (得分 / 分值) in a
tab-separated block outside the performance forms.
"""

from __future__ import annotations

import re

from extractor.document import SourceText
from extractor.forms.cells import Cell, row_cells, tidy
from extractor.forms.detect import compact, find_form_blocks
from extractor.numbers import is_empty_cell, try_amount
from schemas import ScoreTable, ScoreTableRow, Span

_TITLE = re.compile(r"(得分|评分|打分)(情况)?(汇总|统计)?表$")
_SCORE_HEADER = re.compile(r"得分|分值|评分")
_HEADING_NUMBER = re.compile(r"^#+\s*")
_TITLE_WINDOW = 3  # non-blank lines between a title and its table


def find_score_tables(source: SourceText) -> list[ScoreTable]:
    """Every score table outside the performance forms, in reading order."""
    in_forms: set[int] = set()
    for first, last, _ in find_form_blocks(source):
        in_forms.update(range(first, last + 1))
    tables: list[ScoreTable] = []
    taken: set[int] = set()
    number = 1
    total = len(source.lines)
    while number <= total:
        line = source.line(number)
        if number in in_forms or number in taken or line.blank or "\t" not in line.text:
            number += 1
            continue
        block = _block(source, number, in_forms)
        header = row_cells(source.line(block[0]))
        title = _title_before(source, number)
        if title is None and not any(_SCORE_HEADER.search(c.flat) for c in header if c.text):
            number = block[-1] + 1
            continue
        table = _table(source, block, title or _heading_before(source, number, header))
        if table is not None:
            tables.append(table)
        taken.update(block)
        number = block[-1] + 1
    return tables


def _block(source: SourceText, start: int, stop_at: set[int]) -> list[int]:
    """Tab-separated lines from ``start``; blank lines inside are allowed."""
    lines = [start]
    number = start + 1
    while number <= len(source.lines) and number not in stop_at:
        line = source.line(number)
        if line.blank:
            number += 1
            continue
        if "\t" not in line.text or line.heading_level:
            break
        lines.append(number)
        number += 1
    return lines


def _title_before(source: SourceText, number: int) -> tuple[str, int] | None:
    """The ``…得分情况表`` title just above a table, if any."""
    seen = 0
    for previous in range(number - 1, 0, -1):
        line = source.line(previous)
        if line.blank:
            continue
        text = line.text.strip()
        if "\t" not in text and len(text) <= 40 and _TITLE.search(compact(text)):
            return text, previous
        seen += 1
        if seen >= _TITLE_WINDOW:
            return None
    return None


def _heading_before(source: SourceText, number: int, header: list[Cell]) -> tuple[str, int]:
    """The nearest heading above an untitled table names it; else its header does."""
    for previous in range(number - 1, 0, -1):
        line = source.line(previous)
        if line.heading_level and line.text.strip():
            return _HEADING_NUMBER.sub("", line.text.strip()), previous
    return " ".join(tidy(c.text) for c in header if c.text), number


def _table(source: SourceText, block: list[int], title: tuple[str, int]) -> ScoreTable | None:
    rows = [(n, row_cells(source.line(n))) for n in block]
    rows = [(n, cells) for n, cells in rows if not all(is_empty_cell(c.text) for c in cells)]
    if len(rows) < 2:
        return None
    header_rows = [rows[0]]
    if not any(try_amount(c.text) is not None for c in rows[1][1] if c.text):
        header_rows.append(rows[1])  # a second header row under merged group cells
    columns = _columns([cells for _, cells in header_rows])
    table = ScoreTable(
        title=title[0], columns=columns, line_start=_start(source, title[1], block[0]), line_end=rows[-1][0]
    )
    for number, cells in rows[len(header_rows) :]:
        _row(source, table, number, cells)
    return table


def _start(source: SourceText, title: int, header: int) -> int:
    """The table starts at its title when only blank lines stand between them;
    a heading further up names the table but its paragraphs are narrative."""
    between = range(title + 1, header)
    return title if all(source.line(n).blank for n in between) else header


def _columns(header_rows: list[list[Cell]]) -> list[str]:
    """Column names: the lower header row's name, else the group name above it."""
    width = max(len(cells) for cells in header_rows)
    upper = header_rows[0]
    lower = header_rows[1] if len(header_rows) > 1 else []
    names: list[str] = []
    group = ""
    for col in range(width):
        if col < len(upper) and upper[col].text:
            group = tidy(upper[col].text)
        if lower:
            child = tidy(lower[col].text) if col < len(lower) else ""
            names.append(child or group)
        else:
            names.append(tidy(upper[col].text) if col < len(upper) else "")
    # Keep the columns that hold a name; qualify repeated names by their group.
    while names and not names[-1]:
        names.pop()
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [name if seen[name] == 1 or not name else f"{name}#{index}" for index, name in enumerate(names)]


def _row(source: SourceText, table: ScoreTable, number: int, cells: list[Cell]) -> None:
    label_cell = cells[0] if cells else None
    numeric = any(try_amount(c.text) is not None for c in cells[1:] if c.text)
    previous = table.rows[-1] if table.rows else None
    if previous is not None and not numeric:
        # A row broken across lines: its text continues the cells above.
        if label_cell is not None and label_cell.text:
            previous.label = tidy(previous.label + label_cell.text)
            _extend(previous, "label", source.span(number, label_cell.start, label_cell.end))
        for col, cell in enumerate(cells[1:], start=1):
            if cell.text and col < len(table.columns):
                name = table.columns[col]
                previous.texts[name] = tidy(previous.texts.get(name, "") + cell.text)
                _extend(previous, name, source.span(number, cell.start, cell.end))
        return
    label = tidy(label_cell.text) if label_cell is not None else ""
    row = ScoreTableRow(label=label, line=number)
    if label_cell is not None and label_cell.text:
        row.provenance["label"] = source.span(number, label_cell.start, label_cell.end)
    for col, name in enumerate(table.columns[1:], start=1):
        given = cells[col] if col < len(cells) else None
        if given is None or is_empty_cell(given.text):
            row.values[name] = None
            continue
        amount = try_amount(given.text)
        if amount is not None:
            row.values[name] = amount
        else:
            row.texts[name] = tidy(given.text)
        row.provenance[name] = source.span(number, given.start, given.end)
    table.rows.append(row)


def _extend(row: ScoreTableRow, name: str, span: Span) -> None:
    row.provenance[name] = row.provenance[name].merge(span) if name in row.provenance else span
