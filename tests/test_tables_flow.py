"""Table bodies printed in PDF line flow (cells separated by spaces, empty cells not
printed): read for the rows that can be read without guessing.

The corpus reports 001 and 004 are rendered as line flow (tests/test_variants.py's
``_as_line_flow``) and read against their tab reading; values asserted by hand
were read from the source text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import pytest

from extractor.document import SourceText, decode_report
from extractor.pipeline import extract
from extractor.settings import Settings
from extractor.tables import extract_tables
from schemas import Finding, Table, TableRow
from tests.conftest import CORPUS
from tests.helpers.variants import as_line_flow
from tests.tables_helpers import find_row, report_text, source_of, table_by_id, values

_FLOW_NOTE = "read from line flow"
_GENERAL = [
    "本年支出/小计",
    "本年支出/基本支出/小计",
    "本年支出/基本支出/人员经费",
    "本年支出/基本支出/公用经费",
    "本年支出/项目支出",
]
# The share of the tab reading's numeric cells the flow reading reproduces, measured
# when written (001: 108/312 = 0.346, 004: 60/260 = 0.231). Most of the rest are rows
# of tables (公开02/03, 三公) whose arithmetic cannot tell which columns a short row's
# figures stand in: those rows carry a note instead of a guess.
_SHARE_FLOOR = {"001": 0.34, "004": 0.23}
# Totals the arithmetic cannot place: the figures of 合计 = Σ parts fit several
# part columns equally (e.g. 合计 17946.59 = 12359.10 + 5587.49 under any two of
# 基本支出, 项目支出, 上缴上级支出, 经营支出, 对附属单位补助支出).
_UNPLACED_TOTALS = {
    "001": {"公开02表", "公开03表", "公开04表/支出"},
    "004": {"公开02表", "公开03表", "公开04表/支出", "公开07表"},
}


@pytest.fixture(scope="module")
def readings(corpus: dict[str, SourceText]) -> dict[str, tuple[list[Table], list[Table]]]:
    """(tab reading, line-flow reading) of 001 and 004."""
    result = {}
    for key in ("001", "004"):
        flow = source_of(as_line_flow(CORPUS[key].read_text(encoding="utf-8")), f"{key}_flow.txt")
        result[key] = (extract_tables(corpus[key]), extract_tables(flow))
    return result


def _key(row: TableRow) -> tuple[str | None, str, str | None]:
    return row.code, row.name, row.side


def _matched(tab: Table, flow: Table) -> dict[int, TableRow]:
    """Tab row index -> the flow row with the same code, name and side, in order."""
    matcher = difflib.SequenceMatcher(a=[_key(r) for r in tab.rows], b=[_key(r) for r in flow.rows], autojunk=False)
    return {a + i: flow.rows[b + i] for a, b, n in matcher.get_matching_blocks() for i in range(n)}


def _column_map(tab: Table, flow: Table) -> dict[str, str]:
    """Tab column key -> flow column key, by position (the flow may name a column by its template)."""
    assert len(tab.columns) == len(flow.columns), f"{tab.id}: {len(tab.columns)} vs {len(flow.columns)} columns"
    return {a.key: b.key for a, b in zip(tab.columns, flow.columns, strict=True)}


def _aligned(tab: list[Table], flow: list[Table]) -> Iterator[tuple[Table, Table, dict[str, str], dict[int, TableRow]]]:
    """Each table the tab reading has present, its flow reading, the column map and the row matching."""
    for table in tab:
        if table.status == "present":
            read = table_by_id(flow, table.id)
            yield table, read, _column_map(table, read), _matched(table, read)


@pytest.mark.parametrize("key", ["001", "004"])
def test_every_present_table_is_present_in_line_flow(readings, key: str) -> None:
    tab, flow = readings[key]
    for table in tab:
        if table.status != "present":
            continue
        read = table_by_id(flow, table.id)
        # partial: some figures found no column; the notes say which rows, reconciliation skips the table
        complete = not any(note.endswith("not placed") for note in read.notes)
        assert read.status == ("present" if complete else "partial"), f"{key} {table.id}: {read.status}"
        assert any(note.startswith(_FLOW_NOTE) for note in read.notes)
        assert len(read.rows) == len(table.rows), f"{key} {table.id}"


@pytest.mark.parametrize("key", ["001", "004"])
def test_total_rows_agree_with_the_tab_reading(readings, key: str) -> None:
    """Every 合计/总计 row the arithmetic places holds the tab reading's values; one it
    cannot place holds no figure and its line is noted, never a guess."""
    tab, flow = readings[key]
    unplaced: set[str] = set()
    for table, read, columns, matched in _aligned(tab, flow):
        for index, row in enumerate(table.rows):
            if not row.name.endswith(("合计", "总计")):
                continue
            got = matched[index]
            expected = {columns[k]: c.value for k, c in row.cells.items() if c.value is not None}
            placed = {k: c.value for k, c in got.cells.items() if c.value is not None}
            if placed:
                assert placed == expected, f"{key} {table.id} {row.name}"
            else:
                assert any(n.startswith(f"line {got.line}: ") and "not placed" in n for n in read.notes)
                unplaced.add(f"{table.id}/{row.side}" if row.side else table.id)
    assert unplaced == _UNPLACED_TOTALS[key]


@pytest.mark.parametrize("key", ["001", "004"])
def test_share_of_cells_reproduced(readings, key: str) -> None:
    tab, flow = readings[key]
    total = same = 0
    for table, _, columns, matched in _aligned(tab, flow):
        for index, row in enumerate(table.rows):
            got = matched.get(index)
            for column, cell in row.cells.items():
                if cell.value is None:
                    continue
                total += 1
                same += got is not None and got.value(columns[column]) == cell.value
    share = same / total
    assert share >= _SHARE_FLOOR[key], f"{key}: {same}/{total} = {share:.3f} of the tab reading's numeric cells"


def test_line_flow_values_and_provenance_read_by_hand(readings) -> None:
    """001 公开05表 in line flow: the 合计 row printed in full, a row with two figures
    placed by arithmetic (项目支出: 基本支出 would need 人员经费 + 公用经费), and a
    row whose figures do not add up in any placement left unplaced."""
    _, flow = readings["001"]
    table = table_by_id(flow, "公开05表")
    total = find_row(table, name="合计")
    assert values(total, _GENERAL) == [17714.80, 12143.60, 10596.94, 1546.66, 5571.20]
    administration = find_row(table, code="2010302")
    assert values(administration, _GENERAL) == [4009.17, None, None, None, 4009.17]
    running = find_row(table, code="2010301")  # 6802.30 = 5409.15 + 1393.16 within rounding
    assert values(running, _GENERAL) == [6802.30, 6802.30, 5409.15, 1393.16, None]
    pensions = find_row(table, code="20805")  # 1887.42 1887.42 1805.13: nothing adds up
    assert pensions.name == "行政事业单位养老支出" and pensions.cells == {}
    assert f"line {pensions.line}: 3 figures for 5 columns, not placed" in table.notes
    cell = total.cells["本年支出/小计"]
    assert cell.span is not None
    flow_text = as_line_flow(CORPUS["001"].read_text(encoding="utf-8"))
    assert flow_text[cell.span.char_start : cell.span.char_end] == "17714.80"
    # 公开01表: the two sides cut at their 行次
    overview = table_by_id(flow, "公开01表")
    assert find_row(overview, side="收入", number=8).value("收入/决算数") == 12.73
    assert find_row(overview, side="支出", number=14).value("支出/决算数") == 14260.08
    # 公开06表: three groups per line, cut at their 科目代码
    detail = table_by_id(flow, "公开06表")
    assert find_row(detail, code="31002").value("决算数") == 40.45
    assert find_row(detail, code="30303").value("决算数") is None


def _flow_report(*rows: str) -> str:
    lines = [
        "一般公共预算财政拨款支出决算表",
        "公开05表",
        "单位：万元",
        "项目 本年支出",
        "科目代码 科目名称 小计 基本支出 项目支出",
        "小计 人员经费 公用经费",
        "栏次 1 2 3 4 5",
        *rows,
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    ]
    return "".join(f"{line}\n\n" for line in lines)


def test_short_row_placed_by_arithmetic() -> None:
    text = _flow_report("合计 100.00 60.00 50.00 10.00 40.00", "2010302 一般行政管理事务 40.00 40.00", "- 3 -")
    table = table_by_id(extract_tables(source_of(report_text(text))), "公开05表")
    assert table.status == "present"
    assert values(find_row(table, code="2010302"), _GENERAL) == [40.00, None, None, None, 40.00]
    assert not [n for n in table.notes if "not placed" in n]
    assert any("national template" in n for n in table.notes)


def test_short_row_not_placed_gets_a_note() -> None:
    # 合计 = 基本支出 + 项目支出 holds with 30.00 under either of them: no guess.
    text = _flow_report("合计 100.00 60.00 50.00 10.00 40.00", "2010301 行政运行 30.00 30.00 12.00")
    table = table_by_id(extract_tables(source_of(report_text(text))), "公开05表")
    row = find_row(table, code="2010301")
    assert row.name == "行政运行" and row.cells == {}
    assert f"line {row.line}: 3 figures for 5 columns, not placed" in table.notes


def test_narrative_after_a_title_is_not_a_row() -> None:
    text = "".join(
        f"{line}\n\n"
        for line in (
            "一般公共预算财政拨款支出决算表",
            "公开05表",
            "本年度一般公共预算财政拨款支出",
            "主要用于行政运行和机关服务，支出合计 17714.80",
        )
    )
    table = table_by_id(extract_tables(source_of(report_text(text))), "公开05表")
    assert table.status == "missing" and table.rows == []


@pytest.mark.parametrize("key", ["001", "004"])
def test_partial_tables_raise_no_false_alarm(key: str, settings: Settings) -> None:
    """Tables with figures left unplaced are not reconciled: the line-flow rendering
    gives no table or narrative-against-table finding the tab reading does not give."""
    text = CORPUS[key].read_text(encoding="utf-8")
    flow = extract(decode_report(as_line_flow(text).encode("utf-8"), "flow.txt"), settings)
    tab = extract(decode_report(text.encode("utf-8"), "tab.txt"), settings)
    assert any(t.status == "partial" for t in flow.tables)

    def table_alarms(findings: list[Finding]) -> set[tuple[str, float | None]]:
        families = ("table.", "cross_table.", "narrative.table_amount")
        return {(f.rule_id, f.stated) for f in findings if f.severity != "info" and f.rule_id.startswith(families)}

    assert table_alarms(flow.findings) <= table_alarms(tab.findings)
