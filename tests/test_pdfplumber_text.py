"""How pdfplumber's text (``page.extract_text()``, plain and ``layout=True``) prints what
pdftotext prints otherwise, each spelling read as the family's report means it.

pdfplumber sets glyphs of another font on another baseline (a Latin year in a Chinese title,
quote marks) on a line of their own, runs a header's words together with single spaces and
pads a layout line to the page's width. The cases are cut from its renderings of the
Shanghai reports (tests/data/shanghai/*.pdfplumber*.txt) with the department renamed.
"""

from __future__ import annotations

from extractor.document.identity import describe
from extractor.document.segment import toc_end
from extractor.reconcile.outline import contents
from extractor.tables import extract_tables
from tests.tables_helpers import source_of

_FINAL_HEAD = """上海市普陀区某某局
年度部门决算
2024
目 录
第一部分 上海市普陀区某某局概况
一、主要职能
二、部门决算单位构成
第二部分 上海市普陀区某某局 年度部门决算表
2024
一、收入支出决算总表
七、财政拨款 三公 经费支出决算表
“ ”
八、政府性基金预算财政拨款收入支出决算表
九、国有资本经营预算财政拨款收入支出决算表
第三部分 上海市普陀区某某局 年度部门决算情况说明
2024
一、收入支出决算总体情况说明
第一部分 上海市普陀区某某局概况
一、主要职能
"""


def test_title_year_on_a_line_of_its_own() -> None:
    """"上海市普陀区某某局" / "年度部门决算" / "2024": the report's year is the lone line's."""
    document = describe(source_of(_FINAL_HEAD))
    assert (document.department, document.year, document.kind) == ("上海市普陀区某某局", 2024, "final_account")


def test_lone_year_does_not_override_the_titles_own() -> None:
    text = _FINAL_HEAD.replace("年度部门决算\n2024\n", "2024年度部门决算\n2023\n", 1)
    assert describe(source_of(text)).year == 2024


def test_contents_run_over_displaced_year_and_quote_marks() -> None:
    """The 目录 goes on past "2024" and "“ ”" on lines of their own: 八、 (政府性基金…, 公开07表
    by its national number) and 九、 are listed."""
    block = contents(source_of(_FINAL_HEAD))
    assert block is not None
    assert {"公开07表", "国有资本经营预算财政拨款收入支出决算表"} <= block.table_keys
    assert block.last == 17


_EMPTY_TABLE_BEFORE_A_PART = """第二部分 上海市普陀区某某局2024年度部门决算表
国有资本经营预算财政拨款收入支出决算表
单位：万元
项目 本年支出
年初结转和 年末结转和
支出功能分类
本年收入
结余 结余
科目编码 科目名称 小计 基本支出 项目支出
类 款 项
合计
注：上海市普陀区某某局无国有资本经营预算财政拨款支出，故本表无数据。
第三部分上海市普陀区某某局 年度部门决算情况
2024
说明
一、收入支出决算总体情况说明
上海市普陀区某某局 年度收入支出总计 万元。与 年度相比，收入
2024 2995.39 2023
支出总计减少 万元，下降 。主要原因：基本支出减少。
56.95 1.87%
本年收入合计 万元，其中：财政拨款收入 万元，占 ；其他
2946.25 2940.05 99.79%
"""


def test_a_tables_body_stops_at_the_next_part() -> None:
    """The narrative's figures, set by pdfplumber on lines of their own under the next
    part's heading, are no body of the empty table above it."""
    source = source_of(_EMPTY_TABLE_BEFORE_A_PART)
    assert [p.title for p in describe(source).parts][-1] == "第三部分上海市普陀区某某局 年度部门决算情况 说明"
    (table,) = extract_tables(source)
    assert (table.id, table.status) == ("国有资本经营预算财政拨款收入支出决算表", "empty")


def test_numbered_contents_entries_padded_with_leader_dots() -> None:
    """layout=True pads 一、部门主要职能 …… to the page's width: still a part the 目录 lists."""
    leader = " " * 11 + "…" * 60
    text = "\n".join([
        "上海市普陀区2026年区级部门预算",
        "预算主管部门：上海市普陀区某某局",
        " " * 50 + "目   录",
        f"        一、部门主要职能{leader}",
        f"        二、部门机构设置{leader}",
        f"        三、名词解释{leader}",
        "上海市普陀区某某局主要职能",
        "上海市普陀区某某局是区政府工作部门。",
        "上海市普陀区某某局机构设置",
        "本局设5个内设机构。",
        "名词解释",
        "财政拨款收入：指区财政当年拨付的资金。",
    ])
    source = source_of(text)
    assert toc_end(source) == 6
    assert [p.title for p in describe(source).parts] == [
        "上海市普陀区某某局主要职能", "上海市普陀区某某局机构设置", "名词解释"]


def test_header_run_together_leaves_the_table_partial() -> None:
    """"功能分类科目名称 合计 财政拨款收入 事业收入 其他收入" with 事业单位 / 经营收入 on the
    lines around it: no column name is known, so the table is `partial` (its rows kept
    under 列1…列5), not `present` with figures under no heading."""
    text = "\n".join([
        "2026年部门收入预算总表",
        "编制部门：上海市普陀区某某局 单位：元",
        "项目 收入预算",
        "功能分类科目编码 事业单位",
        "功能分类科目名称 合计 财政拨款收入 事业收入 其他收入",
        "类 款 项 经营收入",
        "204 公共安全支出 300.00 300.00 0.00 0.00 0.00",
        "204 06 司法 300.00 300.00 0.00 0.00 0.00",
        "204 06 01 行政运行 100.00 100.00 0.00 0.00 0.00",
        "204 06 04 基层司法业务 200.00 200.00 0.00 0.00 0.00",
        "合计 300.00 300.00 0.00 0.00 0.00",
    ])
    (table,) = extract_tables(source_of(text))
    assert table.status == "partial"
    assert [c.key for c in table.columns] == ["列1", "列2", "列3", "列4", "列5"]
    assert [(r.code, [c.value for c in r.cells.values()]) for r in table.rows][2] == (
        "2040601", [100.0, 100.0, 0.0, 0.0, 0.0])
