"""Quantitative statements from 情况说明 prose: exact values hand-checked against the corpus text."""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.narrative import extract_paragraphs, extract_statements
from schemas import NarrativeStatement
from tests.helpers.narrative import paragraph_of


@pytest.fixture(scope="module")
def statements(corpus: dict[str, SourceText]) -> dict[str, list[NarrativeStatement]]:
    return {key: extract_statements(extract_paragraphs(source)) for key, source in corpus.items()}


def find(items: list[NarrativeStatement], line: int, metric: str) -> NarrativeStatement:
    """The statement about ``metric`` whose name is printed on source line ``line``."""
    found = [s for s in items if s.metric == metric and s.provenance["metric"].line_start == line]
    assert len(found) == 1, [
        (s.provenance["metric"].line_start, s.metric) for s in items if s.metric == metric
    ]
    return found[0]


def on_lines(items: list[NarrativeStatement], first: int, last: int) -> list[NarrativeStatement]:
    """The statements with any quote on source lines ``first``..``last``."""
    return [
        s
        for s in items
        if any(span.line_start <= last and span.line_end >= first for span in s.provenance.values())
    ]


def values(statement: NarrativeStatement) -> dict[str, object]:
    keep = ("amount", "unit", "prior_amount", "change_amount", "change_pct", "direction", "share_pct")
    keep += ("completion_pct", "budget_amount", "reasons")
    return {k: getattr(statement, k) for k in keep if getattr(statement, k) not in (None, [])}


# -- 001 吉林省人民政府办公厅 --------------------------------------------------------


def test_001_basic_and_project_expenditure_in_one_sentence(statements: dict) -> None:
    basic = find(statements["001"], 1288, "基本支出")
    assert values(basic) == {
        "amount": 12359.1,
        "unit": "万元",
        "change_amount": 430.34,
        "change_pct": 3.6,
        "direction": "increase",
        "reasons": ["人员经费增加"],
    }
    assert basic.evidence["amount"] == "基本支出 12359.1 万元"
    assert basic.evidence["change_pct"] == "增长 3.6%"
    assert basic.provenance["amount"].line_start == 1288
    project = find(statements["001"], 1288, "项目支出")
    assert values(project) == {
        "amount": 5587.49,
        "unit": "万元",
        "change_amount": -287.15,
        "change_pct": -4.9,
        "direction": "decrease",
        "reasons": ["按照省委省政府过紧日子工作要求，压减一般性支出预算"],
    }
    assert values(find(statements["001"], 1288, "本年支出合计")) == {"amount": 17946.59, "unit": "万元"}


def test_001_flat_items_with_zero(statements: dict) -> None:
    for metric in ("上缴上级支出", "经营支出", "对附属单位补助支出"):
        flat = find(statements["001"], 1288, metric)
        assert values(flat) == {"amount": 0.0, "unit": "万元", "direction": "flat"}
        assert flat.evidence["direction"] == "与上年持平"


def test_001_totals_restated_in_the_next_sentence_share_one_colon_reason(statements: dict) -> None:
    income = find(statements["001"], 1273, "收入总计")
    spending = find(statements["001"], 1273, "支出总计")
    # "主要原因：…导致收入减少；人员经费增加，导致支出增加": each clause goes to the total it names.
    assert values(income) == {
        "amount": 17334.64,
        "unit": "万元",
        "change_amount": -131.99,
        "change_pct": -0.8,
        "direction": "decrease",
        "reasons": ["按照省委省政府过紧日子工作要求，压减一般性支出预算，导致收入减少"],
    }
    assert values(spending) == {
        "amount": 17946.59,
        "unit": "万元",
        "change_amount": 143.19,
        "change_pct": 0.8,
        "direction": "increase",
        "reasons": ["人员经费增加，导致支出增加"],
    }


def test_001_general_budget_share_and_change(statements: dict) -> None:
    general = find(statements["001"], 1303, "一般公共预算财政拨款支出")
    assert values(general) == {
        "amount": 17714.8,
        "unit": "万元",
        "share_pct": 98.7,
        "change_amount": 184.75,
        "change_pct": 1.1,
        "direction": "increase",
        "reasons": ["按照省委省政府过紧日子工作要求，压减一般性支出预算，导致收入减少"],
    }
    assert general.evidence["share_pct"] == "占本年支出合计的 98.7%"


def test_001_structure_shares(statements: dict) -> None:
    service = find(statements["001"], 1307, "一般公共服务支出")
    assert values(service) == {"amount": 14044.58, "unit": "万元", "share_pct": 79.3}
    housing = find(statements["001"], 1307, "住房保障支出")
    assert values(housing) == {"amount": 756.71, "unit": "万元", "share_pct": 4.3}


def test_001_budget_actual_completion(statements: dict) -> None:
    total = find(statements["001"], 1313, "一般公共预算财政拨款支出")
    assert values(total) == {
        "budget_amount": 16483.96,
        "amount": 17714.8,
        "unit": "万元",
        "completion_pct": 107.5,
    }
    item = find(
        statements["001"], 1315, "一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    )
    assert values(item) == {
        "budget_amount": 6008.71,
        "amount": 6802.3,
        "unit": "万元",
        "completion_pct": 113.2,
        "reasons": ["执行中追加人员经费"],
    }
    assert item.evidence["budget_amount"] == "年初预算为 6008.71 万元"
    assert item.evidence["amount"] == "支出决算为 6802.3 万元"
    assert item.evidence["completion_pct"] == "完成年初预算的 113.2%"


def test_001_three_public_costs(statements: dict) -> None:
    total = find(statements["001"], 1371, "“三公”经费财政拨款支出")
    assert values(total) == {
        "budget_amount": 1093.88,
        "amount": 1055.28,
        "unit": "万元",
        "completion_pct": 96.5,
        "change_amount": 10.68,
        "change_pct": 1.0,
        "direction": "increase",
        "reasons": [
            "因工作需要，接待业务与出国任务增加，相关费用支出增加",
            "按照省委省政府过紧日子工作要求，减少相关费用支出",
        ],
    }
    abroad = find(statements["001"], 1375, "因公出国（境）费")
    # "决算数与预算数一致" compares with the budget, not with last year: not "flat".
    assert values(abroad) == {
        "budget_amount": 7.31,
        "amount": 7.31,
        "unit": "万元",
        "completion_pct": 100.0,
        "change_amount": 0.99,
        "change_pct": 15.7,
        "direction": "increase",
        "reasons": ["因工作需要，出国任务增加，相关费用增加"],
    }
    reception = find(statements["001"], 1385, "公务接待费")
    assert (reception.amount, reception.change_amount, reception.change_pct) == (706.12, -2.92, -0.4)
    assert reception.provenance["amount"].line_start == 1385
    # "主要是主要用于机要文件交换…" says what the money was for, not why it changed.
    assert find(statements["001"], 1383, "公务用车运行维护费支出").reasons == []


def test_001_change_wrapped_over_two_lines(statements: dict) -> None:
    cars = find(statements["001"], 1377, "公务用车购置及运行费")
    assert (cars.change_amount, cars.change_pct, cars.reasons[0]) == (12.62, 3.8, "公务用车数量增加")
    assert cars.provenance["change_amount"].line_start == 1377
    assert cars.provenance["change_pct"].line_start == 1379


def test_001_operating_costs_and_procurement(statements: dict) -> None:
    running = find(statements["001"], 1599, "机关运行经费支出")
    assert values(running) == {
        "amount": 1393.16,
        "unit": "万元",
        "change_amount": -67.49,
        "change_pct": -4.6,
        "direction": "decrease",
        "reasons": ["按照省委省政府过紧日子工作要求，减少一般性支出"],
    }
    smes = find(statements["001"], 1603, "授予中小企业合同金额")
    assert values(smes) == {"amount": 83.0, "unit": "万元", "share_pct": 18.1}
    goods = find(statements["001"], 1603, "货物采购授予中小企业合同金额")
    assert values(goods) == {"share_pct": 0.0}


def test_001_project_self_evaluation_summary(statements: dict) -> None:
    meeting = find(statements["001"], 1403, "吉林省人民政府办公厅（本级）政府序列会议经费")
    assert values(meeting) == {"budget_amount": 50.0, "amount": 47.5, "unit": "万元", "completion_pct": 95.0}
    # "28. …政务服务工作保障。绩效自评情况：": the name stands in the sentence before.
    shanghai = find(statements["001"], 1483, "吉林省人民政府驻上海办事处（本级）政务服务工作保障")
    assert (shanghai.budget_amount, shanghai.amount) == (400.0, 400.0)


def test_001_statements_only_from_the_narrative(statements: dict) -> None:
    # Lines before 1273 are the tables and forms; the 情况说明 starts at 1273.
    assert statements["001"]
    assert min(min(span.line_start for span in s.provenance.values()) for s in statements["001"]) >= 1273


def test_001_no_statement_from_garbled_or_non_money_figures(statements: dict) -> None:
    items = statements["001"]
    # "项目全年预算数为 100 万元，完成预算的 99.87 万元": a garbled sentence, no amount read from it.
    assert not [s for s in items if s.amount == 99.87]
    # "公众咨询量增长 15%" is not about money.
    assert not [s for s in items if "咨询量" in s.metric]
    assert all(s.grounded and s.source == "rules" for s in items)


# -- 000 长春市工业和信息化局 ----------------------------------------------------------


def test_000_totals_over_three_sentences(statements: dict) -> None:
    total = find(statements["000"], 6136, "收、支总计")
    assert values(total) == {
        "amount": 68580.63,
        "unit": "万元",
        "change_amount": 31191.05,
        "change_pct": 83.42,
        "direction": "increase",
        "reasons": ["2024 年度产业政策资金增加"],
    }
    assert total.evidence["amount"] == "收、支总计均为 68580.63 万元"
    assert total.evidence["change_amount"] == "增加 31191.05 万元"
    assert [total.provenance[k].line_start for k in ("amount", "change_amount", "reasons[0]")] == [
        6136,
        6138,
        6140,
    ]


def test_000_decrease_written_as_jianshao_percent(statements: dict) -> None:
    basic = find(statements["000"], 6156, "基本支出")
    assert (basic.amount, basic.change_amount, basic.change_pct, basic.direction) == (
        4513.66,
        -360.72,
        -7.4,
        "decrease",
    )
    assert basic.evidence["change_pct"] == "减少 7.4%"


def test_000_structure_shares_across_wrapped_lines(statements: dict) -> None:
    defence = find(statements["000"], 6189, "国防支出")
    assert values(defence) == {"amount": 1935.0, "unit": "万元", "share_pct": 3.29}
    resources = find(statements["000"], 6195, "资源勘探工业信息等支出")
    assert values(resources) == {"amount": 53561.68, "unit": "万元", "share_pct": 91.17}
    assert (resources.provenance["share_pct"].line_start, resources.provenance["share_pct"].line_end) == (
        6195,
        6197,
    )


def test_000_item_name_wrapped_into_the_paragraph(statements: dict) -> None:
    item = find(statements["000"], 6207, "一般公共服务（类）发展与改革事务（款）其他发展与改革事务支出（项）")
    assert values(item) == {
        "budget_amount": 35.0,
        "amount": 34.96,
        "unit": "万元",
        "completion_pct": 99.89,
        "reasons": ["正常执行项目"],
    }
    assert (item.provenance["amount"].line_start, item.provenance["amount"].line_end) == (6209, 6211)


def test_000_zero_change_written_as_increase_is_flat(statements: dict) -> None:
    abroad = find(statements["000"], 6398, "因公出国（境）费")
    assert values(abroad) == {
        "budget_amount": 0.0,
        "amount": 0.0,
        "unit": "万元",
        "completion_pct": 0.0,
        "change_amount": 0.0,
        "change_pct": 0.0,
        "direction": "flat",
    }
    assert abroad.evidence["change_amount"] == "增加 0 万元"


def test_000_three_public_costs_and_operating_costs(statements: dict) -> None:
    total = find(statements["000"], 6388, "“三公”经费财政拨款支出")
    assert values(total) == {
        "budget_amount": 21.57,
        "amount": 3.11,
        "unit": "万元",
        "completion_pct": 14.42,
        "change_amount": -0.74,
        "change_pct": -19.22,
        "direction": "decrease",
        "reasons": ["过紧日子"],
    }
    running = find(statements["000"], 7022, "机关运行经费支出")
    assert (running.amount, running.change_amount, running.change_pct) == (322.96, -1.16, -0.36)
    assert running.evidence["change_amount"] == "减少1.16万元"  # "减" and "少" stand on two lines
    assert (running.provenance["change_amount"].line_start, running.provenance["change_amount"].line_end) == (
        7022,
        7024,
    )


def test_000_no_statement_from_thresholds_forms_or_score_sheets(statements: dict) -> None:
    items = statements["000"]
    assert not on_lines(items, 7053, 7053)  # "单位价值 100 万元（含）以上设备": a threshold
    assert not on_lines(items, 6379, 6379)  # "我单位无政府性基金预算财政拨款收入支出。"
    assert not on_lines(items, 7992, 8072)  # a score sheet flowed into the text
    assert not on_lines(items, 4760, 4775)  # a performance form's cost indicator "年度指标 28.13 万元"


# -- 004 怀仁市工业和信息化局 ----------------------------------------------------------


def test_004_two_totals_with_the_same_quotes(statements: dict) -> None:
    income = find(statements["004"], 430, "收入总计")
    spending = find(statements["004"], 430, "支出总计")
    for item in (income, spending):
        assert values(item) == {
            "amount": 5307.63,
            "unit": "万元",
            "change_amount": 1257.55,
            "change_pct": 31.05,
            "direction": "increase",
            "reasons": [
                "2024年新增怀仁市全域多行业视频智能监管服务费700万元和政府性基金支出破产企业职工安置费700万元"
            ],
        }
        assert item.evidence["change_amount"] == "增加1,257.55万元"
    # Same words, different places.
    assert income.provenance["change_amount"].char_start < spending.provenance["change_amount"].char_start


def test_004_functional_items_with_change_in_the_next_sentence(statements: dict) -> None:
    health = find(statements["004"], 478, "卫生健康支出")
    assert values(health) == {
        "budget_amount": 13.14,
        "amount": 12.97,
        "unit": "万元",
        "completion_pct": 98.71,
        "change_amount": -1.1,
        "change_pct": -7.82,
        "direction": "decrease",
        "reasons": ["2024年我部门在职职工减少1人，医疗保险基金支出减少"],
    }
    other = find(statements["004"], 484, "其他支出")
    assert (other.budget_amount, other.amount, other.completion_pct) == (0.0, 30.0, None)
    assert (other.change_amount, other.change_pct) == (-20.0, -40.0)


def test_004_thousands_separators_and_shares(statements: dict) -> None:
    resources = find(statements["004"], 464, "资源勘探工业信息等支出(类)")
    assert values(resources) == {"amount": 4279.83, "unit": "万元", "share_pct": 92.89}
    assert resources.evidence["share_pct"] == "占比92.89%"


def test_004_three_public_costs_unchanged(statements: dict) -> None:
    total = find(statements["004"], 506, "“三公”经费财政拨款支出")
    assert values(total) == {
        "budget_amount": 7.5,
        "amount": 7.5,
        "unit": "万元",
        "completion_pct": 100.0,
        "direction": "flat",
    }
    abroad = find(statements["004"], 508, "因公出国（境）费支出")
    assert values(abroad) == {
        "amount": 0.0,
        "unit": "万元",
        "direction": "flat",
        "reasons": ["近2年我部门都无因公出国（境）费支出"],
    }


def test_004_operating_costs_and_malformed_figures(statements: dict) -> None:
    running = find(statements["004"], 530, "机关运行经费支出")
    assert values(running) == {
        "amount": 19.07,
        "unit": "万元",
        "change_amount": -0.04,
        "change_pct": -0.21,
        "direction": "decrease",
        "reasons": ["落实过紧日子要求压减支出0.04万元"],
    }
    # "2023 年“三公”经费预算 7.496,5 万元" is not a readable number.
    assert not on_lines(statements["004"], 702, 703)


# -- 002 延边州工业和信息化局 (budget) --------------------------------------------------


def test_002_budget_year_on_year(statements: dict) -> None:
    current = find(statements["002"], 674, "当年预算")
    assert values(current) == {
        "amount": 1995.86,
        "unit": "万元",
        "change_amount": -112.7,
        "direction": "decrease",
        "reasons": ["项目资金规模减少"],
    }
    assert values(find(statements["002"], 674, "上年结转")) == {"amount": 389.7, "unit": "万元"}


def test_002_three_public_costs_equal_and_lower(statements: dict) -> None:
    reception = find(statements["002"], 716, "公务接待费")
    assert values(reception) == {"amount": 9.39, "unit": "万元", "direction": "flat"}
    assert reception.evidence["direction"] == "和 2023 年预算数相等"
    upkeep = find(statements["002"], 718, "公务用车运行维护费")
    assert values(upkeep) == {
        "amount": 1.8,
        "unit": "万元",
        "change_amount": -1.0,
        "direction": "decrease",
        "reasons": ["压缩此项支出"],
    }
    total = find(statements["002"], 712, "“三公”经费预算数")
    assert (total.amount, total.change_amount) == (11.19, -1.0)


def test_002_commissioned_services_and_running_costs(statements: dict) -> None:
    commissioned = find(statements["002"], 740, "委托业务费")
    assert values(commissioned) == {
        "amount": 0.0,
        "unit": "万元",
        "change_amount": -199.8,
        "change_pct": -100.0,
        "direction": "decrease",
        "reasons": ["本年度规范使用该科目"],
    }
    running = find(statements["002"], 732, "机关运行经费财政拨款预算")
    assert (running.amount, running.change_amount, running.change_pct) == (112.38, -11.5, -9.0)


# -- synthetic phrasings of the family ---------------------------------------------------


def test_amounts_in_yuan_keep_their_unit() -> None:
    (item,) = extract_statements(
        [paragraph_of("机关运行经费支出3,215.50元，比上年减少120元，下降3.6%，主要是压减办公费。")]
    )
    assert values(item) == {
        "amount": 3215.5,
        "unit": "元",
        "change_amount": -120.0,
        "change_pct": -3.6,
        "direction": "decrease",
        "reasons": ["压减办公费"],
    }


@pytest.mark.parametrize(
    ("text", "pct", "direction"),
    [
        ("培训费 12 万元，同比增长 5%。", 5.0, "increase"),
        ("培训费 12 万元，较上年增幅为 5%。", 5.0, "increase"),
        ("培训费 12 万元，比2023年度上升 2.5%。", 2.5, "increase"),
        ("培训费 12 万元，比上年降幅 3.2%。", -3.2, "decrease"),
        ("培训费 12 万元，较上年降低 3.2%。", -3.2, "decrease"),
    ],
)
def test_percent_change_phrasings(text: str, pct: float, direction: str) -> None:
    (item,) = extract_statements([paragraph_of(text)])
    assert (item.metric, item.amount, item.change_pct, item.direction) == ("培训费", 12.0, pct, direction)


def test_flat_phrasing_and_prior_amount() -> None:
    flat, prior = extract_statements(
        [
            paragraph_of("差旅费 3 万元，较上年持平。"),
            paragraph_of("项目支出 120 万元，上年为 100 万元，比上年增加 20 万元。"),
        ]
    )
    assert (flat.metric, flat.direction, flat.change_amount) == ("差旅费", "flat", None)
    assert (prior.metric, prior.amount, prior.prior_amount, prior.change_amount) == (
        "项目支出",
        120.0,
        100.0,
        20.0,
    )
    assert prior.evidence["prior_amount"] == "上年为 100 万元"


def test_no_statement_without_a_figure_or_a_comparison() -> None:
    assert extract_statements([paragraph_of("本单位无政府性基金预算财政拨款收入支出。")]) == []
    assert extract_statements([paragraph_of("主要原因是人员经费增加，相关支出增加。")]) == []
    # An increase with no 比上年/同比 in sight is not a year-on-year change.
    (item,) = extract_statements([paragraph_of("项目支出 50 万元，其中追加预算增加 10 万元。")])
    assert (item.metric, item.change_amount, item.direction) == ("项目支出", None, None)
    # Rates and thresholds are not amounts.
    assert extract_statements([paragraph_of("按每人每月500元标准发放，单价50万元及以上的设备0台。")]) == []


def test_completion_phrasings_and_budget_share_is_not_a_share() -> None:
    first, second = extract_statements(
        [
            paragraph_of("培训费年初预算为 20 万元，支出决算为 18 万元，为年初预算的 90%。"),
            paragraph_of("会议费年初预算 10 亿元，支出决算 12 亿元，占年初预算的 120%。"),
        ]
    )
    assert values(first) == {"budget_amount": 20.0, "amount": 18.0, "unit": "万元", "completion_pct": 90.0}
    assert values(second) == {"budget_amount": 10.0, "amount": 12.0, "unit": "亿元", "completion_pct": 120.0}


def test_change_written_as_zengjiae_and_units_never_mixed() -> None:
    (item,) = extract_statements([paragraph_of("差旅费 12 万元，比上年增加额为 2 万元，增长 20%。")])
    assert (item.change_amount, item.change_pct, item.evidence["change_amount"]) == (
        2.0,
        20.0,
        "增加额为 2 万元",
    )
    # A change printed in 元 for an amount in 万元 is left out rather than converted.
    (mixed,) = extract_statements([paragraph_of("差旅费 12 万元，比上年增加 2000 元。")])
    assert (mixed.amount, mixed.unit, mixed.change_amount, mixed.direction) == (12.0, "万元", None, None)


def test_zero_change_is_flat() -> None:
    (item,) = extract_statements([paragraph_of("因公出国（境）费 0 万元，较上年增加 0 万元，增长 0%。")])
    assert (item.change_amount, item.change_pct, item.direction) == (0.0, 0.0, "flat")
