"""Rows the text export shifted by one column are moved back under their headers
(extractor/tables/repair.py), only when the row's arithmetic says so unambiguously."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import SourceText
from extractor.pipeline import extract
from extractor.settings import Settings
from extractor.tables import extract_tables
from extractor.tables.repair import SumGroup, repair_shifted_rows, sum_groups
from schemas import Cell, Table, TableRow
from tests.tables_helpers import find_row, report_text, source_of, table_by_id, values

CARRY = "上年结转结余"
KEYS_002 = [
    "合计",
    "当年预算/小计",
    "当年预算/一般公共预算",
    f"{CARRY}/小计",
    f"{CARRY}/一般公共预算拨款结转",
    f"{CARRY}/政府性基金预算拨款结转",
    f"{CARRY}/国有资本经营预算拨款结转",
]


@pytest.fixture(scope="module")
def budget_002(corpus: dict[str, SourceText]) -> list[Table]:
    return extract_tables(corpus["002"])


def test_002_table2_carryover_moves_back_under_its_subtotal(
    budget_002: list[Table], corpus: dict[str, SourceText]
) -> None:
    """Lines 174-176 print 389.70 twice after an extra empty cell: on paper
    上年结转结余/小计 = 一般公共预算拨款结转 = 389.70, since 合计 2,385.56 =
    1,995.86 + 389.70."""
    table = table_by_id(budget_002, "预算表2")
    source = corpus["002"]
    for name, code, line in (("合计", None, 174), (None, "601", 175), (None, "601001", 176)):
        row = find_row(table, name=name, code=code)
        assert row.line == line
        assert values(row, KEYS_002) == [2385.56, 1995.86, 1995.86, 389.70, 389.70, None, None]
        # every figure of the row is where the arithmetic wants it; nothing else printed
        assert {k: c.text for k, c in row.cells.items() if c.text} == {
            "合计": "2,385.56",
            "当年预算/小计": "1,995.86",
            "当年预算/一般公共预算": "1,995.86",
            f"{CARRY}/小计": "389.70",
            f"{CARRY}/一般公共预算拨款结转": "389.70",
        }
        # the spans still point at the text read: the first 389.70 of the line is now the 小计
        subtotal, general = row.cells[f"{CARRY}/小计"], row.cells[f"{CARRY}/一般公共预算拨款结转"]
        assert subtotal.span is not None and general.span is not None
        assert (subtotal.span.line_start, general.span.line_start) == (line, line)
        assert source.text[subtotal.span.char_start : subtotal.span.char_end] == "389.70"
        assert source.text[general.span.char_start : general.span.char_end] == "389.70"
        assert subtotal.span.char_end < general.span.char_start
        line_start = source.text.rfind("\n", 0, subtotal.span.char_start) + 1
        assert subtotal.span.char_start - line_start == source.line(line).text.index("389.70")
    assert table.notes == [
        (
            f"rows 1-3 (lines 174-176): values from {CARRY}/一般公共预算拨款结转 on shifted one column left "
            "to match 合计 (text export offset)"
        )
    ]


def test_002_no_other_table_of_the_corpus_is_touched(corpus: dict[str, SourceText]) -> None:
    shifted = [
        (key, table.id)
        for key, source in corpus.items()
        for table in extract_tables(source)
        if any("text export offset" in note for note in table.notes)
    ]
    assert shifted == [("002", "预算表2")]


def test_002_reconciles_without_errors(corpus: dict[str, SourceText], tmp_path: Path) -> None:
    result = extract(corpus["002"], Settings(home=tmp_path, backend="rules"))
    assert [f.message for f in result.findings if f.severity == "error"] == []
    assert [
        f for f in result.findings if f.rule_id == "table.row_sum" and f.classification != "rounding"
    ] == []


def _budget_text(*rows: str) -> str:
    return report_text(
        "收入总表（预算表2）",
        "单位：万元",
        "序号\t单位代码\t单位名称\t合计\t当年预算\t\t\t上年结转结余\t\t\t",
        "\t\t\t\t小计\t一般公共预算\t政府性基金预算\t小计\t一般公共预算拨款结转\t政府性基金预算拨款结转",
        *rows,
    )


KEYS = [
    "合计",
    "当年预算/小计",
    "当年预算/一般公共预算",
    "当年预算/政府性基金预算",
    f"{CARRY}/小计",
    f"{CARRY}/一般公共预算拨款结转",
    f"{CARRY}/政府性基金预算拨款结转",
]


def test_consistent_rows_are_untouched() -> None:
    """Rows that add up stay as read, even when a shift would also add up (row 2:
    moving its last 4.00 right, under 政府性基金预算, still gives 4 = 0 + 4)."""
    text = _budget_text(
        "1\t\t合计\t14.00\t10.00\t6.00\t4.00\t4.00\t4.00\t",
        "2\t101\t某单位\t4.00\t4.00\t4.00\t\t\t\t",
        "3\t102\t某单位二\t10.00\t6.00\t2.00\t4.00\t4.00\t4.00\t",
    )
    (table,) = extract_tables(source_of(text))
    assert [c.key for c in table.columns] == KEYS
    assert values(find_row(table, name="合计"), KEYS) == [14.00, 10.00, 6.00, 4.00, 4.00, 4.00, None]
    assert values(find_row(table, code="101"), KEYS) == [4.00, 4.00, 4.00, None, None, None, None]
    assert values(find_row(table, code="102"), KEYS) == [10.00, 6.00, 2.00, 4.00, 4.00, 4.00, None]
    assert not table.notes


def test_shift_to_the_right_is_repaired() -> None:
    """A unit with only carried-over funds; the export dropped one of the three empty
    当年预算 cells, so 5.00 5.00 sit one column to the left, under 政府性基金预算
    and 上年结转结余/小计. Only one move to the right adds up."""
    text = _budget_text(
        "1\t\t合计\t5.00\t\t\t5.00\t5.00\t\t",
        "2\t101\t某单位\t5.00\t\t\t\t5.00\t5.00\t",  # printed right: untouched
    )
    source = source_of(text)
    (table,) = extract_tables(source)
    total = find_row(table, name="合计")
    assert values(total, KEYS) == [5.00, None, None, None, 5.00, 5.00, None]
    assert values(find_row(table, code="101"), KEYS) == [5.00, None, None, None, 5.00, 5.00, None]
    moved = total.cells[f"{CARRY}/小计"]
    assert moved.span is not None and moved.span.line_start == 5
    assert source.text[moved.span.char_start : moved.span.char_end] == "5.00"
    assert moved.span.char_start == source.text.index("\t5.00\t5.00") + 1  # the first 5.00 after 合计's
    assert table.notes == [
        (
            "row 1 (line 5): values from 当年预算/政府性基金预算 on shifted one column right to match 合计 "
            "(text export offset)"
        )
    ]


@pytest.mark.parametrize(
    ("row", "printed"),
    [
        # 合计 3.00 = 1.00 + 2.00 is restored by moving 2.00 2.00 left (一般 1.00, 基金
        # blank) or by moving 1.00 2.00 2.00 left (一般 blank, 基金 1.00)
        ("1\t\t合计\t3.00\t1.00\t\t1.00\t\t2.00\t2.00", [3.00, 1.00, None, 1.00, None, 2.00, 2.00]),
        # moving right from 政府性基金预算 (5.00 5.00) or from 一般公共预算 (10.00 5.00 5.00)
        # both add up: 10.00 may stand under either child of 当年预算
        ("1\t\t合计\t15.00\t10.00\t10.00\t5.00\t5.00\t\t", [15.00, 10.00, 10.00, 5.00, 5.00, None, None]),
    ],
)
def test_ambiguous_row_is_untouched(row: str, printed: list[float | None]) -> None:
    """Two readings add up: the row stays as printed (reconciliation reports it)."""
    (table,) = extract_tables(source_of(_budget_text(row)))
    assert values(table.rows[0], KEYS) == printed
    assert not table.notes


def test_row_that_no_shift_explains_is_untouched() -> None:
    """A report error (合计 off by 1.00) is no export shift: left for reconciliation."""
    text = _budget_text("1\t\t合计\t16.00\t10.00\t10.00\t\t5.00\t5.00\t")
    (table,) = extract_tables(source_of(text))
    assert values(table.rows[0], KEYS) == [16.00, 10.00, 10.00, None, 5.00, 5.00, None]
    assert not table.notes


def test_a_printed_figure_is_never_overwritten_or_dropped() -> None:
    """Moving left would need the cell before the run to be blank; moving right the last one."""
    keys = ("合计", "基本支出", "项目支出")
    row = TableRow(
        name="合计",
        line=1,
        cells={
            "合计": Cell(value=4.0, text="4.00"),
            "基本支出": Cell(value=4.0, text="4.00"),
            "项目支出": Cell(value=4.0, text="4.00"),
        },
    )
    table = Table(id="t", title="t", rows=[row])
    assert sum_groups(keys) == [SumGroup(total="合计", parts=("基本支出", "项目支出"))]
    assert repair_shifted_rows(table) == []
    assert values(row, list(keys)) == [4.0, 4.0, 4.0]


def test_sum_groups_follow_the_header_tree() -> None:
    assert sum_groups(tuple(KEYS)) == [
        SumGroup(total="合计", parts=("当年预算/小计", f"{CARRY}/小计")),
        SumGroup(total="当年预算/小计", parts=("当年预算/一般公共预算", "当年预算/政府性基金预算")),
        SumGroup(
            total=f"{CARRY}/小计", parts=(f"{CARRY}/一般公共预算拨款结转", f"{CARRY}/政府性基金预算拨款结转")
        ),
    ]
    # no 合计/小计 column: nothing to check, nothing to repair
    assert sum_groups(("收入/预算数", "支出/预算数")) == []
