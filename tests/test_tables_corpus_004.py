"""Fixed tables 公开01–10 of corpus 004 (怀仁市工业和信息化局 决算: Markdown headings,
cells split inside words, ``公开02`` with its 表 on a later line), values read off the text."""

import pytest

from extractor.document import SourceText
from extractor.tables import announced_tables, extract_tables
from schemas import Table
from tests.tables_helpers import find_row, table_by_id, values

IDS = [f"公开{i:02d}表" for i in range(1, 11)]


@pytest.fixture(scope="module")
def tables(corpus: dict[str, SourceText]) -> list[Table]:
    return extract_tables(corpus["004"])


def test_all_tables_found(tables: list[Table], corpus: dict[str, SourceText]) -> None:
    assert [t.id for t in tables] == IDS
    assert announced_tables(corpus["004"]) == IDS
    assert all(t.unit == "万元" for t in tables)  # 金额单位：万元 / 单位：万元 / 金额单位:万元
    assert [t.status for t in tables] == ["present"] * 7 + ["empty", "present", "present"]
    assert table_by_id(tables, "公开02表").title == "收入决算表"
    assert table_by_id(tables, "公开10表").title == "部门决算公开相关信息统计表"


def test_01_totals_and_rows(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开01表")
    assert [c.key for c in t.columns] == ["收入/金额", "支出/金额"]
    assert len(t.rows) == 62
    assert find_row(t, name="本年收入合计").value("收入/金额") == 5307.63
    assert find_row(t, name="本年收入合计").row_number == 27
    assert find_row(t, name="本年支出合计").value("支出/金额") == 5307.63
    assert find_row(t, name="总计", side="收入").value("收入/金额") == 5307.63
    assert find_row(t, name="总计", side="支出").row_number == 62
    assert find_row(t, name="总计", side="支出").value("支出/金额") == 5307.63
    assert find_row(t, number=1).value("收入/金额") == 4607.63
    assert find_row(t, number=2).value("收入/金额") == 700.00
    assert find_row(t, number=39).name == "八、社会保障和就业支出"
    assert find_row(t, number=39).value("支出/金额") == 262.09
    assert find_row(t, number=54).value("支出/金额") == 30.00
    # 行次 55 follows a blank line inside the body
    assert find_row(t, number=55).name == "二十四、债务还本支出"
    assert find_row(t, number=55).value("支出/金额") is None


def test_02_income(tables: list[Table]) -> None:
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
    assert len(t.rows) == 29  # the "--- | ---" rule row is not a row
    assert values(find_row(t, name="合计"), keys) == [5307.63, 5307.63, None, None, None, None, None]
    assert find_row(t, code="2120809").name == "支付破产或改制企业职工安置费"
    assert find_row(t, code="2120809").value("本年收入合计") == 700.00
    assert find_row(t, code="2299999").value("财政拨款收入") == 30.00
    assert find_row(t, code="2101102").value("本年收入合计") == 7.77


def test_03_words_split_in_cells(tables: list[Table], corpus: dict[str, SourceText]) -> None:
    t = table_by_id(tables, "公开03表")
    keys = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    assert [c.key for c in t.columns] == keys  # printed 上缴 上级 支出 / 对附属单 位补助 支出
    assert values(find_row(t, name="合计"), keys[:3]) == [5307.63, 657.87, 4649.76]
    row = find_row(t, code="208")
    assert row.name == "社会保障和就业支出"  # printed 社会保障和就业支 出
    assert corpus["004"].original(row.name_span) == "社会保障和就业支 出"
    assert find_row(t, code="2080505").name == "机关事业单位基本养老保险缴费支出"
    assert values(find_row(t, code="21505"), keys[:3]) == [4276.77, 357.01, 3919.76]
    assert find_row(t, code="2150599").name == "其他工业和信息产业监管支出"
    assert values(find_row(t, code="2150599"), keys[:3]) == [837.99, 22.75, 815.24]


def test_04_fiscal_two_sided(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开04表")
    keys = [
        "支出/合计",
        "支出/一般公共预算财政拨款",
        "支出/政府性基金预算财政拨款",
        "支出/国有资本经营预算财政拨款",
    ]
    assert [c.key for c in t.columns] == ["收入/金额", *keys]
    assert len(t.rows) == 64
    assert find_row(t, name="本年收入合计").value("收入/金额") == 5307.63
    assert values(find_row(t, name="本年支出合计"), keys) == [5307.63, 4607.63, 700.00, None]
    assert find_row(t, name="总计", side="收入").value("收入/金额") == 5307.63
    assert values(find_row(t, name="总计", side="支出"), keys) == [5307.63, 4607.63, 700.00, None]
    assert values(find_row(t, number=43), keys) == [700.00, None, 700.00, None]
    assert find_row(t, number=43).name == "十一、城乡社区支出"


def test_05_general_budget(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开05表")
    keys = ["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"]
    assert [c.key for c in t.columns] == keys
    assert len(t.rows) == 26
    assert values(find_row(t, name="合计"), keys) == [4607.63, 657.87, 3949.76]
    assert values(find_row(t, code="2150517"), keys) == [3104.52, None, 3104.52]
    assert find_row(t, code="2150517").name == "产业发展"


def test_06_four_groups(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开06表")
    assert [c.key for c in t.columns] == ["决算数"]
    assert find_row(t, name="人员经费合计").value("决算数") == 634.30
    assert find_row(t, name="公用经费合计").value("决算数") == 23.57
    assert find_row(t, code="30101").value("决算数") == 123.61
    assert find_row(t, code="30231").value("决算数") == 7.50
    assert find_row(t, code="30299").value("决算数") == 1.99
    placeholder = find_row(t, code="30908").cells["决算数"]
    assert (placeholder.value, placeholder.text) == (None, "——")
    assert find_row(t, code="39908").name == "对民间非营利组织和群众性自治组织补贴"
    # lines 296–323 carry four entries each, line 324 two (30299, 31010), then two totals
    assert len(t.rows) == 27 * 4 + 2 + 2


def test_07_government_funds(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开07表")
    keys = [
        "年初结转和结余",
        "本年收入",
        "本年支出/小计",
        "本年支出/基本支出",
        "本年支出/项目支出",
        "年末结转和结余",
    ]
    assert [c.key for c in t.columns] == keys
    assert values(find_row(t, name="合计"), keys) == [None, 700.00, 700.00, None, 700.00, None]
    assert values(find_row(t, code="2120809"), keys) == [None, 700.00, 700.00, None, 700.00, None]
    assert len(t.rows) == 4


def test_08_empty(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开08表")
    assert [c.key for c in t.columns] == ["本年支出/合计", "本年支出/基本支出", "本年支出/项目支出"]
    assert [r.name for r in t.rows] == ["合计"]  # printed one cell to the right
    assert "说明：本表无数据" in t.notes


def test_09_three_public(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开09表")
    assert [c.key for c in t.columns][:2] == ["预算数/合计", "预算数/因公出国(境)费"]  # 因公出国 (境) 费
    (row,) = t.rows
    assert values(row, [c.key for c in t.columns]) == [
        7.50,
        None,
        7.50,
        None,
        7.50,
        None,
        7.50,
        None,
        7.50,
        None,
        7.50,
        None,
    ]


def test_10_statistics(tables: list[Table]) -> None:
    t = table_by_id(tables, "公开10表")
    assert [c.key for c in t.columns] == ["统计数"]
    assert find_row(t, name="合计").value("统计数") == 700.00
    assert find_row(t, name="服务").value("统计数") == 700.00
    assert find_row(t, number=5).value("统计数") == 19.07
    assert find_row(t, name="二、机关运行经费").cells["统计数"].value is None
