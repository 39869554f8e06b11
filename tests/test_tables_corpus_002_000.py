"""Corpus 002 (预算: 预算表1–6, 9 and unnumbered tables, thousands separators, 序号
columns) and corpus 000 (决算 whose tables 01–09 are only headings)."""

import pytest

from extractor.document import SourceText
from extractor.tables import announced_tables, extract_tables
from schemas import Table
from tests.tables_helpers import find_row, table_by_id, values


@pytest.fixture(scope="module")
def budget(corpus: dict[str, SourceText]) -> list[Table]:
    return extract_tables(corpus["002"])


def test_002_tables_and_ids(budget: list[Table], corpus: dict[str, SourceText]) -> None:
    expected = [
        "预算表1",
        "预算表2",
        "预算表3",
        "预算表4",
        "预算表5",
        "预算表6",
        "一般公共预算三公经费支出表",
        "政府性基金预算支出表",
        "国有资本经营预算支出表",
        "预算表9",
        "财政拨款委托业务费支出预算表",
    ]
    assert [t.id for t in budget] == expected
    assert announced_tables(corpus["002"]) == expected
    assert all(t.unit == "万元" for t in budget)
    status = {t.id: t.status for t in budget}
    assert status["政府性基金预算支出表"] == status["国有资本经营预算支出表"] == "empty"
    assert status["财政拨款委托业务费支出预算表"] == "empty"  # a template with no figure
    assert table_by_id(budget, "预算表1").title == "收支总表"
    assert table_by_id(budget, "预算表5").title == "本年一般公共预算支出表"


def test_002_table1_two_sided_with_serial_column(budget: list[Table]) -> None:
    t = table_by_id(budget, "预算表1")
    assert [(c.key, c.side) for c in t.columns] == [
        ("收入/编制预算", "收入"),
        ("收入/上年结转", "收入"),
        ("支出/编制预算", "支出"),
        ("支出/上年结转", "支出"),
    ]
    income = find_row(t, name="本年收入合计")
    assert (income.row_number, income.side) == (31, "收入")
    assert values(income, ["收入/编制预算", "收入/上年结转"]) == [1995.86, 389.70]
    assert income.cells["收入/编制预算"].text == "1,995.86"
    assert values(find_row(t, name="本年支出合计"), ["支出/编制预算", "支出/上年结转"]) == [1995.86, 389.70]
    assert values(find_row(t, name="收入总计"), ["收入/编制预算", "收入/上年结转"]) == [1995.86, 389.70]
    assert values(find_row(t, name="支出总计"), ["支出/编制预算", "支出/上年结转"]) == [1995.86, 389.70]
    assert (
        find_row(t, name="一般公共预算拨款收入").value("收入/编制预算") == 1995.86
    )  # printed 一般公共预算 拨款收入
    spent = find_row(t, name="十五、资源勘探工业信息等支出")
    assert values(spent, ["支出/编制预算", "支出/上年结转"]) == [1778.26, 389.70]


def test_002_table2_and_3(budget: list[Table]) -> None:
    t2 = table_by_id(budget, "预算表2")
    total = find_row(t2, name="合计")
    assert total.row_number == 1
    assert values(total, ["合计", "当年预算/小计", "当年预算/一般公共预算"]) == [2385.56, 1995.86, 1995.86]
    assert find_row(t2, code="601001").value("合计") == 2385.56  # 部门(单位)代码
    t3 = table_by_id(budget, "预算表3")
    assert [c.key for c in t3.columns][:3] == ["合计", "基本支出", "项目支出"]
    assert values(find_row(t3, name="合计"), ["合计", "基本支出", "项目支出"]) == [2385.56, 964.33, 1421.23]
    assert values(find_row(t3, code="2150599"), ["合计", "基本支出", "项目支出"]) == [1421.23, None, 1421.23]
    assert find_row(t3, code="2150599").row_number == 13


def test_002_table4_to_6(budget: list[Table]) -> None:
    t4 = table_by_id(budget, "预算表4")
    assert values(find_row(t4, name="收入总计"), ["收入/编制预算", "收入/上年结转"]) == [1995.86, 389.70]
    assert values(find_row(t4, name="支出总计"), ["支出/编制预算", "支出/上年结转"]) == [1995.86, 389.70]
    assert values(find_row(t4, name="一、本年支出"), ["支出/编制预算", "支出/上年结转"]) == [1995.86, 389.70]
    t5 = table_by_id(budget, "预算表5")
    keys = ["合计", "基本支出/小计", "基本支出/人员经费", "基本支出/公用经费", "项目支出"]
    assert [c.key for c in t5.columns] == keys
    assert values(find_row(t5, name="合计"), keys) == [2385.56, 964.33, 851.95, 112.38, 1421.23]
    t6 = table_by_id(budget, "预算表6")
    assert values(find_row(t6, name="合计"), ["合计", "人员经费", "公用经费"]) == [964.33, 851.95, 112.38]
    assert values(find_row(t6, code="30239"), ["合计", "人员经费", "公用经费"]) == [41.46, None, 41.46]


def test_002_unnumbered_and_project_tables(budget: list[Table]) -> None:
    three = table_by_id(budget, "一般公共预算三公经费支出表")
    assert [c.key for c in three.columns] == ["2024年预算数"]
    assert find_row(three, name="合计").value("2024年预算数") == 11.19  # printed 合 计
    assert find_row(three, name="2、公务接待费").value("2024年预算数") == 9.39
    t9 = table_by_id(budget, "预算表9")
    total = find_row(t9, name="合计")
    assert values(total, ["合计", "本年财政拨款/一般公共预算", "财政拨款结转/一般公共预算"]) == [
        1421.23,
        1031.53,
        389.70,
    ]
    assert find_row(t9, number=4).name == "化工园区建设工作"
    assert find_row(t9, number=4).value("合计") == 20.00


def test_000_tables_only_announced_are_missing(corpus: dict[str, SourceText]) -> None:
    tables = extract_tables(corpus["000"])
    assert [t.id for t in tables] == [f"公开0{i}表" for i in range(1, 10)]
    # 七 and 八 are printed with the note that says why they hold nothing (本单位没有…): empty.
    assert [t.status for t in tables] == ["missing"] * 6 + ["empty", "empty", "missing"]
    assert tables[6].notes[-1] == "本单位没有政府性其基金预算财政拨款。"
    assert all(not t.rows and not t.columns for t in tables)
    assert table_by_id(tables, "公开07表").title == "政府性基金预算财政拨款收入支出决算表"
    assert "本单位没有国有资本经营预算财政拨款。" in table_by_id(tables, "公开08表").notes
