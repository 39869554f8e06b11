"""Fixed tables 公开01–09 of corpus 001 (吉林省人民政府办公厅 决算), values read off the text."""

import pytest

from extractor.document import SourceText
from extractor.tables import announced_tables, extract_tables
from schemas import Table
from tests.tables_helpers import find_row, table_by_id, values

IDS = [f"公开0{i}表" for i in range(1, 10)]


@pytest.fixture(scope="module")
def tables(corpus: dict[str, SourceText]) -> list[Table]:
    return extract_tables(corpus["001"])


def test_all_nine_tables_found_in_order(tables: list[Table], corpus: dict[str, SourceText]) -> None:
    assert [t.id for t in tables] == IDS
    assert announced_tables(corpus["001"]) == IDS
    assert all(t.unit == "万元" for t in tables)
    assert [t.status for t in tables] == ["present"] * 6 + ["empty", "empty", "present"]


def test_titles(tables: list[Table]) -> None:
    assert [t.title for t in tables] == [
        "收入支出决算总表",
        "收入决算表",
        "支出决算表",
        "财政拨款收入支出决算总表",
        "一般公共预算财政拨款支出决算表",
        "一般公共预算财政拨款基本支出决算明细表",
        "政府性基金预算财政拨款收入支出决算表",
        "国有资本经营预算财政拨款支出决算表",
        "财政拨款“三公”经费支出决算表",
    ]


def test_01_two_sided_totals(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开01表")
    assert [(c.key, c.side, c.number) for c in t.columns] == [
        ("收入/决算数", "收入", "1"),
        ("支出/决算数", "支出", "2"),
    ]
    assert (t.line_start, t.line_end) == (109, 124)
    assert len(t.rows) == 26  # 行次 1–13 and 14–26, the blank 行次 9 / 18–22 included
    assert find_row(t, name="本年收入合计").value("收入/决算数") == 17334.64
    assert find_row(t, name="本年收入合计").row_number == 10
    assert find_row(t, name="本年支出合计").value("支出/决算数") == 17946.59
    assert find_row(t, name="总计", side="收入").value("收入/决算数") == 18968.91
    assert find_row(t, name="总计", side="支出").value("支出/决算数") == 18968.91
    assert find_row(t, name="总计", side="支出").row_number == 26


def test_01_sample_rows(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开01表")
    row = find_row(t, number=1)
    assert (row.side, row.name, row.value("收入/决算数")) == (
        "收入",
        "一、一般公共预算财政拨款收入",
        17321.91,
    )
    assert find_row(t, number=15).name == "二、社会保障和就业支出"
    assert find_row(t, number=15).value("支出/决算数") == 2166.34
    assert find_row(t, number=11).name == "使用非财政拨款结余（含专用结余）"
    assert find_row(t, number=11).value("收入/决算数") == 205.05
    assert find_row(t, number=24).value("支出/决算数") == 0.20
    assert find_row(t, number=2).value("收入/决算数") is None
    assert find_row(t, number=8).value("收入/决算数") == 12.73


def test_02_income(tables: list[Table], corpus: dict[str, SourceText]) -> None:
    t = table_by_id(tables, "公开02表")
    keys = [
        "本年收入合计",
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    assert [c.key for c in t.columns] == keys
    assert [c.number for c in t.columns] == ["1", "2", "3", "4", "5", "6", "7"]
    assert len(t.rows) == 27
    total = find_row(t, name="合计")
    assert total.code is None
    assert values(total, keys) == [17334.64, 17321.91, None, None, None, None, 12.73]
    assert values(find_row(t, code="2010301"), ["本年收入合计", "财政拨款收入", "其他收入"]) == [
        6680.84,
        6671.70,
        9.14,
    ]
    assert find_row(t, code="2010301").name == "行政运行"
    # after the blank line inside the body
    assert find_row(t, code="2080801").name == "死亡抚恤"
    assert find_row(t, code="2080801").value("本年收入合计") == 267.25
    assert find_row(t, code="2210201").value("财政拨款收入") == 737.59
    cell = total.cells["本年收入合计"]
    assert corpus["001"].original(cell.span) == "17334.64"
    assert cell.span.line_start == 141


def test_03_expenditure(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开03表")
    keys = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    assert [c.key for c in t.columns] == keys
    assert len(t.rows) == 29
    assert values(find_row(t, name="合计"), keys) == [17946.59, 12359.10, 5587.49, None, None, None]
    assert values(find_row(t, code="2010303"), keys[:3]) == [1891.62, 549.62, 1342.00]
    assert values(find_row(t, code="2089999"), keys[:3]) == [27.33, None, 27.33]
    assert find_row(t, code="20103").name == "政府办公厅（室）及相关机构事务"


def test_04_fiscal_two_sided(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开04表")
    keys = [
        "支出/合计",
        "支出/一般公共预算财政拨款",
        "支出/政府性基金预算财政拨款",
        "支出/国有资本经营预算财政拨款",
    ]
    assert [c.key for c in t.columns] == ["收入/决算数", *keys]
    assert len(t.rows) == 24
    assert find_row(t, name="本年收入合计").value("收入/决算数") == 17321.91
    assert values(find_row(t, name="本年支出合计"), keys) == [17714.80, 17714.80, None, None]
    assert find_row(t, name="总计", side="收入").value("收入/决算数") == 18721.05
    assert values(find_row(t, name="总计", side="支出"), keys) == [18721.05, 18721.05, None, None]
    assert find_row(t, name="年初财政拨款结转和结余").value("收入/决算数") == 1399.14
    assert find_row(t, name="年末财政拨款结转和结余").value("支出/合计") == 1006.25
    assert find_row(t, name="一、一般公共服务支出").row_number == 13
    assert find_row(t, name="一、一般公共服务支出").value("支出/合计") == 14044.58


def test_05_merged_header(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开05表")
    keys = [
        "本年支出/小计",
        "本年支出/基本支出/小计",
        "本年支出/基本支出/人员经费",
        "本年支出/基本支出/公用经费",
        "本年支出/项目支出",
    ]
    assert [c.key for c in t.columns] == keys
    assert t.columns[2].header == ["本年支出", "基本支出", "人员经费"]
    assert len(t.rows) == 29
    assert values(find_row(t, name="合计"), keys) == [17714.80, 12143.60, 10596.94, 1546.66, 5571.20]
    assert values(find_row(t, code="2010303"), keys) == [1686.15, 344.15, 284.93, 59.22, 1342.00]
    assert values(find_row(t, code="20899"), keys) == [11.04, None, 17.06, None, 11.04]


def test_06_three_groups(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开06表")
    assert [c.key for c in t.columns] == ["决算数"]
    assert len(t.rows) == 83  # 81 classification codes and two totals
    assert find_row(t, name="人员经费合计").value("决算数") == 10596.94
    assert find_row(t, name="公用经费合计").value("决算数") == 1546.66
    assert find_row(t, code="301").value("决算数") == 9330.05
    assert find_row(t, code="301").name == "工资福利支出"
    assert find_row(t, code="30201").value("决算数") == 176.43
    assert find_row(t, code="310").value("决算数") == 50.53
    assert find_row(t, code="30299").value("决算数") == 9.42  # the second group's last row
    assert find_row(t, code="307").value("决算数") is None
    assert find_row(t, code="39999").name == "其他支出"


def test_07_08_empty(tables: list[Table]) -> None:
    t07 = table_by_id(tables, "公开07表")
    assert [c.key for c in t07.columns] == [
        "年初结转和结余",
        "本年收入",
        "本年支出/小计",
        "本年支出/基本支出",
        "本年支出/项目支出",
        "年末结转和结余",
    ]
    assert [r.name for r in t07.rows] == ["合计"]
    assert all(cell.value is None for cell in t07.rows[0].cells.values())
    assert "本单位没有政府性基金预算财政拨款。" in t07.notes
    t08 = table_by_id(tables, "公开08表")
    assert [c.key for c in t08.columns] == ["本年支出/合计", "本年支出/基本支出", "本年支出/项目支出"]
    assert "本单位没有国有资本经营预算财政拨款。" in t08.notes


def test_09_three_public(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开09表")
    assert len(t.columns) == 12
    assert t.columns[2].key == "预算数/公务用车购置及运行维护费/小计"
    assert t.columns[10].key == "决算数/公务用车购置及运行维护费/公务用车运行维护费"
    assert [c.number for c in t.columns] == [str(i) for i in range(1, 13)]
    (row,) = t.rows
    assert values(row, [c.key for c in t.columns]) == [
        1093.88,
        7.31,
        357.48,
        None,
        357.48,
        729.09,
        1055.28,
        7.31,
        341.85,
        None,
        341.85,
        706.12,
    ]
