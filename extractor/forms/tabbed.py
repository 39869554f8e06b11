"""Performance forms whose rows are tab-separated (corpora 001, 002).

Columns are mapped by header names, never by position: the same family prints
``权重`` or ``分值``, ``自评得分`` or ``得分``, shifts cells with extra empty tabs
from one form to the next and sometimes moves a single row one column left or
right. Each indicator row is therefore read under the column shift that makes
it most plausible (numbers under 权重/得分, a name under 三级指标), and its
level-1/level-2 indicators are placed by the indicator hierarchy
(:mod:`extractor.forms.vocabulary`), whatever column they stand in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.document import SourceText
from extractor.forms import head_fields, vocabulary
from extractor.forms.cells import (
    CAPTION,
    Cell,
    best_reading,
    indicator_columns,
    is_indicator_header,
    row_cells,
    tidy,
)
from extractor.forms.detect import compact, title_kind, title_start
from extractor.forms.targets import joined_target, parse_target
from extractor.numbers import is_empty_cell, try_amount
from schemas import FormKind, FundRow, Indicator, PerformanceForm, Span
from schemas.forms import FundRowKind

_FUND_ROWS: tuple[tuple[FundRowKind, re.Pattern[str]], ...] = (
    ("annual_total", re.compile(r"资金?总[额和计]")),
    ("carryover", re.compile(r"上年结转|结转资金")),
    ("current_year_appropriation", re.compile(r"财政拨款|^(?:其中[:：])?财政资金$")),
    ("other", re.compile(r"^其他资金|^其他$")),
)
_FUND_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("initial_budget", re.compile(r"年初")),
    ("full_year_budget", re.compile(r"全年预算|调整后预算")),
    ("executed", re.compile(r"执行数|实际支出|决算数")),
    ("execution_rate", re.compile(r"执行率")),
    ("score", re.compile(r"得分")),
)
# A character every match of the _FUND_ROWS / _FUND_FIELDS patterns holds (总 结 拨 其 财;
# 年 预 执 实 决 得): a cell without one is not searched five times.
_FUND_ROW_HINT = re.compile("[总结拨其财]")
_FUND_FIELD_HINT = re.compile("[年预执实决得]")
_GOALS = re.compile(r"^(年度总体目标|年度总目标|年度绩效目标|项目总目标|总体目标|年度目标)")
# The year printed under a title: （2025年度）.
_YEAR_LINE = re.compile(r"^[（(]\d{4}年度?[）)]$")
_EXPECTED = re.compile(r"^(预期目标|年度预期目标)$")
_ACTUAL = re.compile(r"^(实际完成情况|实际完成|完成情况)$")
_TOTAL = re.compile(r"^(总分|合计|总计)$")
# A section heading (十一、其他重要事项) ends a form even when no part heading follows.
_SECTION = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


@dataclass
class _Form:
    """Parser state for one form."""

    source: SourceText
    form: PerformanceForm
    fund_header: dict[str, int] = field(default_factory=dict)
    fund_label_col: int | None = None
    goal_cols: dict[str, int] = field(default_factory=dict)
    goal_parts: dict[str, list[tuple[str, Span]]] = field(default_factory=dict)
    indicator_cols: dict[str, int] = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)

    def span(self, number: int, cell: Cell) -> Span:
        return self.source.span(number, cell.start, cell.end)


@dataclass
class _Row:
    """An indicator row read under its best column shift."""

    line: int
    values: dict[str, Cell]
    one: tuple[str, Cell] | None
    two: tuple[str, Cell] | None
    extra_lines: list[int] = field(default_factory=list)
    more: dict[str, list[tuple[int, Cell]]] = field(default_factory=dict)  # continuation lines


def parse_tabbed_form(
    source: SourceText, first: int, last: int, kind: FormKind | None = None
) -> PerformanceForm:
    """Parse the tab-separated form on lines ``first`` (its title) to ``last``."""
    title_line = source.line(first)
    start = title_start(title_line.text)
    title = " ".join(c.text for c in row_cells(title_line) if c.text)
    title = title[title_start(title) :]
    kind = kind or title_kind(title_line.text) or "self_evaluation"
    form = PerformanceForm(kind=kind, title=title, line_start=first, line_end=last)
    form.provenance["title"] = source.span(first, start, len(title_line.text.rstrip()))
    state = _Form(source, form)
    section = "head"
    for number in range(first + 1, last + 1):
        line = source.line(number)
        if line.blank:
            continue
        cells = row_cells(line)
        if is_indicator_header(cells):
            state.indicator_cols = indicator_columns(cells)
            section = "indicators"
            continue
        if section in ("indicators", "done") and "\t" not in line.text and _SECTION.match(compact(line.text)):
            form.line_end = _last_content_line(source, first, number - 1)
            break
        if section == "indicators":
            if _indicator_line(state, number, cells):
                section = "done"
            continue
        if section == "done":
            form.warnings.append(f"line {number}: text after the 总分 row ignored: {line.text.strip()[:40]}")
            continue
        if section == "head" and _YEAR_LINE.match(compact(line.text)):
            continue
        if _head_line(state, number, cells):
            section = "head"
            continue
        goal_label = next((c for c in cells if c.text and _GOALS.match(c.flat)), None)
        if goal_label is not None:
            section = "goals"
            _goal_header(state, number, cells, goal_label)
            continue
        if section == "goals":
            _goal_content(state, number, [c for c in cells if c.text])
            continue
        form.warnings.append(f"line {number}: row not understood: {line.text.strip()[:40]}")
    _finish(state)
    return form


def _last_content_line(source: SourceText, first: int, last: int) -> int:
    for number in range(last, first, -1):
        if not source.line(number).blank:
            return number
    return first


# --- head: project, departments, funds -------------------------------------------------


def _value_after(cells: list[Cell], index: int, stop: re.Pattern[str] | None = None) -> Cell | None:
    for cell in cells[index + 1 :]:
        if cell.text:
            if stop is not None and stop.match(cell.flat):
                return None
            return cell
    return None




def _head_line(state: _Form, number: int, cells: list[Cell]) -> bool:
    """Project name, departments and the 资金情况 block; True when the line was one of them."""
    form = state.form
    handled = False
    for index, cell in enumerate(cells):
        if not cell.text:  # stripped: an empty text is an empty flat, and most cells are empty
            continue
        flat = cell.flat
        if len(flat) > 12:
            continue
        if flat.startswith("项目级次"):
            handled = True
            continue
        target = head_fields.field_of(flat)
        if target is None:
            continue
        handled = True
        value = _value_after(cells, index, head_fields.LABEL)
        if value is None:
            continue
        text = tidy(value.text)
        if target == "department":
            text = head_fields.without_code(text, flat)
        setattr(form, target, text)
        form.provenance[target] = state.span(number, value)
    if handled:
        return True
    return _fund_line(state, number, cells)


def _fund_line(state: _Form, number: int, cells: list[Cell]) -> bool:
    header = {}
    for cell in cells:
        if not cell.text:
            continue
        flat = cell.flat
        if len(flat) > 12 or not _FUND_FIELD_HINT.search(flat):
            continue
        for name, pattern in _FUND_FIELDS:
            if name not in header and pattern.search(flat):
                header[name] = cell.col
                break
    if len(header) >= 2:
        state.fund_header = header
        label = next((c for c in cells if c.flat in ("项目资金", "资金项目")), None)
        state.fund_label_col = label.col if label else min(header.values()) - 1
        return True
    for cell in cells:
        if not cell.text:
            continue
        flat = cell.flat
        if len(flat) > 14 or not _FUND_ROW_HINT.search(flat):
            continue
        kind = next((k for k, pattern in _FUND_ROWS if pattern.search(flat)), None)
        if kind is not None:
            _fund_row(state, number, cells, cell, kind)
            return True
    first = next((c for c in cells if c.text), None)
    return first is not None and first.flat.startswith(("资金情况", "项目资金"))


def _fund_row(state: _Form, number: int, cells: list[Cell], label: Cell, kind: FundRowKind) -> None:
    row = FundRow(kind=kind, label=tidy(label.text))
    row.provenance["label"] = state.span(number, label)
    values = [c for c in cells[label.col + 1 :] if c.text]
    assigned: dict[str, Cell] = {}
    header = sorted(state.fund_header.items(), key=lambda item: item[1])
    if not header:
        if values:  # a target form prints one amount: the budget applied for
            assigned["full_year_budget"] = values[0]
    elif len(values) == len(header):
        assigned = {name: cell for (name, _), cell in zip(header, values, strict=False)}
    else:
        offset = label.col - (state.fund_label_col if state.fund_label_col is not None else label.col)
        by_col = {c.col: c for c in values}
        for name, col in header:
            if col + offset in by_col:
                assigned[name] = by_col[col + offset]
        if len(values) != len(assigned):
            state.form.warnings.append(f"line {number}: fund row {row.label}: cells do not match the header")
    for name, cell in assigned.items():
        amount = try_amount(cell.text)
        if amount is None and not is_empty_cell(cell.text):
            state.form.warnings.append(f"line {number}: {row.label} {name}: not a number: {cell.text!r}")
        setattr(row, name, amount)
        row.provenance[name] = state.span(number, cell)
    state.form.funds.append(row)


# --- goals ------------------------------------------------------------------------------


def _goal_header(state: _Form, number: int, cells: list[Cell], label: Cell) -> None:
    content: list[Cell] = []
    for cell in cells:
        if not cell.text or cell is label:
            continue
        if _EXPECTED.match(cell.flat):
            state.goal_cols["expected"] = cell.col
        elif _ACTUAL.match(cell.flat):
            state.goal_cols["actual"] = cell.col
        else:
            content.append(cell)
    if content:
        _goal_content(state, number, content)


def _goal_content(state: _Form, number: int, cells: list[Cell]) -> None:
    if not cells:
        return
    expected_col = state.goal_cols.get("expected")
    actual_col = state.goal_cols.get("actual")
    for position, cell in enumerate(cells):
        if state.form.kind == "target" or actual_col is None:
            name = "expected" if state.form.kind == "target" or position == 0 else "actual"
        elif len(cells) == 2:
            name = "expected" if position == 0 else "actual"
        else:
            expected = expected_col if expected_col is not None else 0
            name = "expected" if abs(cell.col - expected) <= abs(cell.col - actual_col) else "actual"
        state.goal_parts.setdefault(name, []).append((cell.text, state.span(number, cell)))


# --- indicators -------------------------------------------------------------------------


def _indicator_line(state: _Form, number: int, cells: list[Cell]) -> bool:
    """Read one row of the indicator table; True for the closing 总分 row."""
    filled = [c for c in cells if c.text]
    if not filled:
        return False
    if _TOTAL.match(filled[0].flat):
        _total(state, number, cells)
        return True
    labels = vocabulary.labels_in([c.text for c in cells])
    shift, values = best_reading(state.indicator_cols, cells, set(labels.used))
    aliases = [i for i in labels.used if vocabulary.canonical(cells[i].text) != cells[i].flat]
    if "level3" not in values and aliases:
        # A short name such as 满意度 is both an alias of a label and a plausible
        # 三级指标; with no other name on the row it is the name.
        labels = vocabulary.labels_in([c.text if i not in aliases else "" for i, c in enumerate(cells)])
        shift, values = best_reading(state.indicator_cols, cells, set(labels.used))
    labels = _cost_under_output(state, cells, labels)
    row = _Row(
        number,
        values,
        (labels.one, cells[labels.one_at]) if labels.one and labels.one_at is not None else None,
        (labels.two, cells[labels.two_at]) if labels.two and labels.two_at is not None else None,
    )
    _unknown_labels(state.indicator_cols, cells, shift, set(labels.used), row)
    previous = state.rows[-1] if state.rows else None
    if previous is not None and _continues(row, previous):
        for name, cell in row.values.items():
            previous.more.setdefault(name, []).append((number, cell))
        previous.extra_lines.append(number)
        return False
    if row.values and "level3" not in row.values and row.one is None and row.two is None:
        # A name alone on its row (its other cells lost): a new indicator.
        row.values = {"level3": min(row.values.values(), key=lambda c: c.col)}
    state.rows.append(row)
    return False


def _cost_under_output(state: _Form, cells: list[Cell], labels: vocabulary.RowLabels) -> vocabulary.RowLabels:
    """成本指标 alone in the 二级指标 column, in the 产出指标 block (its level-1 cell merged
    with the rows above), is the level-2 成本指标 of the older hierarchy, not a new block."""
    at = labels.one_at
    if labels.one != "成本指标" or labels.two is not None or at is None:
        return labels
    if cells[at].col != state.indicator_cols.get("level2"):
        return labels
    above = next((row.one[0] for row in reversed(state.rows) if row.one is not None), None)
    if above != "产出指标":
        return labels
    return vocabulary.RowLabels(two="成本指标", two_at=at)


def _continues(row: _Row, previous: _Row) -> bool:
    """A row with only text under 指标值/实际完成值/偏差原因 continues the row above,
    unless it would spoil a value there that reads as a quantity (``>250天``)."""
    if row.one is not None or row.two is not None or not row.values:
        return False
    if {"level3", "weight", "score"} & row.values.keys():
        return False
    for name in ("target", "actual"):
        if name in row.values and name in previous.values and parse_target(previous.values[name].text):
            return False
    return True


def _unknown_labels(cols: dict[str, int], cells: list[Cell], shift: int, labels: set[int], row: _Row) -> None:
    """Labels the vocabulary does not know, standing in the level-1/level-2 columns."""
    for key in ("level1", "level2"):
        if key not in cols or (row.one if key == "level1" else row.two) is not None:
            continue
        col = cols[key] + shift
        if 0 <= col < len(cells) and col not in labels:
            cell = cells[col]
            if (
                cell.text
                and cell.flat.endswith("指标")
                and cell.flat != CAPTION
                and cell is not row.values.get("level3")
            ):
                if key == "level1":
                    row.one = (cell.flat, cell)
                else:
                    row.two = (cell.flat, cell)


def _total(state: _Form, number: int, cells: list[Cell]) -> None:
    col = state.indicator_cols.get("score")
    numeric = [c for c in cells if c.text and try_amount(c.text) is not None]
    cell = next((c for c in numeric if c.col == col), numeric[-1] if numeric else None)
    if cell is not None:
        state.form.total_score = try_amount(cell.text)
        state.form.provenance["total_score"] = state.span(number, cell)


def _finish(state: _Form) -> None:
    form = state.form
    for name, parts in state.goal_parts.items():
        text = "".join(part for part, _ in parts).strip()
        setattr(form.goals, name, text)
        span = parts[0][1]
        for _, other in parts[1:]:
            span = span.merge(other)
        form.goals.provenance[name] = span
    levels = vocabulary.resolve_levels(
        [(r.one[0] if r.one else None, r.two[0] if r.two else None) for r in state.rows]
    )
    for row, (one, two, source1, source2) in zip(state.rows, levels, strict=False):
        form.indicators.append(_indicator(state, row, one, two, source1, source2))
    if not state.indicator_cols:
        form.warnings.append("no indicator table (绩效指标) found: the form may be truncated")
    elif not form.indicators:
        form.warnings.append("indicator table without rows: the form may be truncated")
    if form.kind == "self_evaluation" and form.total_score is None:
        form.warnings.append("no 总分 row: the form may be truncated")
    if form.project_name is None:
        form.warnings.append("no 项目名称 found")


def _indicator(
    state: _Form, row: _Row, one: str | None, two: str | None, source1: int | None, source2: int | None
) -> Indicator:
    last = max([row.line, *row.extra_lines])
    item = Indicator(level1=one, level2=two, line_start=row.line, line_end=last)
    for key, index in (("level1", source1), ("level2", source2)):
        if index is None:
            continue
        label = state.rows[index].one if key == "level1" else state.rows[index].two
        if label is None and key == "level1":  # implied by the level-2 label's parent
            label = state.rows[index].two
        if label is not None:
            item.provenance[key] = state.span(state.rows[index].line, label[1])
    pieces: dict[str, list[tuple[int, Cell]]] = {
        name: [(row.line, cell)] for name, cell in row.values.items()
    }
    for name, more in row.more.items():
        pieces.setdefault(name, []).extend(more)
    columns: dict[str, tuple[str, Span]] = {}  # 指标性质 / 度量单位: read into the target
    for name, parts in pieces.items():
        spans = [state.span(number, piece) for number, piece in parts]  # made once, used twice
        span = spans[0]
        for other in spans[1:]:
            span = span.merge(other)
        text = "".join(piece.text for _, piece in parts)
        if name in ("nature", "unit"):
            columns[name] = (tidy(text), span)
            continue
        item.provenance[name] = span
        if name == "level3":
            item.level3 = tidy(text)
        elif name in ("target", "actual"):
            # as written in the source (＞95% stays full-width), pieces of a broken cell joined
            setattr(item, name, "".join(state.source.original(piece_span) for piece_span in spans))
        elif name == "deviation_reason":
            setattr(item, name, text)
        else:
            amount = try_amount(text)
            if amount is None and not is_empty_cell(text):
                state.form.warnings.append(f"line {row.line}: {name} is not a number: {text!r}")
            setattr(item, name, amount)
    if item.target is not None and columns:
        nature, unit = columns.get("nature"), columns.get("unit")
        item.target = joined_target(nature[0] if nature else None, item.target, unit[0] if unit else None)
        for _, span in columns.values():
            item.provenance["target"] = item.provenance["target"].merge(span)
    if item.target is not None:
        item.target_parsed = parse_target(item.target)
    if item.actual is not None:
        item.actual_parsed = parse_target(item.actual)
    if item.weight is None and "weight" in state.indicator_cols:
        state.form.warnings.append(f"line {row.line}: indicator {item.level3!r} has no weight")
    return item
