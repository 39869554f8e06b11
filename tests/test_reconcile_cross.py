"""Cross-table rules on hand-built tables (figures typed from corpus 001, 002, 004)."""

from __future__ import annotations

from extractor.reconcile import reconcile, registry
from schemas import Finding, Table
from tests.helpers.tables_001 import (
    appropriation_001,
    basic_001,
    corpus_001_tables,
    expenditure_001,
    general_001,
    income_001,
    overview_001,
)
from tests.reconcile_builders import TableSpec, result


def run(*tables: Table, kind: str = "final_account") -> list[Finding]:
    rules = [r for r in registry() if r.family == "cross_table"]
    return reconcile(result(tables, kind=kind), rules)


def errors(findings: list[Finding], rule_id: str | None = None) -> list[Finding]:
    return [f for f in findings if f.severity == "error" and (rule_id is None or f.rule_id == rule_id)]


def test_001_tables_agree_across() -> None:
    findings = run(*corpus_001_tables())
    assert errors(findings) == []
    assert findings == []  # these figures agree to the cent


def test_expenditure_total_planted() -> None:
    found = errors(run(*corpus_001_tables(total="17946.95")))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [
        ("cross_table.expenditure_total", 17946.95, 17946.59)
    ]
    refs = [loc.ref for loc in found[0].locations]
    assert refs == ["公开03表 / 合计 / 本年支出合计", "公开01表 / 本年支出合计 / 决算数"]


def test_expenditure_class_planted() -> None:
    found = errors(run(*corpus_001_tables(class_201="14206.08")))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [
        ("cross_table.expenditure_classes", 14206.08, 14260.08)
    ]


def test_income_and_appropriation_totals_planted() -> None:
    tables = corpus_001_tables()
    tables[1] = income_001(total="17343.64")
    found = errors(run(*tables))
    assert [(f.rule_id, f.stated) for f in found] == [("cross_table.income_total", 17343.64)]


def test_general_budget_total_planted() -> None:
    tables = corpus_001_tables()
    tables[3] = appropriation_001(general_total="17741.80")
    found = errors(run(*tables))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [
        ("cross_table.general_budget", 17714.8, 17741.8)
    ]


def test_basic_split_planted_personnel() -> None:
    tables = corpus_001_tables()
    tables[4] = general_001(personnel="10569.94")
    found = errors(run(*tables))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [("cross_table.basic_split", 10569.94, 10596.94)]


def test_sangong_at_least_basic_line() -> None:
    tables = corpus_001_tables()
    tables[5] = basic_001(reception="760.12")  # more than the 三公 决算数 706.12
    found = errors(run(*tables))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [("cross_table.sangong_basic", 706.12, 760.12)]


def test_within_total_catches_general_budget_above_all_spending() -> None:
    tables = corpus_001_tables()
    spending = expenditure_001()
    row = spending.rows[4]  # 221 住房保障支出 756.71: 05 prints the same
    row.cells["本年支出合计"] = row.cells["本年支出合计"].model_copy(update={"value": 576.71})
    tables[2] = spending
    found = errors(run(*tables))
    assert ("cross_table.within_total", 576.71, 756.71) in [(f.rule_id, f.stated, f.expected) for f in found]


def test_budget_balance_002() -> None:
    """预算表2 and 预算表3 of corpus 002 both total 2,385.56."""
    income = TableSpec("预算表2", "收入总表(预算表2)", ["合计", "当年预算/小计", "当年预算/一般公共预算",
                                                   "上年结转结余/小计"])
    income.add("合计", "2,385.56", "1,995.86", "1,995.86", "389.70")
    spending = TableSpec("预算表3", "支出总表（预算表3）", ["合计", "基本支出", "项目支出"])
    spending.add("合计", "2,385.56", "964.33", "1,421.23")
    assert run(income.build(), spending.build(), kind="budget") == []
    spending.rows[0].cells["合计"] = spending.rows[0].cells["合计"].model_copy(update={"value": 2358.56})
    found = errors(run(income.build(), spending.build(), kind="budget"))
    assert [f.rule_id for f in found] == ["cross_table.budget_balance"]


def test_budget_general_budget_within_appropriation_002() -> None:
    """预算表4 prints 编制预算 | 上年结转 only, so 预算表5 (一般公共预算) may not exceed their sum:
    215 资源勘探工业信息等支出 1778.26 + 389.7 = 2167.96 (预算表5 line 255)."""
    appropriation = TableSpec("预算表4", "财政拨款收支总表(预算表 4)",
                              ["收入/编制预算", "收入/上年结转", "支出/编制预算", "支出/上年结转"])
    appropriation.add("一、本年支出", "1995.86", "389.7", side="支出")
    appropriation.add("十五、资源勘探工业信息等支出", "1778.26", "389.7", side="支出")
    general = TableSpec("预算表5", "本年一般公共预算支出表(预算表5)", ["合计", "基本支出/小计", "项目支出"])
    general.add("合计", "2,385.56", "964.33", "1,421.23")
    general.add("资源勘探工业信息等支出", "2,167.96", "746.73", "1,421.23", code="215")
    assert errors(run(appropriation.build(), general.build(), kind="budget")) == []
    general.rows[1].cells["合计"] = general.rows[1].cells["合计"].model_copy(update={"value": 2176.96})
    found = errors(run(appropriation.build(), general.build(), kind="budget"))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [("cross_table.general_budget", 2176.96, 2167.96)]


def test_appropriation_kinds_001() -> None:
    """一般公共预算财政拨款 income: 17321.91 on 公开01表 (line 112) and on 公开04表 (line 231)."""
    assert run(overview_001(), appropriation_001()) == []
    appropriation = appropriation_001()
    first = appropriation.rows[0]
    first.cells["收入/决算数"] = first.cells["收入/决算数"].model_copy(update={"value": 17312.91})
    found = errors(run(overview_001(), appropriation))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [
        ("cross_table.appropriation_kinds", 17312.91, 17321.91)
    ]


def test_appropriation_income_planted() -> None:
    """财政拨款收入 of 公开02表's 合计 (17321.91, line 143) is 公开04表's 本年收入合计 (line 237)."""
    income = TableSpec("公开02表", "收入决算表", ["本年收入合计", "财政拨款收入", "其他收入"])
    income.add("合计", "17334.64", "17321.91", "12.73")
    assert errors(run(income.build(), appropriation_001())) == []
    income.rows[0].cells["财政拨款收入"] = income.rows[0].cells["财政拨款收入"].model_copy(update={"value": 17312.91})
    found = errors(run(income.build(), appropriation_001()))
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [
        ("cross_table.appropriation_income", 17312.91, 17321.91)
    ]


def _appropriation_with_funds(fund: str, capital: str) -> Table:
    """A 财政拨款收支总表 whose 本年支出合计 row spends all three kinds of appropriation."""
    t = TableSpec("公开04表", "财政拨款收入支出决算总表",
                  ["收入/决算数", "支出/合计", "支出/一般公共预算财政拨款", "支出/政府性基金预算财政拨款",
                   "支出/国有资本经营预算财政拨款"])
    t.add("本年收入合计", "180.00", side="收入")
    t.add("本年支出合计", "180.00", "100.00", fund, capital, side="支出")
    return t.build()


def _fund_table(table_id: str, title: str, total: str) -> Table:
    t = TableSpec(table_id, title, ["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"])
    t.add("合计", total, "", total)
    return t.build()


def test_fund_and_state_capital_expenditure_planted() -> None:
    """政府性基金 (公开07表) and 国有资本经营 (公开08表) spending against their columns of 公开04表."""
    fund = _fund_table("公开07表", "政府性基金预算财政拨款收入支出决算表", "50.00")
    capital = _fund_table("公开08表", "国有资本经营预算财政拨款支出决算表", "30.00")
    assert errors(run(_appropriation_with_funds("50.00", "30.00"), fund, capital)) == []
    found = errors(run(_appropriation_with_funds("56.00", "3.00"), fund, capital))
    assert sorted((f.rule_id, f.stated, f.expected) for f in found) == [
        ("cross_table.fund_expenditure", 50.0, 56.0),
        ("cross_table.state_capital_expenditure", 30.0, 3.0),
    ]


def test_fund_tables_the_report_does_not_print_are_not_read_as_zero() -> None:
    missing = Table(id="公开07表", title="政府性基金预算财政拨款收入支出决算表", status="missing")
    assert errors(run(_appropriation_with_funds("56.00", "0.00"), missing)) == []
