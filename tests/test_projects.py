"""Project linking and the per-project summary reader (values checked against the source text)."""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.narrative.paragraphs import Paragraph
from extractor.pipeline import extract
from extractor.projects import read_summaries
from extractor.projects.names import compare, name_key
from extractor.reconcile import Context
from extractor.reconcile.projects_index import SURE_LINK, corroborated, views
from extractor.settings import Settings
from schemas import ExtractionResult, NarrativeParagraph, Span


@pytest.fixture(scope="module")
def results(corpus: dict[str, SourceText], settings: Settings) -> dict[str, ExtractionResult]:
    return {key: extract(source, settings) for key in ("001", "002", "004") for source in [corpus[key]]}


@pytest.mark.parametrize(("printed", "unit", "key"), [
    ("产业招商工作经费（长春市工业和信息化局）", None, "产业招商"),  # bracketed unit, 工作经费 suffix kept as 工作
    ("2024 年工信局遗属补助", None, "工信局遗属补助"),  # year prefix
    ("吉林省人民政府驻北京办事处（本级）招商引资专项经费项目", "吉林省人民政府驻北京办事处（本级）", "招商引资"),
    ("政务服务工作保障。", None, "政务服务工作保障"),
])
def test_name_key(printed: str, unit: str | None, key: str) -> None:
    assert name_key(printed, unit) == key.replace("产业招商", "产业招商工作")


@pytest.mark.parametrize(("a", "b", "method"), [
    ("卧岗退休人员工资", "卧钢退休人员工资", "one_character"),
    ("机动专项经费", "机动经费项目", "normalised"),
    ("保密检查经费", "保密检查工作经历", "contained"),
    ("我市多域行业视频智能监管", "我市全域多行业视频智能监管", "similar"),
    ("离休人员补助经费", "退休人员补助经费", "one_character"),
])
def test_compare(a: str, b: str, method: str) -> None:
    match = compare(a, name_key(a), b, name_key(b))
    assert match is not None and match.method == method


def test_unrelated_names_do_not_match() -> None:
    assert compare("培训费", name_key("培训费"), "办公楼费用", name_key("办公楼费用")) is None


def test_001_every_summary_links_to_its_own_form(results: dict[str, ExtractionResult]) -> None:
    index = results["001"].projects
    assert len(index.projects) == 50 and index.unlinked == []
    # three forms are named 员额人员经费: each summary goes to the form of its own 实施单位
    staff = [p for p in index.projects if p.name == "员额人员经费"]
    forms = results["001"].performance_forms
    for project in staff:
        form = next(m for m in project.mentions if m.kind == "form")
        summary = next(m for m in project.mentions if m.kind == "summary")
        unit = forms[form.index].implementing_unit or ""
        assert summary.name.replace("(", "（").replace(")", "）").startswith(unit.replace("(", "（").replace(")", "）"))


def test_002_typo_links_form_and_table_row(results: dict[str, ExtractionResult]) -> None:
    project = next(p for p in results["002"].projects.projects if p.name == "卧钢退休人员工资")
    kinds = {m.kind: (m.name, link.method) for m, link in zip(project.mentions, project.links, strict=True)}
    assert kinds["table_row"] == ("卧岗退休人员工资", "one_character")


def test_004_projects_from_the_score_table(results: dict[str, ExtractionResult]) -> None:
    index = results["004"].projects
    assert len(index.projects) == 12
    linked = {m.name for p in index.projects for m in p.mentions if m.kind == "evaluation_paragraph"}
    assert len(linked) + len(index.unlinked) == 8


def test_summary_fields_001(results: dict[str, ExtractionResult]) -> None:
    summaries = results["001"].projects.summaries
    assert len(summaries) == 50
    # 001 line 1409: "项目绩效自评得分为 97 分。项目全年预算数为 100 万元，完成预算的 99.87 万元，执行率为 99.9%"
    third = summaries[2]
    assert (third.score, third.budget, third.executed, third.rate) == (97.0, 100.0, 99.87, 99.9)
    assert third.provenance["score"].line_start == 1409
    # 001 lines 1479-1481 (item 27) breaks "自评得 / 分为 100 分" across lines
    staff = summaries[26]
    assert (staff.score, staff.budget, staff.executed) == (100.0, 79.69, 79.69)


def test_evaluation_paragraph_fields_004(results: dict[str, ExtractionResult]) -> None:
    evaluation = next(s for s in results["004"].projects.summaries if s.name.startswith("美裕"))
    assert (evaluation.score, evaluation.grade, evaluation.budget, evaluation.executed, evaluation.rate) == (
        84.31, "良", 1020.0, 700.0, 68.63)
    scored = {i.name: (i.weight, i.score) for i in evaluation.indicators if i.score is not None}
    assert scored == {"执行率": (10.0, 6.86), "数量指标": (20.0, 13.73), "质量指标": (10.0, 6.87),
                      "成本指标": (10.0, 6.86)}


def _paragraph(text: str, line: int = 10) -> Paragraph:
    span = Span(line_start=line, line_end=line, char_start=0, char_end=len(text))
    model = NarrativeParagraph(id=f"p{line}", section_path=["十、绩效"], text=text, span=span)
    return Paragraph(model=model, lines=[line], offsets=list(range(len(text))), line_of=[line] * len(text))


def test_thresholds_and_targets_are_not_read_as_actuals() -> None:
    [summary] = read_summaries([_paragraph(
        "1. 某单位（本级）会议经费自评情况：项目自评得分为 90 分。项目全年预算数为 10 万元，执行数为 9 万元，"
        "完成预算的 90%。参会人员满意度达到 90%以上，服务对象满意度达 95%。")])
    assert (summary.name, summary.score, summary.budget, summary.executed, summary.rate) == (
        "某单位（本级）会议经费", 90.0, 10.0, 9.0, 90.0)
    assert [(i.name, i.actual) for i in summary.indicators] == [("服务对象满意度", "95%")]
    [evaluation] = read_summaries([
        _paragraph("2. 某某服务费用项目预算指标 10 万元，实际支出 9 万元。", 20),
        _paragraph("该项目年初绩效指标设置分值为：预算执行率 100%、设置分值 10 分；"
                   "产出指标中数量指标为…，设置分值 90 分。该项目综合指标得分 99 分，绩效评价结果等级为“优”。", 21)])
    assert (evaluation.kind, evaluation.rate, evaluation.score, evaluation.grade) == (
        "evaluation_paragraph", None, 99.0, "优")  # 100% is the target of the 执行率 indicator


def test_a_weak_link_must_share_an_amount(results: dict[str, ExtractionResult]) -> None:
    result = results["004"].model_copy(deep=True)
    project = next(p for p in result.projects.projects if p.name == "扶持陶瓷产业特色小镇发展")
    link = next(x for x in project.links if x.mention_id.startswith("evaluation_paragraph"))
    assert link.method == "similar" and link.confidence < SURE_LINK
    context = Context(result)
    view = next(v for v in views(context) if v.project.id == project.id)
    [evaluation] = view.evaluations
    assert corroborated(view, evaluation)  # 1500 / 795 in the paragraph and in the score table (line 802)
    evaluation.budget, evaluation.executed = 1510.0, 796.0
    assert not corroborated(view, evaluation)


def test_the_department_as_a_whole_is_not_a_project() -> None:
    assert read_summaries([_paragraph("（一）部门整体支出绩效自评情况：本部门 2024 年整体绩效自评得分 95 分。")]) == []
