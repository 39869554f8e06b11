"""Performance forms in PDF line-flow layout (no tab-separated cells).

Text extraction printed one visual line of the form per text line: cells broken
over lines (``年度指`` / ``标值``), several cells of a row on one line
(``当年财政拨款 35 35 34.96 99.89``), page numbers in the flow (flagged blank
by :class:`~extractor.document.SourceText`). The form is read section by
section: the header fields (项目名称 / 主管部门 / 实施单位), the funds block
(资金情况), the overall goals (年度总体目标: 预期目标 and 实际完成情况, read by
:mod:`extractor.forms.lineflow_goals`) and the indicator table (绩效指标), whose
rows :mod:`extractor.forms.lineflow_tokens` reads. What cannot be placed is
said in ``form.warnings``, not guessed.
"""

from __future__ import annotations

import re
import statistics

from extractor.document import Line, SourceText
from extractor.errors import InputError
from extractor.forms import head_fields, vocabulary
from extractor.forms.detect import title_kind, title_start
from extractor.forms.lineflow_columns import UNIT_HEADERS, fold_target_columns
from extractor.forms.lineflow_goals import read_goals, read_single_goal
from extractor.forms.lineflow_tokens import (
    NAME_SLACK,
    Label,
    RowReader,
    RowShape,
    Token,
    compact,
    display_width,
    is_value_start,
    join_text,
    match_child_alias,
    match_label,
    skip_header,
    span_of,
    split_rows,
    stripped_bounds,
    tokenize,
    tokenize_line,
)
from extractor.forms.targets import parse_target
from extractor.numbers import is_empty_cell, try_amount
from schemas import FundRow, Indicator, PerformanceForm, Span
from schemas.forms import FormKind, FundRowKind

__all__ = ["parse_lineflow_form"]

# Rows of the funds block (资金情况, in 万元).
_FUND_LABELS: tuple[tuple[str, FundRowKind], ...] = (
    ("年度资金总额", "annual_total"),
    ("年度资金总和", "annual_total"),
    ("资金总额", "annual_total"),
    ("当年财政拨款", "current_year_appropriation"),
    ("财政拨款", "current_year_appropriation"),
    ("财政资金", "current_year_appropriation"),
    ("上年结转资金", "carryover"),
    ("上年结转", "carryover"),
    ("其他资金", "other"),
)
# Funds columns as printed in the block header; 分值 (weight) has no field in
# FundRow and is only used to place the figures after it.
_FUND_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("initial_budget", ("年初预算数", "年初预算")),
    ("full_year_budget", ("全年预算数", "全年预算")),
    ("executed", ("全年执行数", "全年执行", "执行数")),
    ("weight", ("分值", "权重")),
    ("execution_rate", ("执行率",)),
    ("score", ("得分",)),
)
_FUND_LABEL_TEXTS = tuple(text for text, _ in _FUND_LABELS)
# 其中：当年财政拨款; 项目资金（万元） 年度资金总额 (the block's label printed on its first row)
_ROW_PREFIX = re.compile(r"^(?:其中[:：]?|(?:项目资金|资金情况)(?:[(（]万?元[)）])?)")
_DEFAULT_FUND_COLUMNS = ("initial_budget", "full_year_budget", "executed", "execution_rate")
_COLUMN_SLACK = 2  # characters a wrapped value may stand off its column
# Pieces of a line separated by two spaces or more: cells side by side.
_PIECE = re.compile(r"\S+(?: \S+)*")
# A line that reads "key value" (项目负责人 张三) ends the wrap of the value above.
_OTHER_FIELD = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]?\s+\S")
_SECTION_AFTER_FIELDS = re.compile(
    r"^(资金情况|项目资金|年度资金|当年财政|预算执行|预期目标|年度总体|年度绩效目标|年度目标|项目总目标|总体目标|绩效指标|一级指)"
)
_GOALS_HEADER = re.compile(r"^预期目标")
# Target forms print one text under 年度目标 / 年度总体目标, no 预期 / 实际 pair.
_SINGLE_GOAL_HEADER = re.compile(r"^(年度总体目标|年度绩效目标|项目总目标|年度目标|总体目标)")
_INDICATORS_HEADER = re.compile(r"^(绩效指标|一级指)")
# A section heading of the report (六、其他说明) after the indicator table ends the form.
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_TOTAL = re.compile(r"^(总分|合计|总计)$")
_SCORE_WORDS = {"分值": "weight", "权重": "weight", "得分": "score", "自评得分": "score"}
_ACTUAL_HEADER = re.compile(r"实际|完成值")
_TARGET_HEADER = re.compile(r"指标值|目标值")


def parse_lineflow_form(source: SourceText, first: int, last: int) -> PerformanceForm:
    """Read the form printed on lines ``first``..``last`` (1-based, inclusive;
    ``first`` is the title line) of a line-flow report."""
    if not 1 <= first <= last <= len(source.lines):
        raise InputError(f"form lines {first}..{last} are outside the report (1..{len(source.lines)})")
    lines = _before_next_section([line for line in source.lines[first - 1 : last] if not line.blank])
    if not lines:
        raise InputError(f"form lines {first}..{last} hold no text; pass the block starting at its title")
    title = compact(lines[0].text)
    title = title[title_start(title) :]
    form = PerformanceForm(
        kind=title_kind(lines[0].text) or ("target" if "目标表" in title else "self_evaluation"),
        title=title,
        line_start=lines[0].number,
        line_end=lines[-1].number,
        provenance={"title": source.span(lines[0].number, *stripped_bounds(lines[0]))},
    )
    keys = [compact(line.text) for line in lines]
    goals_at = _find(keys, _GOALS_HEADER, 1)
    indicators_at = _find(keys, _INDICATORS_HEADER, goals_at if goals_at is not None else 1)
    fields_end = _find(keys, _SECTION_AFTER_FIELDS, 1)
    body_end = len(lines) if indicators_at is None else indicators_at
    _read_fields(source, lines[1 : fields_end if fields_end is not None else body_end], form)
    _read_funds(source, lines[1 : goals_at if goals_at is not None else body_end], form)
    single_at = _find(keys, _SINGLE_GOAL_HEADER, 1) if goals_at is None else None
    if goals_at is not None:
        read_goals(source, lines[goals_at:body_end], form)
    elif single_at is not None:
        read_single_goal(source, lines[single_at:body_end], form)
    else:
        form.warnings.append("no 预期目标 header: goals not read")
    if indicators_at is not None:
        _read_indicators(source, lines[indicators_at].number, lines[-1].number, form)
    else:
        form.warnings.append("no 绩效指标 header: indicators not read")
    return form


def _before_next_section(lines: list[Line]) -> list[Line]:
    """The form's lines up to a section heading after its indicator table (六、其他说明):
    the report's text goes on there, not the form."""
    seen_indicators = False
    for index, line in enumerate(lines):
        key = compact(line.text)
        if seen_indicators and _SECTION.match(key):
            return lines[:index]
        seen_indicators = seen_indicators or bool(_INDICATORS_HEADER.match(key))
    return lines


def _find(keys: list[str], pattern: re.Pattern[str], begin: int) -> int | None:
    """The first line from ``begin`` that, alone or joined with the next few
    (``绩`` ``效`` ``指`` ``标``: a label printed one character per line), matches."""
    for index in range(begin, len(keys)):
        joined = ""
        for key in keys[index : index + 4]:
            joined += key
            if pattern.match(joined):
                return index
    return None


def _read_fields(source: SourceText, lines: list[Line], form: PerformanceForm) -> None:
    """项目名称 / 主管部门 / 实施单位; a value may wrap onto lines without a key."""
    current: str | None = None
    labels: dict[str, str] = {}
    columns: list[tuple[int, str]] = []  # where each value of the last labelled line starts
    for line in lines:
        matches = list(head_fields.LABEL_IN_LINE.finditer(line.text))
        if not matches:
            if current is not None and len(columns) > 1 and _under_columns(line, columns):
                _wrap_by_columns(source, line, columns, form)
                continue
            if _OTHER_FIELD.match(line.text.strip()):
                current = None  # 项目负责人 张三 and the like: not a wrapped value
            if current is not None and line.text.strip():
                start, end = stripped_bounds(line)
                _extend_field(form, current, line.text[start:end], source.span(line.number, start, end))
            continue
        for index, match in enumerate(matches):
            current = head_fields.field_of(match.group(1))
            if current is None:
                continue
            labels[current] = match.group(1)
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line.text)
            value = line.text[match.end() : end]
            start = match.end() + len(value) - len(value.lstrip())
            stop = match.end() + len(value.rstrip())
            if index == 0:
                columns = []
            columns.append((start, current))
            if stop > start:
                _extend_field(form, current, line.text[start:stop], source.span(line.number, start, stop))
    if form.department is not None:
        form.department = head_fields.without_code(form.department, labels.get("department", ""))


def _under_columns(line: Line, columns: list[tuple[int, str]]) -> bool:
    """True when every piece of the line starts where a value of the line above starts."""
    starts = {start for start, _ in columns}
    pieces = list(_PIECE.finditer(line.text))
    return bool(pieces) and all(
        any(abs(piece.start() - start) <= _COLUMN_SLACK for start in starts) for piece in pieces
    )


def _wrap_by_columns(source: SourceText, line: Line, columns: list[tuple[int, str]], form: PerformanceForm) -> None:
    """A line continuing several values printed side by side (主管部门 … 实施单位 …, both
    wrapped): each piece goes to the value whose column it starts nearest to."""
    for piece in _PIECE.finditer(line.text):
        field = min(columns, key=lambda column: abs(column[0] - piece.start()))[1]  # _under_columns: near one
        _extend_field(form, field, piece.group(), source.span(line.number, piece.start(), piece.end()))


def _extend_field(form: PerformanceForm, field: str, text: str, span: Span) -> None:
    old = getattr(form, field)
    setattr(form, field, text if old is None else old + text)
    form.provenance[field] = span if field not in form.provenance else form.provenance[field].merge(span)


def _fund_columns(header: str, kind: FormKind) -> list[str]:
    """The funds columns in the order the block header prints them; a target form
    that prints none states one amount per row, the year's budget."""
    found: list[tuple[int, str]] = []
    for field, spellings in _FUND_COLUMNS:
        positions = [header.find(spelling) for spelling in spellings if spelling in header]
        if positions:
            found.append((min(positions), field))
    if found:
        return [field for _, field in sorted(found)]
    return ["full_year_budget"] if kind == "target" else list(_DEFAULT_FUND_COLUMNS)


def _read_funds(source: SourceText, lines: list[Line], form: PerformanceForm) -> None:
    """The funds rows. A row printing fewer figures than there are columns
    (``上年结转资金 0``: empty cells print nothing) fills the amount columns from
    the left, 年初预算数 first; the 分值 / 得分 columns are skipped when the
    figures fit the other columns exactly. A non-zero figure placed that way is
    a guess and is warned about."""
    header_parts: list[str] = []
    columns: list[str] | None = None
    for position, line in enumerate(lines):
        label = _fund_label(line)
        if label is None:
            if columns is None and not head_fields.LABEL_IN_LINE.match(line.text.strip()):
                header_parts.append(_fund_key(line))
            continue
        if columns is None:
            columns = _fund_columns("".join(header_parts), form.kind)
        text, kind = label
        at = line.text.find(text[0])
        # An empty-cell mark (——, -, /) holds its column: it is kept as None.
        figures = [
            (token, try_amount(token.text))
            for token in tokenize_line(line)
            if token.start >= at + len(text)
            and (is_empty_cell(token.text) or try_amount(token.text) is not None)
        ]
        if not figures and form.kind == "target":
            figures = _amount_below(lines, position)
        row = FundRow(kind=kind, label=text, provenance={"label": source.span(line.number, at, at + len(text))})
        for field, (token, value) in zip(_place_figures(columns, len(figures)), figures, strict=False):
            if field == "weight" or value is None:
                continue
            if token.text.endswith("%") and field not in ("execution_rate", "score"):
                form.warnings.append(
                    f"funds row {text}: a percentage ({token.text}) in the {field} column, not read"
                )
                continue
            setattr(row, field, value)
            row.provenance[field] = source.span(token.line, token.start, token.end)
        amounts = [column for column in columns if column not in ("weight", "score")]
        if len(figures) not in (len(columns), len(amounts)) and any(value for _, value in figures):
            form.warnings.append(
                f"funds row {text}: {len(figures)} figures for {len(columns)} columns, placed from the left"
            )
        form.funds.append(row)


def _fund_key(line: Line) -> str:
    """The line compacted, without the block's label or 其中 before a funds row's label."""
    key = compact(line.text)
    if key.startswith(("其中", "项目资金", "资金情况")):  # what _ROW_PREFIX matches begins so
        key = _ROW_PREFIX.sub("", key)
    return key


def _fund_label(line: Line) -> tuple[str, FundRowKind] | None:
    """The funds row a line starts (年度资金总额, 其中：财政拨款, …), or None."""
    key = _fund_key(line)
    if not key.startswith(_FUND_LABEL_TEXTS):  # one look first: most lines are no label
        return None
    return next(((text, kind) for text, kind in _FUND_LABELS if key.startswith(text)), None)


def _amount_below(lines: list[Line], position: int) -> list[tuple[Token, float | None]]:
    """A target form's one amount printed on a line of its own below its label (pdftotext's
    default rendering prints a ruled table one cell per line), before the next funds row."""
    for line in lines[position + 1 :]:
        if _fund_label(line) is not None:
            return []
        tokens = tokenize_line(line)
        if len(tokens) == 1 and try_amount(tokens[0].text) is not None:
            return [(tokens[0], try_amount(tokens[0].text))]
    return []


def _place_figures(columns: list[str], count: int) -> list[str]:
    if count == len(columns):
        return columns
    amounts = [column for column in columns if column not in ("weight", "score")]
    if count == len(amounts):
        return amounts
    return amounts[:count] if count < len(amounts) else columns[:count]


def _read_indicators(source: SourceText, first: int, last: int, form: PerformanceForm) -> None:
    """The indicator table: labels placed by the hierarchy, rows by their shape."""
    tokens = tokenize(source, first, last)
    start, headers = skip_header(tokens, 0)
    # A target form prints 指标值 and 权重 but no 实际完成值: one value per row.
    paired = form.kind != "target" or any(_ACTUAL_HEADER.search(word) for word in headers)
    extras = _extra_columns(headers, paired)
    body = fold_target_columns(tokens[start:], headers)
    stop = next((index for index, token in enumerate(body) if _TOTAL.match(token.text)), None)
    if stop is not None:
        _read_total(source, body[stop:], form)
        body = body[:stop]
    items = _items(body)
    segments = [item for item in items if isinstance(item, list)]
    # Each segment is split twice (to measure the name column, then with it): one reader each.
    readers = {id(segment): RowReader(segment, len(extras), paired) for segment in segments}
    width = _name_width(
        [
            (segment, row)
            for segment in segments
            for row in split_rows(segment, len(extras), None, readers[id(segment)])
        ]
    )
    level1_labels: dict[str, Label] = {}
    current1: Label | None = None
    current2: Label | None = None
    waiting: list[Indicator] = []  # rows seen before their level-2 label
    for position, item in enumerate(items):
        if isinstance(item, Label):
            level = _level(item, current1, items[position + 1 :])
            if level == 1:
                current1 = item
                level1_labels[item.name] = item
                if current2 is not None and _parent(current2.name, 2, item) != item.name:
                    current2 = None
            else:
                current2 = item
                for indicator in waiting:
                    if indicator.level1 in (None, _parent(item.name, 2, current1)):
                        _set_level(indicator, "level2", item.name, item, source)
                        parent = _parent(item.name, 2, current1)
                        _set_level(indicator, "level1", parent, level1_labels.get(parent or ""), source)
                waiting = [indicator for indicator in waiting if indicator.level2 is None]
            continue
        for shape in split_rows(item, len(extras), width, readers[id(item)]):
            indicator = _indicator(source, item, shape, extras)
            if current2 is not None:
                parent = _parent(current2.name, 2, current1)
                _set_level(indicator, "level2", current2.name, current2, source)
                _set_level(indicator, "level1", parent, level1_labels.get(parent or ""), source)
            else:
                if current1 is not None:
                    _set_level(indicator, "level1", current1.name, current1, source)
                waiting.append(indicator)
            form.indicators.append(indicator)
    for indicator in form.indicators:
        # A level-1 label may be printed after its first rows.
        label = level1_labels.get(indicator.level1 or "")
        if label is not None and "level1" not in indicator.provenance:
            indicator.provenance["level1"] = span_of(source, list(label.tokens))
        where = f"indicator {indicator.level3 or '?'} (line {indicator.line_start})"
        if indicator.level2 is None:
            form.warnings.append(f"{where}: no level-2 label")
        if indicator.target is None or (paired and indicator.actual is None):
            form.warnings.append(f"{where}: target and actual not found" if paired else f"{where}: target not found")


def _extra_columns(headers: list[str], paired: bool = True) -> list[str]:
    """The figure columns printed after the value columns (分值 / 权重 -> weight,
    得分 -> score): after 实际完成值, or after 指标值 where no actual is printed."""
    value = _ACTUAL_HEADER if paired else _TARGET_HEADER
    after = next((index for index, word in enumerate(headers) if value.search(word)), None)
    if after is None:
        return []
    extras: list[str] = []
    for word in headers[after + 1 :]:
        if word in UNIT_HEADERS:
            continue  # folded into the value (fold_target_columns)
        if word not in _SCORE_WORDS:
            break
        extras.append(_SCORE_WORDS[word])
    return extras


def _read_total(source: SourceText, tokens: list[Token], form: PerformanceForm) -> None:
    """总分: the last figure on its line (after 分值's 100 when both print)."""
    line = tokens[0].line
    figures = [token for token in tokens[1:] if token.line == line and try_amount(token.text) is not None]
    if figures:
        form.total_score = try_amount(figures[-1].text)
        form.provenance["total_score"] = span_of(source, [figures[-1]])


def _items(tokens: list[Token]) -> list[Label | list[Token]]:
    """Labels and the runs of tokens between them.

    A label followed directly by a figure is a level-3 name that happens to
    read like a label (``满意度指标`` ``=100分``): it stays with the tokens.
    """
    items: list[Label | list[Token]] = []
    run: list[Token] = []
    index = 0
    while index < len(tokens):
        label = match_label(tokens, index)
        previous = items[-1] if items and not run else None
        if label is None and isinstance(previous, Label) and previous.level == 1:
            label = match_child_alias(tokens, index, previous.name)
        if label is not None:
            after = index + len(label.tokens)
            if after >= len(tokens) or not is_value_start(tokens[after]):
                if run:
                    items.append(run)
                    run = []
                items.append(label)
                index = after
                continue
        run.append(tokens[index])
        index += 1
    if run:
        items.append(run)
    return items


def _level(label: Label, current1: Label | None, following: list[Label | list[Token]]) -> int:
    """1 or 2. 成本指标 is level 1 in newer forms (with 经济成本指标 under it)
    and a level 2 of 产出指标 in older ones."""
    if label.name != "成本指标":
        return label.level
    upcoming = next((item for item in following if isinstance(item, Label)), None)
    if upcoming is not None and vocabulary.parent_of(upcoming.name) == "成本指标":
        return 1
    return 2 if current1 is not None and current1.name == "产出指标" else 1


def _parent(name: str, level: int, block: Label | None = None) -> str | None:
    """The level-1 indicator of a label: the block it stands in when that block holds
    it (社会效益指标 under 效果指标), else its usual parent."""
    if level == 1:
        return name
    if name == "成本指标":
        return "产出指标"
    if block is not None and name in vocabulary.HIERARCHY.get(block.name, ()):
        return block.name
    return vocabulary.parent_of(name)


def _set_level(
    indicator: Indicator, field: str, name: str | None, label: Label | None, source: SourceText
) -> None:
    if name is None:
        return
    setattr(indicator, field, name)
    if label is not None and label.name == name:
        indicator.provenance[field] = span_of(source, list(label.tokens))


def _name_width(rows: list[tuple[list[Token], RowShape]]) -> int | None:
    """The name column's width: the median first line of names broken over lines."""
    widths: list[int] = []
    for tokens, shape in rows:
        name = tokens[shape.start : shape.target]
        if len({token.line for token in name}) > 1:
            widths.append(display_width("".join(t.text for t in name if t.line == name[0].line)))
    return int(statistics.median(widths)) + NAME_SLACK if widths else None


def _indicator(source: SourceText, tokens: list[Token], shape: RowShape, extras: list[str]) -> Indicator:
    used = tokens[shape.start : shape.stop]
    indicator = Indicator(line_start=used[0].line, line_end=used[-1].line)
    parts = {
        "level3": tokens[shape.start : shape.target],
        "target": tokens[shape.target : shape.actual],
        "actual": tokens[shape.actual : shape.end],
        "deviation_reason": tokens[(shape.extras[-1][1] if shape.extras else shape.end) : shape.stop],
    }
    for field, part in parts.items():
        if part:
            setattr(indicator, field, join_text(source, part))
            indicator.provenance[field] = span_of(source, part)
    for field, (begin, end) in zip(extras, shape.extras, strict=False):
        setattr(indicator, field, try_amount(tokens[begin].text))
        indicator.provenance[field] = span_of(source, tokens[begin:end])
    if indicator.target is not None:
        indicator.target_parsed = parse_target(indicator.target)
    if indicator.actual is not None:
        indicator.actual_parsed = parse_target(indicator.actual)
    return indicator
