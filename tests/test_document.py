"""Document identity, parts and narrative paragraphs on the corpus."""

import pytest

from extractor.document.identity import describe
from extractor.document.segment import heading_of, toc_end
from extractor.narrative import extract_paragraphs


@pytest.mark.parametrize(
    ("key", "department", "year", "kind"),
    [
        ("000", "长春市工业和信息化局", 2024, "final_account"),
        ("001", "吉林省人民政府办公厅", 2024, "final_account"),
        ("002", "延边朝鲜族自治州工业和信息化局", 2024, "budget"),
        ("004", "怀仁市工业和信息化局", 2024, "final_account"),
    ],
)
def test_identity(corpus, key, department, year, kind) -> None:
    info = describe(corpus[key])
    assert (info.department, info.year, info.kind, info.currency_unit) == (department, year, kind, "万元")
    assert len(info.sha256) == 64


def test_parts_skip_the_table_of_contents(corpus) -> None:
    parts = describe(corpus["004"]).parts
    assert [(p.title, p.role, p.span.line_start) for p in parts] == [
        ("第一部分 概况", "overview", 37),
        ("第二部分 2024年部门决算表", "tables", 51),
        ("第三部分 情况说明", "explanation", 426),
        ("第四部分 名词解释", "glossary", 552),
        ("第五部分 附件", "self_evaluation", 569),
    ]
    assert toc_end(corpus["001"]) == 45
    assert toc_end(corpus["000"]) == 0  # 000 prints no contents


def test_headings_versus_list_items() -> None:
    assert heading_of("一、收入支出决算总体情况说明") == 1
    assert heading_of("（一）一般公共预算财政拨款支出决算总体情况") == 2
    assert heading_of("(一) 负责省政府会议的准备工作；负责省政府领导公务活动和公务接待工作。") is None
    assert heading_of("第三部分 情况说明") == 0
    assert heading_of("本年支出合计 17946.59 万元") is None


def test_line_flow_paragraphs_are_reflowed_with_their_section(corpus) -> None:
    paragraphs = {p.model.id: p for p in extract_paragraphs(corpus["000"])}
    p = paragraphs["p6136"]
    assert p.model.section_path == ["第三部分 2024 年度部门决算情况说明", "一、收入支出决算总体情况说明"]
    assert p.model.text == (
        "2024 年度收、支总计均为 68580.63 万元。与 2023 年度相比，收、支总计各增加 31191.05 万元，"
        "增长 83.42%。主要原因：2024 年度产业政策资金增加。"
    )
    start = p.model.text.index("31191.05")
    span = p.span(start, start + len("31191.05"))
    assert corpus["000"].original(span) == "31191.05"
    assert span.line_start == 6138


def test_paragraph_span_across_a_line_break(corpus) -> None:
    paragraphs = {p.model.id: p for p in extract_paragraphs(corpus["000"])}
    p = paragraphs["p6156"]
    start = p.model.text.index("4513.66万元")
    span = p.span(start, start + len("4513.66万元"))
    assert (span.line_start, span.line_end) == (6156, 6158)
