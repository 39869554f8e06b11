"""Table-family rules on hand-built tables (figures typed from corpus 001 / 002 / 004)."""

from __future__ import annotations

from extractor.reconcile import reconcile, registry
from schemas import Finding, Table
from tests.helpers.tables_001 import overview_001, sangong_001
from tests.reconcile_builders import TableSpec, result


def run(*tables: Table, rule_prefix: str = "table.") -> list[Finding]:
    rules = [r for r in registry() if r.id.startswith(rule_prefix)]
    return reconcile(result(tables), rules)


def errors(findings: list[Finding], rule_id: str | None = None) -> list[Finding]:
    return [f for f in findings if f.severity == "error" and (rule_id is None or f.rule_id == rule_id)]


def test_registry_lists_documented_rules_with_unique_ids() -> None:
    rules = registry()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    assert {"table.total_balance", "table.row_sum", "table.column_total", "table.code_hierarchy",
            "table.sangong", "table.missing"} <= set(ids)
    assert all(r.doc and r.reads and r.tolerance for r in rules)
    assert all(r.id.split(".")[0] == r.family for r in rules)


def test_overview_001_is_consistent() -> None:
    assert errors(run(overview_001())) == []


def test_total_balance_planted_error() -> None:
    found = errors(run(overview_001(grand_total_out="18969.91")), "table.total_balance")
    assert len(found) == 1
    assert found[0].stated == 18968.91 and found[0].expected == 18969.91
    assert found[0].difference == -1.0 and found[0].classification == "report_error"
    assert found[0].locations[0].ref == "公开01表 / 总计 / 决算数"


def test_side_items_and_side_total_catch_a_changed_subtotal() -> None:
    findings = run(overview_001(expenditure_total="17956.59"))
    items = errors(findings, "table.side_items")
    totals = errors(findings, "table.side_total")
    assert [f.stated for f in items] == [17956.59] and items[0].expected == 17946.59
    assert [f.difference for f in totals] == [-10.0]  # 总计 18968.91 vs 17956.59 + 0.20 + 1022.12


def general_budget_001(personnel_20805: str = "1887.42") -> Table:
    """Part of 公开05表 of corpus 001 (lines 256-266): class 201 whole, one 款 of 208; no 合计 row."""
    t = TableSpec("公开05表", "一般公共预算财政拨款支出决算表",
                  ["本年支出/小计", "本年支出/基本支出/小计", "本年支出/基本支出/人员 经费",
                   "本年支出/基本支出/公用 经费", "本年支出/项目支出"])
    t.add("一般公共服务支出", "14044.58", "8503.73", "6957.07", "1546.66", "5540.85", code="201")
    t.add("政府办公厅（室）及相关机构事务", "13957.84", "8503.73", "6957.07", "1546.66", "5454.12", code="20103")
    t.add("行政运行", "6802.30", "6802.30", "5409.15", "1393.16", "", code="2010301")
    t.add("一般行政管理事务", "4009.17", "", "", "", "4009.17", code="2010302")
    t.add("机关服务", "1686.15", "344.15", "284.93", "59.22", "1342.00", code="2010303")
    t.add("事业运行", "1357.27", "1357.27", "1262.99", "94.28", "", code="2010350")
    t.add("其他政府办公厅（室）及相关机构事务支出", "102.94", "", "", "", "102.94", code="2010399")
    t.add("商贸事务", "86.73", "", "", "", "86.73", code="20113")
    t.add("招商引资", "86.73", "", "", "", "86.73", code="2011308")
    t.add("行政事业单位养老支出", "1887.42", "1887.42", personnel_20805, "", "", code="20805")
    return t.build()


def test_row_sum_and_hierarchy_consistent_on_001_rows() -> None:
    findings = run(general_budget_001())
    assert errors(findings) == []
    # The report's own 尾数误差, each checked by hand: 8503.73 + 5454.12 = 13957.85;
    # 5409.15 + 1393.16 = 6802.31; 13957.84 + 86.73 = 14044.57; 20103's five 项 add to
    # 13957.83 (小计), 8503.72 (基本支出), 5454.11 (项目支出).
    rounding = [(f.rule_id, f.stated, f.expected) for f in findings if f.classification == "rounding"]
    assert rounding == [
        ("table.row_sum", 13957.84, 13957.85),
        ("table.row_sum", 6802.3, 6802.31),
        ("table.code_hierarchy", 14044.58, 14044.57),
        ("table.code_hierarchy", 13957.84, 13957.83),
        ("table.code_hierarchy", 8503.73, 8503.72),
        ("table.code_hierarchy", 5454.12, 5454.11),
    ]
    assert {f.severity for f in findings} == {"info"}


def test_row_sum_reports_001_20805_personnel_puzzle() -> None:
    """Corpus 001 prints 20805: 基本支出 1887.42, 人员经费 1805.13, 公用经费 empty."""
    found = errors(run(general_budget_001(personnel_20805="1805.13")), "table.row_sum")
    assert len(found) == 1
    assert found[0].stated == 1887.42 and found[0].expected == 1805.13
    assert found[0].locations[0].ref == "公开05表 / 20805 行政事业单位养老支出 / 本年支出/基本支出/小计"


def test_column_total_planted_error_in_total_row() -> None:
    # Only one class is kept, so 合计 of the full report would not add up; build a small table.
    t = TableSpec("公开03表", "支出决算表", ["本年支出合计", "基本支出", "项目支出"])
    t.add("合计", "1100.00", "700.00", "400.00")
    t.add("一般公共服务支出", "600.00", "300.00", "300.00", code="201")
    t.add("住房保障支出", "500.00", "400.00", "100.00", code="221")
    assert errors(run(t.build())) == []
    t.rows[0].cells["基本支出"] = t.rows[0].cells["基本支出"].model_copy(update={"value": 710.0, "text": "710.00"})
    found = run(t.build())
    assert {f.rule_id for f in errors(found)} == {"table.column_total", "table.row_sum"}
    column = errors(found, "table.column_total")[0]
    assert (column.stated, column.expected, column.difference) == (710.0, 700.0, 10.0)


def test_code_hierarchy_flags_class_that_does_not_add_up() -> None:
    t = TableSpec("公开02表", "收入决算表", ["本年收入合计", "财政拨款收入"])
    t.add("卫生健康支出", "714.94", "714.94", code="210")
    t.add("行政事业单位医疗", "714.94", "714.94", code="21011")
    t.add("行政单位医疗", "567.72", "567.72", code="2101101")
    t.add("事业单位医疗", "147.32", "147.22", code="2101102")  # planted: 147.32
    found = errors(run(t.build()), "table.code_hierarchy")
    assert [(f.stated, f.expected) for f in found] == [(714.94, 715.04)]
    assert "21011" in found[0].locations[0].ref


def test_empty_and_missing_tables_are_not_checked() -> None:
    missing = TableSpec("公开07表", "政府性基金预算财政拨款收入支出决算表", ["本年收入"], status="missing").build()
    broken = TableSpec("公开03表", "支出决算表", ["本年支出合计", "基本支出", "项目支出"], status="empty")
    broken.add("合计", "1.00", "5.00", "9.00")
    findings = run(missing, broken.build())
    assert [(f.rule_id, f.severity) for f in findings] == [("table.missing", "info")]
    assert findings[0].locations[0].ref == "公开07表"


def basic_detail_004(personnel_total: str = "634.30") -> Table:
    """公开06表 of corpus 004 (lines 296-325), classes and their filled items."""
    t = TableSpec("公开06表", "一般公共预算财政拨款基本支出决算明细表", ["决算数"])
    t.add("工资福利支出", "321.09", code="301")
    for code, value in (("30101", "123.61"), ("30102", "39.40"), ("30103", "10.93"), ("30107", "32.13"),
                        ("30108", "31.92"), ("30109", "39.52"), ("30110", "12.97"), ("30112", "7.87"),
                        ("30113", "22.73")):
        t.add("item", value, code=code)
    t.add("商品和服务支出", "23.57", code="302")
    for code, value in (("30201", "4.00"), ("30207", "0.50"), ("30211", "1.00"), ("30228", "0.30"),
                        ("30229", "1.52"), ("30231", "7.50"), ("30239", "6.75"), ("30299", "1.99")):
        t.add("item", value, code=code)
    t.add("对个人和家庭的补助", "313.21", code="303")
    for code, value in (("30301", "88.94"), ("30302", "101.71"), ("30304", "97.81"), ("30305", "22.75"),
                        ("30309", "2.00")):
        t.add("item", value, code=code)
    t.add("资本性支出(基本建设)", "——", code="309")
    t.add("公务用车购置", "——", code="30913")
    t.add("人员经费合计", personnel_total)
    t.add("公用经费合计", "23.57")
    return t.build()


def test_basic_split_004_consistent_and_planted() -> None:
    assert errors(run(basic_detail_004())) == []
    found = errors(run(basic_detail_004("643.30")), "table.basic_split")
    assert [(f.stated, f.expected) for f in found] == [(643.3, 634.3)]


def test_sangong_columns_001() -> None:
    assert errors(run(sangong_001())) == []
    found = errors(run(sangong_001("1055.82")), "table.sangong")
    assert [(f.stated, f.expected) for f in found] == [(1055.82, 1055.28)]
    assert found[0].locations[0].ref == f"公开09表 / line {found[0].locations[0].line_start} / 决算数/合计"


def test_sangong_rows_002_budget() -> None:
    """一般公共预算"三公"经费支出表 of corpus 002 (lines 372-379), items as rows."""
    t = TableSpec("预算表7", "一般公共预算“三公”经费支出表", ["2024年预算数"])
    t.add("合 计", "11.19")
    t.add("1、因公出国（境）费用", "")
    t.add("2、公务接待费", "9.39")
    t.add("3、公务用车费", "1.8")
    t.add("其中：（1）公务用车运行维护费", "1.8")
    t.add("（2）公务用车购置", "")
    assert errors(run(t.build())) == []
    t.rows[2].cells["2024年预算数"] = t.rows[2].cells["2024年预算数"].model_copy(update={"value": 9.93})
    found = errors(run(t.build()), "table.sangong")
    assert [(f.stated, f.expected) for f in found] == [(11.19, 11.73)]


def test_budget_appropriation_overview_002_rounding_is_info() -> None:
    """预算表4 of corpus 002: 支出 classes 95.2 + 51.01 + 1778.26 + 71.4 = 1995.87 vs 1995.86."""
    t = TableSpec("预算表4", "财政拨款收支总表(预算表 4)",
                  ["收入/编制预算", "收入/上年结转", "支出/编制预算", "支出/上年结转"])
    t.add("一、本年收入", "1,995.86", "389.70", side="收入")
    t.add("一、本年支出", "1995.86", "389.7", side="支出")
    t.add("一般公共预算拨款", "1,995.86", "389.70", side="收入")
    t.add("八、社会保障和就业支出", "95.2", "", side="支出")
    t.add("十、卫生健康支出", "51.01", "", side="支出")
    t.add("十五、资源勘探工业信息等支出", "1778.26", "389.7", side="支出")
    t.add("二十、住房保障支出", "71.4", "", side="支出")
    t.add("二、上年结转", "", "", side="收入")
    t.add("二、结转下年支出", "", "", side="支出")
    t.add("收入总计", "1995.86", "389.7", side="收入")
    t.add("支出总计", "1995.86", "389.7", side="支出")
    findings = run(t.build())
    assert errors(findings) == []
    rounding = [f for f in findings if f.classification == "rounding"]
    assert [(f.rule_id, f.stated, f.expected, f.severity) for f in rounding] == [
        ("table.side_items", 1995.86, 1995.87, "info")
    ]


def test_unreadable_cell_is_classified_as_extraction() -> None:
    t = TableSpec("公开03表", "支出决算表", ["本年支出合计", "基本支出", "项目支出"])
    t.add("社会保障和就业支出", "262.09", "262.O9", "", code="208")  # letter O: unreadable
    found = errors(run(t.build()), "table.row_sum")
    assert [f.classification for f in found] == ["extraction"]


def test_column_shift_is_classified_as_extraction() -> None:
    t = TableSpec(
        "公开05表", "一般公共预算财政拨款支出决算表", ["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"]
    )
    # 项目支出 read one column to the left: 基本支出 slot holds 项目支出, the total is unchanged.
    row = t.add("资源勘探工业信息等支出", "4279.83", "3919.76", "", code="215")
    row.cells["extra"] = row.cells["本年支出/小计"].model_copy(update={"value": 360.07, "text": "360.07"})
    found = errors(run(t.build()), "table.row_sum")
    assert [f.classification for f in found] == ["extraction"]


def test_a_failing_rule_is_reported_not_raised() -> None:
    from extractor.reconcile import Reporter, rule
    from extractor.reconcile.engine import Context

    @rule("table.test_broken", reads="nothing", tolerance="none")
    def broken(ctx: Context, out: Reporter) -> None:
        """Always fails."""
        raise KeyError("odd input")

    findings = reconcile(result([]), [broken])
    assert [(f.rule_id, f.severity, f.classification) for f in findings] == [
        ("table.test_broken", "warning", "extraction")
    ]
    assert "KeyError" in findings[0].message
