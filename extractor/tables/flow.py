"""Table bodies printed in PDF line flow: one visual line per row, cells separated
by single spaces, and empty cells gone.

A row reads ``[科目代码] 名称 figure figure …``; without the empty cells a row with
fewer figures than columns does not say where its figures stand. They are placed
only when the table's arithmetic (a 合计/小计 column = the sum of its parts, see
:mod:`extractor.tables.repair`) leaves exactly one placement; otherwise the row
keeps its code and name, its figures go nowhere and a note says so.
Two-sided tables (收入 | 支出) are read by their 行次 (row numbers), grouped ones
(科目代码 科目名称 决算数, repeated across) by their 科目代码.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from math import comb

from extractor.document import SourceText
from extractor.numbers import try_amount
from extractor.tables.cells import (
    CODE,
    CODE_LEVEL,
    PAGE_NUMBER,
    clean_text,
    is_figure,
    is_integer,
    is_total,
    join_code_levels,
)
from extractor.tables.detection import LineInfo
from extractor.tables.flow_columns import GENERIC_NOTE, Shape, column_shape, numbering
from extractor.tables.repair import adds_up, sum_groups
from extractor.tables.roles import role_of
from schemas import Cell, Column, Table, TableRow

_DASH = re.compile(r"^[\-—–－─―]{1,4}$")  # ``——`` / ``-``: a cell printed as "nothing"
_RULE = re.compile(r"^[\-—–─=_]+$")
_PROSE = re.compile(r"[。；;：:，]")  # a sentence, a note or a metadata line: never a row
_MAX_HEADER = 6
_MAX_WORDS = 60  # characters of words on a row line; narrative is longer
_MAX_PLACEMENTS = 20000  # combinations tried for one row before calling it ambiguous
_FLOW_NOTE = "read from line flow (cells separated by spaces, empty cells not printed)"
_ITEM_NAME = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．、]\D)")  # 一、财政拨款收入 / 1. 一般公共预算


@dataclass(frozen=True)
class _Token:
    """One space-separated word of a line, with its offsets in the normalised line."""

    text: str
    start: int
    end: int

    @property
    def figure(self) -> bool:
        return is_figure(self.text) or bool(_DASH.match(self.text))


@dataclass
class FlowBody:
    """A table body read from line flow."""

    columns: list[Column]
    rows: list[TableRow]
    notes: list[str]
    first: int  # 0-based index of its first and last line
    last: int
    has_figures: bool = False

    @property
    def complete(self) -> bool:
        """True when every printed figure found its column and the columns are known: a
        header neither its words nor a template map onto (columns 列N) leaves the figures
        under no known heading, often shifted (a three-row 三公 header, a header whose
        words a text tool ran together), so the table is not read whole."""
        return not any(note.endswith("not placed") or note == GENERIC_NOTE for note in self.notes)


def read_flow_body(source: SourceText, infos: list[LineInfo], start: int, table_id: str, title: str) -> FlowBody | None:
    """The body printed in line flow from line index ``start``, or None when the
    lines there are not one (a tab body, prose, nothing with figures)."""
    header: list[int] = []
    body: list[int] = []
    index = start
    while index < len(infos):
        line = source.lines[index]
        if line.blank or PAGE_NUMBER.match(line.text):
            index += 1
            continue
        if infos[index].kind not in ("text", "meta") or "\t" in line.text:
            break
        tokens = _tokens(line.text)
        if len(tokens) > 1 and all(_RULE.match(t.text) for t in tokens):
            index += 1  # a rule printed under the body ("--------- ------ …")
            continue
        if _is_row(tokens):
            body.append(index)
        elif body and _repeats_header(source, header, index):
            index = _after_repeated_header(source, infos, index)  # the header printed again on a new page
            continue
        elif (body or _numbered(source, header)) and _no_figure_row(source, infos, index, tokens):
            body.append(index)
        elif not body and _is_header(line.text) and len(header) < _MAX_HEADER:
            header.append(index)
        else:
            break
        index += 1
    if not body or not header:
        return None  # a flow body is always announced by its header
    if _cell_per_line(source, body):
        return None  # no row can be told from the next: left to be reported unplaced
    widest = max(len(_split(source, i, False)[2]) for i in body)
    shape = column_shape([source.lines[i].text for i in header], role_of(Table(id=table_id, title=title)), widest)
    if shape is None:
        return None
    if len(shape.sides) == 1 and not shape.grouped and _two_entries_per_row(source, body):
        return None  # a 收入 | 支出 table whose header did not show its sides: not placed
    return _read_rows(source, shape, header, body)


def _cell_per_line(source: SourceText, body: list[int]) -> bool:
    """True when most lines of ``body`` hold one lone figure: a text export without layout
    printed each cell on its own line (a row's name, then each of its figures), so figures
    cannot be put back in their rows and columns."""
    lone = 0
    for index in body:
        code, words, figures = _split(source, index, False)
        lone += code is None and not words and len(figures) == 1
    return lone * 2 > len(body)


def _two_entries_per_row(source: SourceText, body: list[int]) -> bool:
    """True when most rows with figures print a second name after them ("一、财政拨款收入
    189,767,551 一、一般公共服务支出 3,296,600"): two sides, which one column cannot hold."""
    rows = two = 0
    for index in body:
        entries = _entries(_tokens(source.lines[index].text), False)
        if any(figures for _, _, figures in entries):
            rows += 1
            # a name, its figures, then another name (split codes "204 06 01" are no name), or two
            # numbered names on one line ("二、事业收入 五、文化旅游体育与传媒支出 200,000")
            named = [t for _, words, _ in entries for t in words if _ITEM_NAME.match(t.text)]
            two += len(named) >= 2 or (
                bool(entries[0][1] and entries[0][2]) and any(words for _, words, _ in entries[1:]))
    return two * 2 > rows


def _repeats_header(source: SourceText, header: list[int], index: int) -> bool:
    """True when line ``index`` prints one of the header's lines again (a page break)."""
    text = re.sub(r"\s+", "", source.lines[index].text)
    return bool(text) and any(re.sub(r"\s+", "", source.lines[h].text) == text for h in header)


def _after_repeated_header(source: SourceText, infos: list[LineInfo], index: int) -> int:
    """The index of the first line after a header printed again."""
    end = min(len(infos), index + _MAX_HEADER + 2)
    while index < end:
        line = source.lines[index]
        if not line.blank and (_is_row(_tokens(line.text)) or not _is_header(line.text)):
            break
        index += 1
    return index


def _tokens(text: str) -> list[_Token]:
    tokens = [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    return _join_code_levels(tokens) if len(tokens) > 2 else tokens


def _join_code_levels(tokens: list[_Token]) -> list[_Token]:
    """A 科目编码 printed in split columns (``201 05 07 专项普查活动``) made one token
    ``2010507``, when words follow its levels (a figure never reads ``05`` before a name)."""
    joined: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        levels = 0
        if CODE.match(token.text) and len(token.text) < 7:
            while levels < 2 and index + 1 + levels < len(tokens) and CODE_LEVEL.match(tokens[index + 1 + levels].text):
                levels += 1
        after = index + 1 + levels
        code = join_code_levels([t.text for t in tokens[index:after]]) if levels else None
        if code and after < len(tokens) and not tokens[after].figure:
            joined.append(_Token(code, token.start, tokens[after - 1].end))
            index = after
            continue
        joined.append(token)
        index += 1
    return joined


def _is_row(tokens: list[_Token]) -> bool:
    """Words then figures to the end of the line, no sentence in the words."""
    if not tokens:
        return False
    # A row whose last cells are empty ends in a name: a 科目代码 then words still opens it.
    if not tokens[-1].figure and not (len(tokens) > 1 and CODE.match(tokens[0].text) and not tokens[1].figure):
        return False
    words = "".join(t.text for t in tokens if not t.figure)
    if _PROSE.search(words) or len(words) > _MAX_WORDS:
        return False
    # The 栏次 row ("栏次 1 2 3", "1 2 3 … 12") is a header, not a row.
    return not numbering(" ".join(t.text for t in tokens))


def _numbered(source: SourceText, header: list[int]) -> bool:
    """True when the header ends with its 栏次 row: the body starts on the next line."""
    return bool(header) and numbering(source.lines[header[-1]].text) is not None


def _is_header(text: str) -> bool:
    tokens = _tokens(text)
    return (not _PROSE.search(text) and not any(t.figure for t in tokens)) or bool(numbering(text))


def _no_figure_row(source: SourceText, infos: list[LineInfo], index: int, tokens: list[_Token]) -> bool:
    """A line without figures inside a body: a row whose cells are all empty (``合计``,
    ``30306 救济费``) or a section row, when the body goes on after it."""
    text = source.lines[index].text
    if _PROSE.search(text) or len(text.strip()) > _MAX_WORDS:
        return False
    if is_total(clean_text(text)):
        return True  # 合计 with no figure: the row of a table that holds none
    for later in range(index + 1, min(index + 8, len(infos))):
        line = source.lines[later]
        if line.blank:
            continue
        following = _tokens(line.text)
        return infos[later].kind in ("text", "meta") and (_is_row(following) or _is_header(line.text))
    return False


def _split(source: SourceText, index: int, codes: bool) -> tuple[_Token | None, list[_Token], list[_Token]]:
    """One entry of a line: its code, name words and figures (``codes``: a leading code)."""
    tokens = _tokens(source.lines[index].text)
    code = tokens[0] if codes and len(tokens) > 1 and CODE.match(tokens[0].text) else None
    rest = tokens[1:] if code else tokens
    cut = len(rest)
    while cut and rest[cut - 1].figure:
        cut -= 1
    return code, rest[:cut], rest[cut:]


def _entries(tokens: list[_Token], grouped: bool) -> list[tuple[_Token | None, list[_Token], list[_Token]]]:
    """A line cut into (code, words, figures) entries: a new entry starts at words after
    figures, and (grouped tables) at a 科目代码 followed by words."""
    entries: list[tuple[_Token | None, list[_Token], list[_Token]]] = []
    for i, token in enumerate(tokens):
        follows_word = i + 1 < len(tokens) and not tokens[i + 1].figure
        starts_code = grouped and CODE.match(token.text) is not None and follows_word
        if starts_code or not entries or (not token.figure and entries[-1][2]):
            entries.append((token, [], []) if starts_code else (None, [], []))
            if starts_code:
                continue
        (entries[-1][2] if token.figure else entries[-1][1]).append(token)
    return entries


def _read_rows(source: SourceText, shape: Shape, header: list[int], body: list[int]) -> FlowBody:
    notes = [_FLOW_NOTE, *shape.notes]
    rows: list[TableRow] = []
    sided = len(shape.sides) == 2 and not shape.grouped
    for position, index in enumerate(body):
        number = index + 1
        if shape.grouped:
            pieces = [e for e in _entries(_tokens(source.lines[index].text), True) if e[0] or e[1]]
            if len(pieces) > len(shape.segments):
                rows.append(_row(source, number, None, pieces[0][1], None, {}, None))
                notes.append(f"line {number}: {len(pieces)} entries for {len(shape.segments)} groups, not placed")
                continue
            for code, words, figures in pieces:
                rows.append(_placed(source, number, code, words, figures, shape.segments[0], None, None, notes))
            continue
        if sided:
            rows.extend(_sided_rows(source, number, position, len(body), shape, notes))
            continue
        code, words, figures = _split(source, index, True)
        row_number = None
        if shape.rownum:
            if not figures or not is_integer(figures[0].text):
                rows.append(_row(source, number, code, words, None, {}, None))
                notes.append(f"line {number}: no 行次 where one is printed, not placed")
                continue
            row_number, figures = int(figures[0].text), figures[1:]
        rows.append(_placed(source, number, code, words, figures, shape.segments[0], None, row_number, notes))
    keys = [(key, side) for keys_, side in zip(shape.segments, shape.sides, strict=True) for key in keys_]
    columns = [Column(key=k, header=k.split("/"), side=s) for k, s in dict.fromkeys(keys)]
    # Figures printed but not placed still make the table present (its rows say why they are not placed).
    has_figures = any(t.figure and try_amount(t.text) is not None for i in body for t in _tokens(source.lines[i].text))
    return FlowBody(columns, rows, notes, header[0], body[-1], has_figures)


def _sided_rows(
    source: SourceText, number: int, position: int, count: int, shape: Shape, notes: list[str]
) -> list[TableRow]:
    """Both sides of one line of a 收入 | 支出 table, cut at their 行次: the income side's
    is the line's place in the body, the expense side's continues after the last one."""
    tokens = _tokens(source.lines[number - 1].text)
    expected = (str(position + 1), str(count + position + 1))
    anchors = [i for i, t in enumerate(tokens) if t.text == expected[0]][:1]
    later = [i for i, t in enumerate(tokens) if t.text == expected[1] and anchors and i > anchors[0]]
    # The expense side starts at its name (the first word after the income figures) or at its 行次.
    if shape.rownum and len(anchors) == 1 and len(later) >= 1:
        first_word = next((i for i in range(anchors[0] + 1, len(tokens)) if not tokens[i].figure), None)
        candidates = [i for i in later if first_word is None or i > first_word]
        if len(candidates) == 1 and all(not tokens[i].figure for i in range(0, anchors[0])):
            cut = first_word if first_word is not None and first_word < candidates[0] else candidates[0]
            income = (tokens[: anchors[0]], anchors[0], tokens[anchors[0] + 1 : cut])
            expense = (tokens[cut : candidates[0]], candidates[0], tokens[candidates[0] + 1 :])
            if all(not t.figure for t in expense[0]):
                rows: list[TableRow] = []
                for (words, anchor, figures), keys, side in zip(
                    (income, expense), shape.segments, shape.sides, strict=True
                ):
                    row_number = int(tokens[anchor].text)
                    rows.append(_placed(source, number, None, words, figures, keys, side, row_number, notes))
                return rows
    words = [t for t in tokens if not t.figure]
    notes.append(f"line {number}: the sides of the row cannot be told apart, not placed")
    return [_row(source, number, None, words, shape.sides[0], {}, None)]


def _placed(
    source: SourceText,
    number: int,
    code: _Token | None,
    words: list[_Token],
    figures: list[_Token],
    keys: list[str],
    side: str | None,
    row_number: int | None,
    notes: list[str],
) -> TableRow:
    """A row with its figures placed under ``keys``, or none placed (and a note) when
    the arithmetic leaves more or less than one placement."""
    printed = [Cell(value=try_amount(t.text), text=t.text, span=source.span(number, t.start, t.end)) for t in figures]
    placement = _placement(printed, keys)
    if placement is None:
        notes.append(f"line {number}: {len(figures)} figures for {len(keys)} columns, not placed")
        return _row(source, number, code, words, side, {}, row_number)
    return _row(source, number, code, words, side, placement, row_number)


def _placement(printed: list[Cell], keys: list[str]) -> dict[str, Cell] | None:
    """The one way to put ``printed`` (in order) under ``keys`` that adds up, or None."""
    if len(printed) > len(keys):
        return None
    if len(printed) == len(keys) or not printed:
        empty = [Cell(value=None, text="")] * len(keys)
        return dict(zip(keys, printed or empty, strict=True))
    groups = sum_groups(tuple(keys))
    if not groups or comb(len(keys), len(printed)) > _MAX_PLACEMENTS:
        return None
    found: list[dict[str, Cell]] = []
    for chosen in combinations(range(len(keys)), len(printed)):
        slots = dict(zip(chosen, printed, strict=True))
        arrangement = {key: slots.get(i, Cell(value=None, text="")) for i, key in enumerate(keys)}
        if adds_up(arrangement, groups):
            found.append(arrangement)
            if len(found) > 1:
                return None
    return found[0] if found else None


def _row(
    source: SourceText,
    number: int,
    code: _Token | None,
    words: list[_Token],
    side: str | None,
    cells: dict[str, Cell],
    row_number: int | None,
) -> TableRow:
    text = source.lines[number - 1].text
    name = clean_text(text[words[0].start : words[-1].end]) if words else ""
    span = source.span(number, words[0].start, words[-1].end) if words else None
    code_text = code.text if code else None
    return TableRow(
        code=code_text, name=name, side=side, row_number=row_number, line=number, name_span=span, cells=cells
    )
