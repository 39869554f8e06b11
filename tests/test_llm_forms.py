"""Line-flow performance forms read by the model (scripted server), checked
against the block: what the form does not print is dropped with a warning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.backends import BackendJob, BackendResult, make_backend
from extractor.document import SourceText
from extractor.forms import extract_forms
from schemas import PerformanceForm
from tests.helpers.llm import make_settings
from tests.llm_server import ScriptedLLMServer, answer, error

# The first form of report 000 (lines 444-539), read by hand:
# 446 项目名称 “万人驻（助）万企”长春政企通平台（…）运行维护及升级改造相关费用
# 448 实施单位 长春市工业和信息化局
# 460 当年财政拨款 35 35 34.96 99.89        466 年度资金总和 35 35 34.96 99.89
# 472/474 借助互联网手段更加快捷高效的为企业提 / 供服务。…
# 513 数量指标 平台数量 1 1                539 企业满意度 >=90% 100%
PROJECT = "“万人驻（助）万企”长春政企通平台（长春亲清政企关系数字服务平台）运行维护及升级改造相关费用"
GOOD = {
    "project_name": PROJECT,
    "implementing_unit": "长春市工业和信息化局",
    "goals_expected": "借助互联网手段更加快捷高效的为企业提供服务。",
    "funds": [
        {
            "kind": "current_year_appropriation",
            "line": 460,
            "initial_budget": 35,
            "full_year_budget": 35,
            "executed": 34.96,
            "execution_rate": 99.89,
        },
        {
            "kind": "annual_total",
            "line": 466,
            "initial_budget": 35,
            "full_year_budget": 35,
            "executed": 34.96,
            "execution_rate": 99.89,
        },
    ],
    "indicators": [
        {
            "line": 513,
            "level1": "产出指标",
            "level2": "数量指标",
            "level3": "平台数量",
            "target": "1",
            "actual": "1",
        },
        {
            "line": 539,
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "level3": "企业满意度",
            "target": ">=90%",
            "actual": "100%",
        },
    ],
}


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as scripted:
        yield scripted


@pytest.fixture(scope="module")
def first_form(corpus: dict[str, SourceText]) -> PerformanceForm:
    forms, _ = extract_forms(corpus["000"])
    return next(f for f in forms if f.line_start == 444)


def read(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], form: PerformanceForm
) -> BackendResult:
    settings = make_settings(server, tmp_path).model_copy(update={"backend": "llm"})
    return make_backend(settings).read(BackendJob(source=corpus["000"], paragraphs=[], forms=[form]))


def test_form_read_by_the_model_is_checked_and_located(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], first_form: PerformanceForm
) -> None:
    server.script(answer(GOOD))
    result = read(server, tmp_path, corpus, first_form)
    assert result.failures == [] and result.model_forms == 1 and result.usage.calls == 1
    assert result.prompts["form"].startswith("v1@")
    [form] = result.forms or []
    assert (form.project_name, form.implementing_unit) == (PROJECT, "长春市工业和信息化局")
    assert form.warnings == ["read by the language model"]
    funds = {row.kind: row for row in form.funds}
    appropriation, total = funds["current_year_appropriation"], funds["annual_total"]
    assert len(form.funds) == len(first_form.funds)  # rows the model did not give stay the parser's
    assert (appropriation.label, appropriation.executed, appropriation.execution_rate) == (
        "当年财政拨款",
        34.96,
        99.89,
    )
    assert corpus["000"].original(appropriation.provenance["executed"]) == "34.96"
    assert (
        appropriation.provenance["executed"].line_start == 460
        and total.provenance["executed"].line_start == 466
    )
    goal = form.goals.provenance["expected"]
    assert (goal.line_start, goal.line_end) == (472, 474)  # a cell broken over two lines
    assert len(first_form.indicators) > 2 and [i.level3 for i in form.indicators] == [
        "平台数量",
        "企业满意度",
    ]
    satisfaction = form.indicators[1]
    assert (satisfaction.target_parsed.comparator, satisfaction.target_parsed.number) == (">=", 90.0)
    assert satisfaction.provenance["level3"].line_start == 539
    sent = server.requests[0]["messages"][1]["content"]
    assert sent.startswith("[L444] 项目支出绩效自评表\n[L446] 项目名称")
    assert "[L445]" not in sent  # blank lines are left out


def test_values_the_form_does_not_print_are_dropped_with_a_warning(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], first_form: PerformanceForm
) -> None:
    invented = dict(GOOD)
    invented["funds"] = [dict(GOOD["funds"][0], executed=34.69, initial_budget=35)]
    invented["indicators"] = [dict(GOOD["indicators"][0], level3="平台维护次数")]
    server.script(answer(invented))
    [form] = read(server, tmp_path, corpus, first_form).forms or []
    appropriation = next(r for r in form.funds if r.kind == "current_year_appropriation")
    assert appropriation.initial_budget == 35
    assert appropriation.executed == 34.96  # the invented 34.69 is dropped; the parser's reading stays
    assert form.indicators[0].level3 is None and form.indicators[0].level2 == "数量指标"
    assert (
        "ungrounded funds.current_year_appropriation.executed: 34.69 is not printed at line 460 or just after"
        in form.warnings
    )
    assert "ungrounded indicators[0].level3: '平台维护次数' is not in the form" in form.warnings


def test_an_empty_answer_leaves_the_parser_reading(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], first_form: PerformanceForm
) -> None:
    server.script(answer({}))
    [form] = read(server, tmp_path, corpus, first_form).forms or []
    assert form.model_dump(exclude={"warnings"}) == first_form.model_dump(exclude={"warnings"})
    assert form.warnings == [*first_form.warnings, "read by the language model"]


def test_form_scope_setting(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], first_form: PerformanceForm
) -> None:
    assert first_form.warnings == []  # the parser read it cleanly: not "troubled"
    for scope in ("none", "troubled"):
        settings = make_settings(server, tmp_path, forms=scope).model_copy(update={"backend": "llm"})
        result = make_backend(settings).read(
            BackendJob(source=corpus["000"], paragraphs=[], forms=[first_form])
        )
        assert result.forms is None and result.model_forms == 0
    assert server.requests == []


def test_failed_form_keeps_the_parser_reading(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText], first_form: PerformanceForm
) -> None:
    server.script(error(500, "down"), error(500, "down"), error(500, "down"))
    result = read(server, tmp_path, corpus, first_form)
    [failure] = result.failures
    assert (failure.stage, failure.chunk_id, failure.error_type) == ("llm", "form@444", "TransportError")
    assert (failure.span.line_start, failure.span.line_end) == (444, 539)
    assert result.forms == [first_form]  # the deterministic reading stays
