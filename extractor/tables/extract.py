"""One report -> its fixed tables (present, empty or missing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.document import SourceText
from extractor.document.segment import part_lines
from extractor.tables.cells import PAGE_NUMBER, RawRow, is_total, split_cells
from extractor.tables.code_columns import join_code_columns
from extractor.tables.detection import (
    LineInfo,
    classify,
    is_final_account,
    learn_labels,
    resolve_id,
    title_after,
)
from extractor.tables.flow import read_flow_body
from extractor.tables.header import resolve_layout, table_width
from extractor.tables.repair import repair_shifted_rows
from extractor.tables.rows import parse_rows
from schemas import Column, Table

# "本单位没有政府性基金预算财政拨款。", "说明：本表无数据": why a table holds no figure.
# "注：…无政府性基金预算财政拨款支出，故本表无数据。", "…故本表为空表。": the note says so at its end.
_NO_DATA = re.compile(
    r"^(?:(?:注|说明)\s*[：:])?\s*(本单位没有|本部门没有|本单位无|本部门无|本表无数据|无数据)"
    r"|^(?:注|说明)\s*[：:].{0,80}(?:本表无数据|本表为空表|为空表)"
)
# A line of a body no parser placed: no sentence, ending in a figure ("82,096,797.42",
# "201 03 行政运行 12,029,501.84 12,029,501.84").
_FIGURE_TEXT = r"-?\d[\d,]*(?:\.\d{1,2})?"
_BODY_LINE = re.compile(rf"^[^，。；：:]*?\s{_FIGURE_TEXT}\s*$|^\s*{_FIGURE_TEXT}(?:\s+{_FIGURE_TEXT})*\s*$")
_BODY_LINES_MIN = 3
_BODY_LINE_WINDOW = 120
_CONTINUATION_MAX = 24
# How far (in lines) a 公开NN label may stand from its title and still belong to it.
_LABEL_WINDOW = 8
_NOTE_WINDOW = 8
# Short lines printed between a title and its body (subtitles) that do not end the wait.
_ASIDE_WINDOW = 6
_ASIDE_MAX = 30
# How far (in lines) a body may start below its title or label.
_BODY_WINDOW = 15
_SENTENCE_END = re.compile(r"[。；]")
_PROSE_MARK = re.compile(r"[。；：:]")
_TRUNCATED = "no total row"
_TRUNCATED_NOTE = f"{_TRUNCATED} (合计/总计) found: the table may be truncated"


@dataclass
class _Pending:
    """A table announced by a title or label whose body has not been met yet."""

    id: str
    title: str | None
    line: int
    last: int
    labelled: bool
    unit: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    """What a walk over the report found."""

    tables: list[Table] = field(default_factory=list)
    announced: dict[str, tuple[str, int, list[str]]] = field(default_factory=dict)  # id -> title, line, notes
    # First body read per id, and bodies kept apart per id: looked up, not searched for, so
    # that a long report's tables cost linear time.
    first: dict[str, Table] = field(default_factory=dict)
    bodies: dict[str, int] = field(default_factory=dict)

    printed_at: dict[str, int] = field(default_factory=dict)  # id -> the last line its title is printed on
    units: dict[str, str] = field(default_factory=dict)  # id -> the unit printed with its title

    def announce(self, pending: _Pending | None) -> None:
        if pending is None:
            return
        self.printed_at.pop(pending.id, None)  # kept in the order titles are printed
        self.printed_at[pending.id] = pending.line
        if pending.unit:
            self.units[pending.id] = pending.unit
        title = pending.title or pending.id
        if pending.id in self.announced:
            self.announced[pending.id][2].extend(pending.notes)
        else:
            self.announced[pending.id] = (title, pending.line, list(pending.notes))


def is_no_data_note(text: str) -> bool:
    """True for a note saying a table holds no figure (本表无数据, 本单位没有…, 本表为空表)."""
    return bool(_NO_DATA.match(text.strip()))


def announced_tables(source: SourceText) -> list[str]:
    """Ids of every fixed table the report announces (contents, headings, labels), in order."""
    scan = _scan(source)
    ids = list(scan.announced)
    for table in scan.tables:
        if table.id not in ids:
            ids.append(table.id)
    return ids


def extract_tables(source: SourceText) -> list[Table]:
    """Every fixed table of the report: parsed when its body is in the text,
    ``missing`` when it is only announced."""
    scan = _scan(source)
    for table in scan.tables:
        repair_shifted_rows(table)  # figures the export moved one column off their headers
    present = {table.id for table in scan.tables}
    missing = [
        _unread(source, table_id, title, line, scan.printed_at.get(table_id, line), notes)
        for table_id, (title, line, notes) in scan.announced.items()
        if table_id not in present
    ]
    for table in missing:
        table.unit = scan.units.get(table.id, table.unit)
    order = {table_id: index for index, table_id in enumerate(scan.announced)}
    tables = scan.tables + missing
    return sorted(tables, key=lambda t: (order.get(t.id, len(order)), t.line_start or 0))


def _unread(source: SourceText, table_id: str, title: str, line: int, printed: int, notes: list[str]) -> Table:
    """A table announced without a body read: ``empty`` when a note says it holds no
    figure, ``partial`` when its title is printed over lines of figures that no reader
    placed (a text export without layout prints one cell per line), else ``missing``."""
    unplaced = _unplaced_lines(source, printed) if printed > line else 0
    if unplaced >= _BODY_LINES_MIN:  # figures printed, whatever a note says
        return Table(id=table_id, title=title, status="partial", line_start=printed, line_end=printed, notes=[
            f"title printed at line {printed} over figures that could not be placed in columns "
            "(a text export without layout prints one cell per line): extract from the PDF", *notes
        ])
    if notes:
        return Table(id=table_id, title=title, status="empty", line_start=printed, line_end=printed,
                     notes=[f"printed at line {printed} without a body", *notes])
    if printed > line and not unplaced:
        # listed, then its title printed with no figure under it and no note saying why
        return Table(id=table_id, title=title, status="empty", line_start=printed, line_end=printed,
                     notes=[f"printed at line {printed} without a figure"])
    if printed > line:
        # a header and a figure or two (a 三公 table of zeros but one 0.95), one cell per line
        return Table(id=table_id, title=title, status="partial", line_start=printed, line_end=printed, notes=[
            f"title printed at line {printed} over {unplaced} figure line(s) that could not be placed in "
            "columns (a text export without layout prints one cell per line): extract from the PDF"
        ])
    return Table(id=table_id, title=title, status="missing",
                 notes=[f"announced at line {line} but no table body follows", *notes])


def _unplaced_lines(source: SourceText, line: int) -> int:
    """How many lines under line ``line`` (up to the next title) read as lines of a body."""
    count = 0
    parts = part_lines(source)
    for later in source.lines[line : line + _BODY_LINE_WINDOW]:
        if later.number in parts:
            break  # a body never runs into the next part (the narrative's figures are no cells)
        if not later.blank and classify(later).kind == "title":
            break
        if _BODY_LINE.match(later.text):
            # a line of figures only, three or more of them, is a row: never a sentence
            figures = later.text.split()
            count += _BODY_LINES_MIN if len(figures) >= _BODY_LINES_MIN and _BODY_LINE.match(figures[0]) else 1
    return count


def _scan(source: SourceText) -> _Scan:
    infos = [classify(line) for line in source.lines]
    final = is_final_account(infos)
    learned = learn_labels(infos, _LABEL_WINDOW)
    scan = _Scan()
    pending: _Pending | None = None
    index = 0
    count = len(infos)
    while index < count:
        info, number = infos[index], index + 1
        kind = info.kind
        if kind == "blank":  # most lines: none of the branches below takes them
            index += 1
            continue
        if kind == "text" and pending is None:
            # What the "text" branch below does with nothing pending: the no-data note only.
            _note_no_data(source, scan, pending, number)
            index += 1
            continue
        flow = _read_flow_table(source, infos, index, pending) if kind == "text" and pending else None
        if flow is not None and pending is not None:  # a body printed in line flow (no tabs)
            scan.announce(pending)
            _add_table(scan, flow)
            pending = None
            index = flow.line_end or number
            continue
        if kind == "title" and info.title:
            table_id = resolve_id(info.title, info.label, learned, final)
            if pending and (pending.id == table_id or (pending.title is None and number - pending.last <= 4)):
                pending.title = pending.title or info.title
                pending.last = number
                pending.unit = pending.unit or info.unit
            else:
                scan.announce(pending)
                pending = _Pending(table_id, info.title, number, number, bool(info.label), info.unit)
        elif info.kind == "marker" and info.label:
            near = pending and number - pending.last <= _LABEL_WINDOW and not title_after(infos, index)
            if pending and (pending.id == info.label or (near and not pending.labelled)):
                pending.id, pending.labelled, pending.last = info.label, True, number
                pending.unit = pending.unit or info.unit
            else:
                scan.announce(pending)
                pending = _Pending(info.label, None, number, number, True, info.unit)
        elif info.kind == "meta":
            _note_no_data(source, scan, pending, number)
            if pending:
                pending.unit = pending.unit or info.unit
        elif info.kind in ("text", "part"):
            noted = _note_no_data(source, scan, pending, number)
            if info.kind == "part" or noted or not _aside(source, pending, number):
                scan.announce(pending)
                pending = None
        elif info.kind == "tab" and pending and number - pending.last > _BODY_WINDOW:
            scan.announce(pending)  # too far from its title: this tab block is something else
            pending = None
        elif info.kind == "tab" and pending:
            scan.announce(pending)
            table, end = _read_table(source, infos, index, pending)
            _add_table(scan, table)
            pending = None
            index = end
            continue
        index += 1
    scan.announce(pending)
    return scan


def _read_flow_table(source: SourceText, infos: list[LineInfo], index: int, pending: _Pending) -> Table | None:
    """The pending table's body printed in line flow from line ``index``, if one is there."""
    # Line flow prints a blank line after every line: the window counts printed lines only.
    if sum(not line.blank for line in source.lines[pending.last : index]) > _BODY_WINDOW:
        return None
    body = read_flow_body(source, infos, index, pending.id, pending.title or pending.id)
    if body is None:
        return None
    return Table(
        id=pending.id,
        title=pending.title or pending.id,
        unit=pending.unit or "万元",
        status=("present" if body.complete else "partial") if body.has_figures else "empty",
        columns=body.columns,
        rows=body.rows,
        line_start=body.first + 1,
        line_end=body.last + 1,
        notes=[*pending.notes, *body.notes],
    )


def _note_no_data(source: SourceText, scan: _Scan, pending: _Pending | None, number: int) -> bool:
    """Keep "本单位没有…" with the table it explains (the pending one or the one just read)."""
    text = source.lines[number - 1].text
    # Every phrase the pattern knows holds 无 or 没: most lines are passed over unmatched.
    if "无" not in text and "没" not in text and "空" not in text:
        return False
    text = text.strip()
    if not _NO_DATA.match(text):
        return False
    if pending is not None:
        pending.notes.append(text)
        return True
    # The nearest table above: the last one read, or one whose title was printed after it
    # over a body that was not read (a header and no row: the note is why).
    read_end = scan.tables[-1].line_end or 0 if scan.tables else 0
    title_id = next(reversed(scan.printed_at), None)
    title_line = scan.printed_at[title_id] if title_id else 0
    if title_id is not None and title_line > read_end and number - title_line <= _NOTE_WINDOW * 4:
        scan.announced[title_id][2].append(text)
    elif read_end and number - read_end <= _NOTE_WINDOW:
        scan.tables[-1].notes.append(text)
    return True


def _aside(source: SourceText, pending: _Pending | None, number: int) -> bool:
    """A short line right under a title (a subtitle, "（汇总）") does not end the wait for its body."""
    if pending is None or number - pending.last > _ASIDE_WINDOW:
        return False
    text = source.line(number).text.strip()
    return len(text) <= _ASIDE_MAX and not _SENTENCE_END.search(text) and not text.startswith("注")


def _add_table(scan: _Scan, table: Table) -> None:
    """Add a table; a body whose id was already read (the table went on over a page
    break that reprinted its title) is merged into the first when the columns agree
    and no other table came between them."""
    first = scan.first.get(table.id)
    if first is None:
        scan.tables.append(table)
        scan.first[table.id] = table
        scan.bodies[table.id] = 1
        return
    # A continuation follows its table directly; a body with the same id after other tables
    # is a second printing (a report bound twice), kept apart so that no sum spans both.
    follows = scan.tables[-1] is first
    if follows and [c.key for c in first.columns] == [c.key for c in table.columns]:
        first.rows.extend(table.rows)
        first.line_end = table.line_end
        first.notes = [n for n in first.notes + table.notes if not n.startswith(_TRUNCATED)]
        if any(r.name or r.code for r in first.rows) and not any(is_total(r.name) for r in first.rows):
            first.notes.append(_TRUNCATED_NOTE)
        if table.status == "present":
            first.status = "present"
        return
    reason = "with other columns" if follows else "after other tables"
    table.notes.append(f"a second body for {table.id} {reason}")
    scan.bodies[table.id] += 1
    table.id = f"{table.id}#{scan.bodies[table.id]}"
    scan.tables.append(table)


def _read_table(
    source: SourceText, infos: list[LineInfo], start: int, pending: _Pending
) -> tuple[Table, int]:
    """Read the body starting at line index ``start``; return the table and the index after it."""
    numbers = _body_lines(source, infos, start)
    rows = join_code_columns(_logical_rows(source, numbers))
    layout = resolve_layout(rows)
    body = [rows[i] for i in layout.leading] + rows[layout.header_rows :]
    parsed = parse_rows(source, layout, body)
    columns: list[Column] = []
    seen: set[str] = set()
    for spec in layout.value_columns():
        if spec.key in seen:
            continue
        seen.add(spec.key)
        columns.append(Column(key=spec.key, header=spec.path, side=spec.side, number=spec.number))
    has_figures = any(cell.value is not None for row in parsed.rows for cell in row.cells.values())
    notes = list(pending.notes)
    notes.extend(f"unreadable cell at {where}" for where in parsed.unreadable)
    labelled = any(spec.role != "value" for spec in layout.columns)
    if labelled and parsed.rows and not any(is_total(row.name) for row in parsed.rows):
        notes.append(_TRUNCATED_NOTE)
    table = Table(
        id=pending.id,
        title=pending.title or pending.id,
        unit=pending.unit or "万元",
        status="present" if has_figures or parsed.unreadable else "empty",
        columns=columns,
        rows=parsed.rows,
        line_start=numbers[0] + 1,
        line_end=numbers[-1] + 1,
        notes=notes,
    )
    return table, numbers[-1] + 1


def _body_lines(source: SourceText, infos: list[LineInfo], start: int) -> list[int]:
    """Indices of the lines of one table body: tab rows, and short text lines that
    continue a row, across blank lines; it ends at any other line."""
    included: list[int] = []
    index = start
    while index < len(infos):
        info = infos[index]
        line = source.lines[index]
        if info.kind == "blank":
            index += 1
            continue
        if PAGE_NUMBER.match(line.text):  # a page number the export left between rows
            index += 1
            continue
        tabbed = "\t" in line.text
        # a tab row, or a short fragment of a cell the export pushed onto its own line
        if info.kind == "tab" or (info.kind == "text" and (tabbed or _continues_row(source, infos, index))):
            included.append(index)
        else:
            break
        index += 1
    return included


def _continues_row(source: SourceText, infos: list[LineInfo], index: int) -> bool:
    """A short fragment between two tab rows is a piece of a cell the export broke."""
    text = source.lines[index].text.strip()
    if len(text) > _CONTINUATION_MAX or _PROSE_MARK.search(text) or _NO_DATA.match(text):
        return False
    for later in infos[index + 1 :]:
        if later.kind == "blank":
            continue
        return later.kind == "tab"
    return False


def _logical_rows(source: SourceText, indices: list[int]) -> list[RawRow]:
    """Physical lines -> rows, joining a row the export broke inside a cell."""
    physical = [RawRow(split_cells(source, i + 1), i + 1, [i + 1]) for i in indices]
    width = table_width([row for row in physical if len(row.cells) > 1])
    rows: list[RawRow] = []
    for row in physical:
        previous = rows[-1] if rows else None
        if previous is not None and _fills_in(previous, row, width):
            # "2080505 <tab> 名称" then "<tab><tab> 31.92 <tab> 31.92": the figures went on a new line
            previous.cells.extend(row.cells[len(previous.cells) :])
            previous.lines.append(row.line)
            continue
        if (
            previous is not None
            and len(previous.cells) < width
            and (len(previous.cells) + len(row.cells) - 1 == width or len(row.cells) == 1)
        ):
            previous.cells[-1].absorb(row.cells[0])
            previous.cells.extend(row.cells[1:])
            previous.lines.append(row.line)
            continue
        rows.append(row)
    return rows


def _fills_in(previous: RawRow, row: RawRow, width: int) -> bool:
    """True when ``row`` only fills the cells missing at the end of a short ``previous`` row."""
    count = len(previous.cells)
    if count >= width or len(row.cells) <= count or len(row.cells) > width or previous.is_blank():
        return False
    return all(cell.empty for cell in row.cells[:count]) and not row.is_blank()
