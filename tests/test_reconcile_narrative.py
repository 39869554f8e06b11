"""Narrative rules on hand-built statements (wording and figures from corpus 001, 002, 004)."""

from __future__ import annotations

from extractor.reconcile import reconcile, registry
from schemas import Finding, FundRow, NarrativeParagraph, NarrativeStatement, PerformanceForm, Span, Table
from tests.helpers.tables_001 import corpus_001_tables
from tests.reconcile_builders import TableSpec, result, statement


def run(*statements: NarrativeStatement, tables: list[Table] | None = None, forms: list[PerformanceForm] | None = None,
        paragraphs: list[NarrativeParagraph] | None = None) -> list[Finding]:
    data = result(tables or [], forms or [], statements)
    data.narratives = paragraphs or []
    return reconcile(data, [r for r in registry() if r.family == "narrative"])


def flagged(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.severity) for f in findings if f.severity != "info"]


def test_change_pct_consistent_001() -> None:
    """001 line 1273: 收入总计 17334.64 万元, 减少 131.99 万元, 下降 0.8% (prior 17466.63: 0.756%)."""
    ok = statement("收入总计", amount=17334.64, change_amount=-131.99, change_pct=-0.8, direction="decrease")
    assert run(ok) == []


def test_change_pct_planted() -> None:
    bad = statement("收入总计", amount=17334.64, change_amount=-131.99, change_pct=-1.8, direction="decrease")
    found = run(bad)
    assert [(f.rule_id, f.stated) for f in found] == [("narrative.change_pct", -1.8)]
    assert round(found[0].expected or 0, 3) == -0.756


def test_change_pct_truncation_accepted() -> None:
    """3.6% for 430.34 / (12359.1 - 430.34) = 3.608%: rounding; 3.6 would also be a truncation."""
    assert run(statement("基本支出", amount=12359.1, change_amount=430.34, change_pct=3.6)) == []
    # 0.99 / (7.31 - 0.99) = 15.66%, but each printed figure may be off by 0.005, so the
    # ratio lies in [15.56%, 15.77%]: 15.5 (a truncation of 15.56) to 15.8 pass, 15.4 and 15.9 not.
    for printed, ok in ((15.7, True), (15.6, True), (15.5, True), (15.8, True), (15.4, False), (15.9, False)):
        findings = run(statement("因公出国（境）费", amount=7.31, change_amount=0.99, change_pct=printed))
        assert (findings == []) is ok, printed


def test_zero_prior_is_skipped() -> None:
    """004: 政府性基金 收入总计 700.00, 增加 700.00: prior 0, no percentage to judge."""
    assert run(statement("政府性基金预算财政拨款收入总计", amount=700.0, change_amount=700.0, change_pct=100.0)) == []


def test_completion_pct_001_and_planted() -> None:
    """001 line 1315: 年初预算 16483.96, 决算 17714.8, 完成年初预算的 107.5%."""
    ok = statement("一般公共预算财政拨款支出", amount=17714.8, budget_amount=16483.96, completion_pct=107.5)
    assert run(ok) == []
    bad = statement("一般公共预算财政拨款支出", amount=17714.8, budget_amount=16483.96, completion_pct=170.5)
    assert [f.rule_id for f in run(bad)] == ["narrative.completion_pct"]
    zero = statement("死亡抚恤", amount=242.48, budget_amount=0.0, completion_pct=100.0)
    assert run(zero) == []


def test_change_amount_against_prior() -> None:
    ok = statement("其他支出", amount=30.0, prior_amount=50.0, change_amount=-20.0, direction="decrease")
    assert run(ok) == []
    bad = statement("其他支出", amount=30.0, prior_amount=50.0, change_amount=-25.0, direction="decrease")
    assert [(f.rule_id, f.stated, f.expected) for f in run(bad)] == [("narrative.change_amount", -25.0, -20.0)]


def test_direction_contradiction_is_semantic() -> None:
    bad = statement("其他支出", amount=30.0, prior_amount=50.0, direction="increase")
    found = run(bad)
    assert [(f.rule_id, f.classification) for f in found] == [("narrative.direction", "semantic")]
    flat = statement("机关运行经费", amount=19.07, change_amount=0.04, direction="flat")
    assert [f.rule_id for f in run(flat)] == ["narrative.direction"]


def test_share_pct_with_whole_in_section() -> None:
    """001 line 1309: 17714.8 万元 in all; 一般公共服务支出 14044.58, 占 79.3%."""
    paragraphs = [NarrativeParagraph(id="p1309", section_path=["五"], text="…",
                                     span=Span(line_start=1309, line_end=1309, char_start=0, char_end=1))]
    whole = statement("一般公共预算财政拨款支出", paragraph="p1309", amount=17714.8)
    part = statement("一般公共服务支出", paragraph="p1309", amount=14044.58, share_pct=79.3)
    assert run(whole, part, paragraphs=paragraphs) == []
    wrong = statement("一般公共服务支出", paragraph="p1309", amount=14044.58, share_pct=97.3)
    found = run(whole, wrong, paragraphs=paragraphs)
    assert [(f.rule_id, f.severity, f.stated) for f in found] == [("narrative.share_pct", "warning", 97.3)]


def test_share_pct_whole_named_in_sentence() -> None:
    """001 line 1303: 17714.8 万元，占本年支出合计的 98.7% (本年支出合计 17946.59 in 公开01表)."""
    s = statement("一般公共预算财政拨款支出", amount=17714.8, share_pct=98.7,
                  evidence={"share_pct": "占本年支出合计的 98.7%"})
    assert run(s, tables=corpus_001_tables()) == []
    s = statement("一般公共预算财政拨款支出", amount=17714.8, share_pct=89.7,
                  evidence={"share_pct": "占本年支出合计的 89.7%"})
    assert [f.rule_id for f in run(s, tables=corpus_001_tables())] == ["narrative.share_pct"]


def test_table_amount_matches_rows_columns_and_synonyms() -> None:
    tables = corpus_001_tables()
    ok = [
        statement("收入总计", amount=17334.64),  # 本年收入合计 of 公开01表
        statement("基本支出", amount=12359.1),  # 合计 row of 公开03表, printed with one decimal
        statement("卫生健康支出", amount=763.46),
        statement("人员经费", amount=10596.94),
        statement("公务接待费", amount=706.12, budget_amount=729.09),
        statement("外事接待费支出", amount=0.0),  # not a 三公 item: not judged
        statement("一般公共预算财政拨款支出", amount=17714.8),
    ]
    assert [f for f in run(*ok, tables=tables) if f.severity != "info"] == []


def test_table_amount_planted_and_units() -> None:
    tables = corpus_001_tables()
    bad = statement("卫生健康支出", amount=736.46)
    found = run(bad, tables=tables)
    assert [(f.rule_id, f.severity, f.expected) for f in found] == [("narrative.table_amount", "warning", 763.46)]
    assert [loc.kind for loc in found[0].locations] == ["narrative", "table"]
    in_yuan = statement("卫生健康支出", amount=7634600.0, unit="元")
    assert run(in_yuan, tables=tables) == []


def test_table_amount_classification_path() -> None:
    """001 line 1317: 一般公共服务（类）…（款）行政运行（项） 支出决算为 6802.3 (公开05表 2010301)."""
    spec = TableSpec("公开05表", "一般公共预算财政拨款支出决算表", ["本年支出/小计"])
    spec.add("一般公共服务支出", "14044.58", code="201")
    spec.add("政府办公厅（室）及相关机构事务", "13957.84", code="20103")
    spec.add("行政运行", "6802.30", code="2010301")
    spec.add("人力资源和社会保障管理事务", "9.11", code="20801")
    spec.add("行政运行", "99.00", code="2080101")
    metric = "一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    assert run(statement(metric, amount=6802.3), tables=[spec.build()]) == []
    found = run(statement(metric, amount=99.0), tables=[spec.build()])
    assert [(f.rule_id, f.expected) for f in found] == [("narrative.table_amount", 6802.3)]


def test_form_amount_per_project_summary() -> None:
    """001 line 1403: 政府序列会议经费 全年预算数 50, 执行数 47.5 (form at line 394)."""
    form = PerformanceForm(kind="self_evaluation", title="项目支出绩效自评表", project_name="政府序列会议经费",
                           implementing_unit="吉林省人民政府办公厅（本级）", line_start=393, line_end=410,
                           funds=[FundRow(kind="annual_total", label="年度资金总额", initial_budget=100,
                                          full_year_budget=50, executed=47.5, execution_rate=95, score=7)])
    metric = "吉林省人民政府办公厅（本级）政府序列会议经费"
    assert run(statement(metric, amount=47.5, budget_amount=50.0), forms=[form]) == []
    found = run(statement(metric, amount=45.7, budget_amount=50.0), forms=[form])
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [("narrative.form_amount", 45.7, 47.5)]
    # Another unit's project of the same name is not this form.
    assert run(statement("吉林省人民政府驻北京办事处政府序列会议经费", amount=1.0), forms=[form]) == []


def test_ungrounded_statements_are_skipped() -> None:
    bad = statement("收入总计", amount=17334.64, change_amount=-131.99, change_pct=-9.9)
    bad.grounded = False
    assert run(bad) == []


def test_budget_verdict_follows_its_own_item() -> None:
    """000 lines 6236-6245: two items print the same 完成年初预算的 100%; the verdict after the
    second (年初预算为 0, 决算 19.86) is 决算数大于预算数, which is right."""
    text = ("支出决算为 308.13 万元，完成年初预算的 100%。决算数等于预算数。机关事业单位职业年金缴费支出（项）"
            "年初预算为 0 万元，支出决算为 19.86万元，完成年初预算的 100%。决算数大于预算数的主要原因是追加项目资金。")
    paragraphs = [NarrativeParagraph(id="p6236", text=text,
                                     span=Span(line_start=6236, line_end=6245, char_start=0, char_end=1))]

    def item(amount: float, verdict_budget: float) -> NarrativeStatement:
        return statement("机关事业单位职业年金缴费支出（项）", paragraph="p6236", amount=amount,
                         budget_amount=verdict_budget, evidence={
                             "budget_amount": f"年初预算为 {verdict_budget:g} 万元",
                             "amount": f"支出决算为 {amount:g}万元", "completion_pct": "完成年初预算的 100%"})

    assert run(item(19.86, 0), paragraphs=paragraphs) == []
    bad_text = text.replace("决算数大于预算数的主要原因", "决算数小于预算数的主要原因")
    paragraphs[0] = paragraphs[0].model_copy(update={"text": bad_text})
    found = run(item(19.86, 0), paragraphs=paragraphs)
    assert [(f.rule_id, f.classification, f.stated, f.expected) for f in found] == [
        ("narrative.budget_verdict", "semantic", 19.86, 0.0)
    ]


def test_budget_verdict_against_the_full_year_budget() -> None:
    """putuo_shgzb_2024_final page 18: 年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元 …
    决算数小于预算数: the verdict weighs the outturn against the full-year budget, not the
    年初预算 the statement holds; flipped to 大于 it is wrong."""
    text = ("一般公共预算财政拨款支出年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，"
            "完成年初预算的95.89%。决算数小于预算数的主要原因：人员经费支出数小于预算数。")
    paragraphs = [NarrativeParagraph(id="p272", text=text, span=Span(line_start=272, line_end=272, char_start=0,
                                                                      char_end=1))]
    item = statement("一般公共预算财政拨款支出", paragraph="p272", amount=307.82, budget_amount=0.0, evidence={
        "budget_amount": "年初预算为0万元", "amount": "支出决算为307.82万元", "completion_pct": "完成年初预算的95.89%"})
    assert run(item, paragraphs=paragraphs) == []
    flipped = paragraphs[0].model_copy(update={"text": text.replace("决算数小于预算数", "决算数大于预算数")})
    found = run(item, paragraphs=[flipped])
    assert [(f.rule_id, f.stated, f.expected) for f in found] == [("narrative.budget_verdict", 307.82, 321.02)]
