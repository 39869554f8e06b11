"""Score tables of 004's 绩效自评工作总结报告 (lines 655-663 and 800-816), read by hand."""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.forms import extract_score_tables
from schemas import ScoreTable

PROJECT_COLUMNS = ["预算项目", "预算指标", "执行情况", "项目", "预期数量", "完成数量", "自评得分", "自评结果"]


@pytest.fixture(scope="module")
def tables(corpus: dict[str, SourceText]) -> list[ScoreTable]:
    return extract_score_tables(corpus["004"])


def test_two_tables_in_004(tables: list[ScoreTable]) -> None:
    assert len(tables) == 2


def test_level1_score_table(corpus: dict[str, SourceText], tables: list[ScoreTable]) -> None:
    table = tables[0]
    assert table.title == "绩效自评一级指标得分情况表"
    assert table.columns == ["一级指标", "指标分值", "评价得分", "得分率"]
    assert (table.line_start, table.line_end) == (655, 663)  # the ---- line 664 is no row
    rows = [
        (r.label, r.values["指标分值"], r.values["评价得分"], r.values["得分率"], r.line) for r in table.rows
    ]
    assert rows == [
        ("投入", 15.0, 15.0, 100.0, 658),
        ("过程", 20.0, 20.0, 100.0, 659),
        ("产出", 35.0, 30.78, 87.94, 660),
        ("效果", 30.0, 30.0, 100.0, 661),
        ("合计", 100.0, 95.78, 95.78, 663),  # after a blank line
    ]
    assert all(r.texts == {} for r in table.rows)
    output = table.rows[2]
    assert corpus["004"].original(output.provenance["评价得分"]) == "30.78"
    assert corpus["004"].original(output.provenance["得分率"]) == "87.94%"


def test_project_score_table(corpus: dict[str, SourceText], tables: list[ScoreTable]) -> None:
    table = tables[1]
    assert table.title == "(二) 部门预算项目"  # untitled: named by its heading (line 796)
    assert table.line_start == 800  # the paragraph on line 798 stays narrative
    assert table.columns == PROJECT_COLUMNS  # two header rows, merged group cells resolved
    assert table.line_end == 816
    numbers = [
        (
            r.label,
            r.values["预算指标"],
            r.values["执行情况"],
            r.values["预期数量"],
            r.values["完成数量"],
            r.values["自评得分"],
        )
        for r in table.rows
    ]
    assert numbers == [
        ("扶持陶瓷产业特色小镇发展", 1500.0, 795.0, 10.0, 6.0, 74.6),
        ("2024 年工信局遗属补助", 22.75, 22.75, 24.0, 24.0, 95.0),
        ("怀仁市陶瓷专业镇微记录片制作费", 130.0, 130.0, 4.0, 4.0, 95.0),
        ("化肥厂等国有企业服务费用", 25.0, 25.0, 10.0, 10.0, 100.0),
        ("怀仁市建市五周年活动费用", 7.0, 6.992, 7.0, 7.0, 94.99),
        ("美裕陶瓷有限公司企业破产职工安置费用", 1020.0, 700.0, 150.0, 103.0, 71.75),
        ("工信局专项业务工作经费", 50.0, 49.843, 100.0, 100.0, 99.94),
        # lines 809 + 811: the row is broken across lines, `业视频智 能监` split inside words
        ("我市全域多行业视频智能监管", 700.0, 700.0, 10.0, 10.0, 100.0),
        ("怀仁市城镇集体工业联合社专项业务工作经费", 3.94, 3.94, 100.0, 100.0, 100.0),
        ("怀仁市城镇集体工业联合社遗属补助经费", 3.4, 3.4, 4.0, 4.0, 95.0),
        ("怀仁市城镇集体工业联合社其他经费补助项目", 2.0, 2.0, 15.0, 15.0, 100.0),
        ("怀仁市城镇集体工业联合社直接聘用人员经费项目", 24.06, 24.06, 9.0, 9.0, 100.0),
        ("合计", 3488.15, 2462.985, None, None, 92.98),
    ]
    assert [r.texts.get("自评结果") for r in table.rows] == ["中", "优", "优", "优", "优", "中"] + ["优"] * 7
    assert table.rows[0].texts["项目"] == "扶持陶瓷产业发展项目数量"
    assert table.rows[7].texts["项目"] == "全域多行业视频智能监"
    assert table.rows[7].provenance["label"].line_start == 809
    assert table.rows[7].provenance["label"].line_end == 811
    assert table.rows[-1].values["项目"] is None
    assert corpus["004"].original(table.rows[4].provenance["执行情况"]) == "6.992"


def test_no_score_tables_elsewhere(corpus: dict[str, SourceText]) -> None:
    # 001 and 002 print 得分 only inside their performance forms.
    assert extract_score_tables(corpus["001"]) == []
    assert extract_score_tables(corpus["002"]) == []


def test_line_flow_score_table_of_000(corpus: dict[str, SourceText]) -> None:
    # 项目支出绩效评价报告 (line 7161), its 评分表 printed in line flow (lines 7992-8070).
    [table] = extract_score_tables(corpus["000"])
    assert table.title == "三、综合评价情况及评价结论（附相关评分表）"
    assert table.columns == ["一级指标", "二级指标", "三级指标", "分值", "得分", "扣分原因"]
    assert (table.line_start, table.line_end) == (7992, 8070)  # lines 7983-7990 are narrative
    rows = [
        (r.texts.get("一级指标"), r.texts.get("二级指标"), r.label, r.values["分值"], r.values["得分"])
        for r in table.rows
    ]
    assert rows == [
        ("决策", "项目立项", "立项依据充分性", 1.5, 1.5),
        ("决策", "项目立项", "立项程序规范性", 1.5, 1.5),
        ("决策", "绩效目标", "绩效目标合理性", 2.0, 2.0),
        ("决策", "绩效目标", "绩效指标明确性", 2.0, 2.0),
        ("决策", "资金投入", "预算编制科学性", 1.5, 1.5),
        ("决策", "资金投入", "资金分配合理性", 1.5, 1.5),
        ("过程", "资金管理", "资金到位率", 5.0, 1.95),
        ("过程", "资金管理", "预算执行率", 5.0, 5.0),
        ("过程", "资金管理", "资金使用合规性", 2.0, 2.0),
        ("过程", "组织实施", "管理制度健全性", 4.0, 4.0),
        ("过程", "组织实施", "制度执行有效性", 4.0, 4.0),
        ("产出", "产出数量", "实际完成率", 15.0, 14.37),
        ("产出", "产出质量", "质量达标率", 10.0, 8.14),
        ("产出", "产出时效", "完成及时性", 15.0, 15.0),
        ("产出", "产出成本", "成本节约率", None, None),  # —— ——
        ("效果", "项目效果", "实施效益", 15.0, 15.0),
        ("效果", "项目效果", "满意度", 15.0, 15.0),
    ]
    # the report states 综合评价得分94.46分 (line 7987)
    assert round(sum(r.values["得分"] or 0 for r in table.rows), 2) == 94.46
    assert round(sum(r.values["分值"] or 0 for r in table.rows), 2) == 100.0
    reasons = {r.label: r.texts.get("扣分原因") for r in table.rows}
    assert (
        reasons["资金到位率"]
        == "本年预算资金为 2400万元，实际到位资金为936万元。资金到位率为（936/2400）*100%=39%"
    )
    assert reasons["成本节约率"] == "无成本指标"
    assert reasons["预算执行率"] is None
    first = table.rows[6]
    assert corpus["000"].original(first.provenance["得分"]) == "1.95"
    assert first.provenance["扣分原因"].line_start == 8028
    assert first.provenance["扣分原因"].line_end == 8032


SYNTHETIC = (
    "说明文字。",
    "项目绩效自评得分情况汇总表",
    "",
    "项目名称\t分值\t得分\t等级",
    "甲项目\t100\t92.5\t优",
    "乙项目（二期\t100\t——\t",
    "工程）\t\t\t",
    "第三部分 附件",
    "其他\t1\t2",
)


def test_synthetic_titled_table_with_broken_row() -> None:
    text = "\n".join(SYNTHETIC)
    source = SourceText.from_text("s.txt", text, "0" * 64, "utf-8")
    [table] = extract_score_tables(source)
    assert table.title == "项目绩效自评得分情况汇总表"
    assert (table.line_start, table.line_end) == (2, 7)
    assert table.columns == ["项目名称", "分值", "得分", "等级"]
    assert [(r.label, r.values, r.texts) for r in table.rows] == [
        ("甲项目", {"分值": 100.0, "得分": 92.5}, {"等级": "优"}),
        ("乙项目（二期工程）", {"分值": 100.0, "得分": None, "等级": None}, {}),
    ]


def test_tab_table_without_score_column_is_ignored() -> None:
    text = "项目名称\t年初预算数\t执行率\n年度资金总额\t7,800.04\t100%\n"
    source = SourceText.from_text("s.txt", text, "0" * 64, "utf-8")
    assert extract_score_tables(source) == []
