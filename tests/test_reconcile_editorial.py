"""Editorial rules on edited copies of real reports: each planted error is found at the
line it was planted on, and the report as published raises none of them (but its own).

The copies are pdftotext -layout renderings of two Shanghai reports
(tests/data/shanghai): putuo_sfj_2026_budget (a 2026 区级部门预算) and
putuo_czj_2024_final (a 2024 部门决算).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import decode_report
from extractor.pipeline import extract
from extractor.settings import Settings
from schemas import Finding

DATA = Path(__file__).resolve().parent / "data" / "shanghai"
BUDGET = "putuo_sfj_2026_budget.layout.txt"
FINAL = "putuo_czj_2024_final.layout.txt"
SANGONG_TITLE = "                     2026年部门“三公”经费和机关运行经费预算表\n"
SANGONG_FIGURES = "        10.81              0       0.83        9.98         0         9.98        217.83\n"


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _findings(settings: Settings, name: str, edits: list[tuple[str, str]] = ()) -> list[Finding]:
    text = _text(name)
    for old, new in edits:
        if old not in text:
            raise ValueError(f"{old!r} is not in {name}: the edit plants nothing")
        text = text.replace(old, new, 1)
    return extract(decode_report(text.encode("utf-8"), name), settings).findings


def _where(findings: list[Finding], rule_id: str) -> list[int | None]:
    return [f.locations[0].line_start for f in findings if f.rule_id == rule_id]


def _line_of(name: str, needle: str) -> int:
    """The first line holding ``needle`` (the whole line, page break aside, when ``needle``
    starts with spaces)."""
    lines = _text(name).split("\n")
    if needle.startswith(" "):
        return next(i for i, line in enumerate(lines, 1) if line.strip("\f") == needle)
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.fixture(scope="module")
def published(settings: Settings) -> dict[str, list[Finding]]:
    return {name: _findings(settings, name) for name in (BUDGET, FINAL)}


def test_published_reports_raise_only_their_own(published: dict[str, list[Finding]]) -> None:
    """As published: one doubled 。。 (line 112 of the budget: "…等方面的支出。。2025年"), nothing else."""
    editorial = {name: [(f.rule_id, f.locations[0].line_start) for f in found if f.family == "editorial"]
                 for name, found in published.items()}
    assert editorial == {BUDGET: [("editorial.repeated_punctuation", 112)], FINAL: []}


def test_placeholder_and_department_in_a_heading(settings: Settings) -> None:
    line = _line_of(BUDGET, "上海市普陀区司法局主要职能")
    found = _findings(settings, BUDGET, [("上海市普陀区司法局主要职能", "XX局主要职能")])
    assert _where(found, "editorial.placeholder") == [line]
    assert _where(found, "editorial.department_name") == [line]
    assert [f.severity for f in found if f.rule_id == "editorial.placeholder"] == ["warning"]


@pytest.mark.parametrize("placeholder", ["×××", "XXX", "待填写", "某某"])
def test_placeholder_spellings(settings: Settings, placeholder: str) -> None:
    line = _line_of(BUDGET, "是主管本区司法和法制工作")
    found = _findings(settings, BUDGET, [("是主管本区司法和法制工作", f"是主管{placeholder}司法和法制工作")])
    assert _where(found, "editorial.placeholder") == [line]


def test_short_forms_of_the_department_are_accepted(settings: Settings) -> None:
    found = _findings(settings, BUDGET, [("上海市普陀区司法局主要职能", "普陀区司法局主要职能"),
                                         ("上海市普陀区司法局机构设置", "司法局机构设置")])
    assert _where(found, "editorial.department_name") == []


def test_another_department_in_a_heading(settings: Settings) -> None:
    line = _line_of(BUDGET, "上海市普陀区司法局机构设置")
    found = _findings(settings, BUDGET, [("上海市普陀区司法局机构设置", "上海市普陀区财政局机构设置")])
    assert _where(found, "editorial.department_name") == [line]


def test_table_listed_in_the_contents_but_removed(settings: Settings) -> None:
    text = _text(BUDGET)
    start = text.index(SANGONG_TITLE)
    body = text[start : text.index("其他相关情况说明", start)]
    found = _findings(settings, BUDGET, [(body, "")])
    listed = [f for f in found if f.rule_id == "editorial.contents_tables"]
    assert [(f.locations[0].ref, f.severity) for f in listed] == [
        ("目录 / 部门“三公”经费和机关运行经费预算表", "warning")]


def test_emptied_sangong_table(settings: Settings) -> None:
    found = _findings(settings, BUDGET, [(SANGONG_FIGURES, "")])
    assert _where(found, "editorial.empty_table_note") == [_line_of(BUDGET, SANGONG_TITLE.rstrip("\n"))]


def test_emptied_table_with_its_note_is_not_flagged(settings: Settings) -> None:
    found = _findings(settings, BUDGET, [(SANGONG_FIGURES, "注：本部门无“三公”经费预算，故本表无数据。\n")])
    assert _where(found, "editorial.empty_table_note") == []


def test_wrong_year_in_a_heading_and_an_as_of_date(settings: Settings) -> None:
    heading = _line_of(BUDGET, "2026年部门财务收支预算总表")
    body_heading = next(i for i, line in enumerate(_text(BUDGET).split("\n"), 1)
                        if line.strip() == "2026年部门财务收支预算总表")
    as_of = _line_of(BUDGET, "截至2025年8月31日")
    found = _findings(settings, BUDGET, [("2026年部门财务收支预算总表\n编制", "2025年部门财务收支预算总表\n编制"),
                                         ("截至2025年8月31日", "截至2023年8月31日")])
    assert heading < body_heading  # the contents entry keeps its year; the table's own heading is wrong
    years = [f for f in found if f.rule_id == "editorial.year"]
    assert [(f.locations[0].line_start, f.stated, f.expected) for f in years] == [
        (body_heading, 2025.0, 2026.0), (as_of, 2023.0, 2025.0)]


def test_final_account_as_of_date_is_its_own_year(settings: Settings) -> None:
    line = _line_of(FINAL, "截至2024年12月31日")
    found = _findings(settings, FINAL, [("截至2024年12月31日", "截至2023年12月31日")])
    assert _where(found, "editorial.year") == [line]


def test_zeroed_total_is_an_error(settings: Settings) -> None:
    line = _line_of(BUDGET, "合计       96282213.44   25741666.44")
    found = _findings(settings, BUDGET, [("合计       96282213.44   25741666.44", "合计       0.00   25741666.44")])
    errors = [f for f in found if f.severity == "error"]
    # the 支出预算总表's 合计 0.00 against its rows, against 基本支出 + 项目支出 on its own row,
    # and against the 收支总表's total
    assert {f.rule_id for f in errors} == {"table.column_total", "table.row_sum", "cross_table.within_total"}
    assert all(f.classification == "report_error" for f in errors)
    assert {f.locations[0].line_start for f in errors} == {line}


def test_verdict_flipped(settings: Settings) -> None:
    """决算 2940.05 below 年初预算 2993.92 (完成98.20%), and 行政运行 1511.89 below 1560.05."""
    total, item = "成年初预算的98.20%。 决算数小于预算数", "元。 决算数小于预算数的主要原因：人员进出"
    first, second = _line_of(FINAL, total), _line_of(FINAL, item)
    found = _findings(settings, FINAL, [(total, total.replace("小于", "大于")), (item, item.replace("小于", "等于"))])
    assert _where(found, "narrative.budget_verdict") == [first - 1]  # the statement's line
    assert _where(found, "editorial.verdict_words") == [second]


def test_verdict_within_rounding_is_not_flagged(settings: Settings) -> None:
    """年初预算为 35 万元，支出决算为 34.96 万元 … 决算数小于预算数 (corpus 000): right."""
    text = ("2024年度部门决算\n\n一般公共服务（类）其他支出（项）。年初预算为 35 万元，支出决算为\n"
            "34.96 万元，完成年初预算的 99.89%。决算数小于预算数的主要原因是节约。\n")
    found = extract(decode_report(text.encode("utf-8"), "x.txt"), settings).findings
    assert _where(found, "editorial.verdict_words") == []
    flipped = text.replace("小于", "大于")
    found = extract(decode_report(flipped.encode("utf-8"), "x.txt"), settings).findings
    assert _where(found, "editorial.verdict_words") == [4]


def test_doubled_punctuation_is_info(settings: Settings) -> None:
    line = _line_of(FINAL, "减少人员经费开支。")
    found = _findings(settings, FINAL, [("减少人员经费开支。", "减少人员经费开支。。")])
    doubled = [f for f in found if f.rule_id == "editorial.repeated_punctuation"]
    assert [(f.locations[0].line_start, f.severity) for f in doubled] == [(line, "info")]


def test_rules_need_the_text() -> None:
    """On an extraction alone (no text) the editorial rules find nothing."""
    from extractor.reconcile import reconcile, registry
    from tests.reconcile_builders import result

    rules = [r for r in registry() if r.family == "editorial"]
    assert {r.id for r in rules} == {
        "editorial.placeholder", "editorial.department_name", "editorial.year", "editorial.contents_tables",
        "editorial.empty_table_note", "editorial.empty_note_with_figures", "editorial.verdict_words",
        "editorial.repeated_punctuation"}
    assert reconcile(result([]), rules) == []
