"""Reconciliation-driven re-asks against the scripted server: a model answer
that fails a narrative reconciliation rule is asked about once more, for the
failing fields only, with the finding as feedback; never twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.document import SourceText
from extractor.llm.narrative import read_narrative
from extractor.llm.prompts import load_prompt
from extractor.narrative import Paragraph, extract_paragraphs
from extractor.pipeline import extract
from extractor.reconcile.statement_checks import statement_problems
from tests.helpers.llm import BASIC, PROJECT, make_settings
from tests.llm_server import (
    Request,
    ScriptedLLMServer,
    answer,
    followup_question,
    request_kind,
    rules_responder,
    user_text,
)

# The model took the paragraph's total (本年支出合计 17946.59) for 基本支出: grounded
# (the quote prints it) but 430.34 / (17946.59 - 430.34) is 2.5%, not the 3.6% stated.
WRONG_BASIC = {
    **BASIC,
    "amount": 17946.59,
    "quotes": [{"field": "amount", "quote": "本年支出合计 17946.59 万元"}, *BASIC["quotes"][1:]],
}
FIXED_AMOUNT = {"fields": [{"field": "amount", "value": 12359.1, "quote": "基本支出 12359.1 万元"}]}
SAME_AGAIN = {"fields": [{"field": "amount", "value": 17946.59, "quote": "本年支出合计 17946.59 万元"}]}


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as scripted:
        yield scripted


@pytest.fixture(scope="module")
def paragraphs(corpus: dict[str, SourceText]) -> dict[str, Paragraph]:
    return {p.model.id: p for p in extract_paragraphs(corpus["001"])}


def test_wrong_amount_is_reasked_once_with_the_finding_and_corrected(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph], corpus: dict[str, SourceText]
) -> None:
    server.script(answer({"statements": [WRONG_BASIC, PROJECT]}), answer(FIXED_AMOUNT))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 2 and run.failures == []
    followup = server.requests[1]
    assert followup["messages"][0]["content"] == load_prompt("followup", "v1").text
    question = followup_question(followup)
    assert question is not None and question["metric"] == "基本支出"
    assert question["paragraph"].startswith("[p1288] 本年支出合计 17946.59 万元")
    # Only the fields the growth-rate check compared: the rate, the change, and the
    # amount the prior year is implied from; nothing else of the statement.
    assert question["fields"] == ["change_pct", "change_amount", "amount"]
    assert set(question["answer"]) == set(question["fields"])
    assert question["answer"]["amount"] == {"value": 17946.59, "quote": "本年支出合计 17946.59 万元"}
    [finding] = question["findings"]
    assert finding["rule_id"] == "narrative.change_pct" and finding["stated"] == 3.6
    assert finding["expected"] == pytest.approx(430.34 / (17946.59 - 430.34) * 100, abs=1e-4)
    assert "growth rate" in finding["message"]
    # In tools mode the follow-up's schema can name only the numeric fields.
    assert followup["tools"][0]["function"]["name"] == "FollowupAnswer"

    basic, project = run.statements
    assert (basic.metric, basic.amount, basic.change_amount, basic.change_pct) == ("基本支出", 12359.1, 430.34, 3.6)
    assert basic.grounded and basic.reasked == ["narrative.change_pct"]
    assert corpus["001"].original(basic.provenance["amount"]) == "基本支出 12359.1 万元"
    assert basic.evidence["amount"] == "基本支出 12359.1 万元"
    assert project.reasked == [] and project.amount == 5587.49
    assert statement_problems(run.statements) == {}
    assert (run.usage.calls, run.usage.reasks) == (2, 1)
    assert run.prompts["followup"] == load_prompt("followup", "v1").ref
    dumped = json.loads(run.statements[0].model_dump_json())
    assert dumped["reasked"] == ["narrative.change_pct"]
    assert "reasked" not in json.loads(project.model_dump_json())  # left out when empty


def test_still_wrong_after_the_reask_keeps_the_answer_and_the_finding(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(answer({"statements": [WRONG_BASIC, PROJECT]}), answer(SAME_AGAIN))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 2  # exactly one follow-up, no loop
    assert server.pending == 0 and run.failures == []
    basic = run.statements[0]
    assert basic.amount == 17946.59 and basic.grounded and basic.reasked == ["narrative.change_pct"]
    [problems] = statement_problems(run.statements).values()
    assert [p.finding.rule_id for p in problems] == ["narrative.change_pct"]
    assert run.usage.reasks == 1


def test_ungrounded_correction_is_not_kept(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    invented = {"fields": [{"field": "amount", "value": 11928.76, "quote": "基本支出 11928.76 万元"}]}
    server.script(answer({"statements": [WRONG_BASIC]}), answer(invented))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 2
    [basic] = run.statements
    assert basic.amount == 17946.59 and basic.grounded and basic.reasked == ["narrative.change_pct"]


def test_consistent_answer_is_not_reasked(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(answer({"statements": [BASIC, PROJECT]}))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 1 and server.pending == 0
    assert all(s.reasked == [] for s in run.statements) and run.usage.reasks == 0


def test_report_printing_inconsistent_figures_is_asked_once_and_the_finding_stands(
    tmp_path: Path, corpus: dict[str, SourceText]
) -> None:
    # Report 000 line 6144 prints 财政拨款收入 growing 112.97% where its own figures give
    # 113.26%: the model reading it right repeats it, and that is the end of it.
    paragraph = next(p for p in extract_paragraphs(corpus["000"]) if p.model.id == "p6144")
    with ScriptedLLMServer(responder=rules_responder()) as server:
        settings = make_settings(server, tmp_path, cache=True)
        run = read_narrative([paragraph], settings)
        kinds = [request_kind(r) for r in server.requests]
        assert kinds == ["narrative", "followup"]
        question = followup_question(server.requests[1])
        assert question is not None and question["metric"] == "财政拨款收入"
        assert [f["rule_id"] for f in question["findings"]] == ["narrative.change_pct"]
        [income] = [s for s in run.statements if s.metric == "财政拨款收入"]
        assert income.change_pct == 112.97 and income.reasked == ["narrative.change_pct"]
        assert [s.metric for s in run.statements if s.reasked] == ["财政拨款收入"]
        assert statement_problems(run.statements)  # the finding stands
        again = read_narrative([paragraph], settings)
        assert len(server.requests) == 2  # chunk and follow-up both from the cache
        assert again.usage.cached_calls == 2 and again.usage.reasks == 1
        assert [s.model_dump() for s in again.statements] == [s.model_dump() for s in run.statements]


def test_amount_against_the_table_it_names_through_the_pipeline(
    tmp_path: Path, corpus: dict[str, SourceText]
) -> None:
    # The model reads 基本支出 as 17946.59 (the paragraph's total) and states nothing
    # else of it, so nothing in the statement contradicts itself; but the tables
    # print 基本支出 12359.1.
    oracle = rules_responder()
    wrong_basic = {
        "paragraph": "p1288",
        "metric": "基本支出",
        "amount": 17946.59,
        "unit": "万元",
        "quotes": [{"field": "amount", "quote": "本年支出合计 17946.59 万元"}],
    }
    fixed_basic = {"fields": [{"field": "amount", "value": 12359.1, "quote": "基本支出 12359.1 万元"}]}

    def model(request: Request) -> Any:
        if "[p1288]" in user_text(request):
            payload = fixed_basic if request_kind(request) == "followup" else {"statements": [wrong_basic, PROJECT]}
            return answer(payload)(request)
        return oracle(request)

    with ScriptedLLMServer(responder=model) as server:
        settings = make_settings(server, tmp_path, chunk_paragraphs=1).model_copy(update={"backend": "llm"})
        result = extract(corpus["001"], settings)
        followups = [followup_question(r) for r in server.requests if request_kind(r) == "followup"]
    [question] = [q for q in followups if q and q["metric"] == "基本支出"]
    assert question["fields"] == ["amount"]
    assert [f["rule_id"] for f in question["findings"]] == ["narrative.table_amount"]
    assert question["findings"][0]["expected"] == pytest.approx(12359.1)
    basic = next(s for s in result.narrative_statements if s.paragraph_id == "p1288" and s.metric == "基本支出")
    assert basic.amount == 12359.1 and basic.grounded and basic.reasked == ["narrative.table_amount"]
    assert result.run.usage.reasks == len(followups) >= 1
    assert result.run.prompts["followup"].startswith("v1@")
    assert not [
        f for f in result.findings if f.rule_id == "narrative.table_amount" and f.message.startswith("基本支出")
    ]
