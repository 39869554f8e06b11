"""Per-project prose read by the model (scripted server): values checked against the text,
the patterns' reading kept where the call fails, the prompt recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.backends.project_run import model_summaries
from extractor.document import SourceText
from extractor.forms import extract_forms, extract_score_tables
from extractor.narrative import extract_paragraphs
from extractor.narrative.paragraphs import Paragraph
from extractor.tables import extract_tables
from tests.helpers.llm import make_settings
from tests.llm_server import Reply, Request, ScriptedLLMServer, answer, error


def paragraphs_of(source: SourceText) -> list[Paragraph]:
    tables = extract_tables(source)
    forms, _ = extract_forms(source)
    claimed = [(t.line_start, t.line_end) for t in tables if t.line_start and t.line_end]
    claimed += [(f.line_start, f.line_end) for f in forms]
    claimed += [(s.line_start, s.line_end) for s in extract_score_tables(source)]
    return extract_paragraphs(source, claimed)


@pytest.fixture(scope="module")
def prose_001(corpus: dict[str, SourceText]) -> list[Paragraph]:
    # the 部门评价 part of 001 (lines 1549-1600): paragraphs the patterns do not read
    return [p for p in paragraphs_of(corpus["001"]) if 1549 <= p.model.span.line_start <= 1600]


# 001 line 1553, read by hand: "信息化建设与运维项目预算资金总额为 2649.03 万元，项目调整后预算金额为
# 2883.12 万元，实际支出 2615.51 万元，执行率为 90.7%"
INFORMATION = {"name": "信息化建设与运维项目", "budget": 2883.12, "executed": 2615.51, "rate": 90.7}


def responder(request: Request) -> Reply:
    text = request["messages"][1]["content"]
    payload: dict[str, Any] = {"summaries": []}
    if "2615.51" in text:
        payload = {"summaries": [dict(INFORMATION, score=95)]}  # 95 is not printed: dropped
    behave = answer(payload)
    return behave(request) if callable(behave) else behave


def test_irregular_paragraphs_read_by_the_model(
    prose_001: list[Paragraph], corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    with ScriptedLLMServer(responder=responder) as server:
        summaries, run = model_summaries(prose_001, make_settings(server, tmp_path), "incomplete")
    assert run.failures == [] and run.prompts["project_summary"].startswith("v1@")
    [read] = [s for s in summaries if s.source == "llm"]
    assert (read.name, read.budget, read.executed, read.rate, read.score) == (
        "信息化建设与运维项目", 2883.12, 2615.51, 90.7, None)
    assert "score 95 is not printed" in read.evidence["ungrounded"]
    assert corpus["001"].original(read.provenance["executed"]) == "2615.51"
    assert read.provenance["rate"].line_start == 1553
    assert read.kind == "evaluation_paragraph" and read.prompt_version == run.prompts["project_summary"]


def test_a_failed_call_keeps_the_patterns_reading(corpus: dict[str, SourceText], tmp_path: Path) -> None:
    paragraphs = [p for p in paragraphs_of(corpus["001"]) if 1403 <= p.model.span.line_start <= 1408]
    with ScriptedLLMServer(responder=lambda request: error(500, "down")) as server:
        summaries, run = model_summaries(paragraphs, make_settings(server, tmp_path, max_retries=0), "all")
    assert len(run.failures) == len(summaries) == 2
    assert run.failures[0].stage == "llm" and run.failures[0].chunk_id.startswith("project_summary@p1403")
    assert [(s.source, s.score) for s in summaries] == [("rules", 87.0), ("rules", 95.0)]


def test_the_llm_scope_replaces_the_patterns_reading(corpus: dict[str, SourceText], tmp_path: Path) -> None:
    paragraphs = [p for p in paragraphs_of(corpus["001"]) if 1403 <= p.model.span.line_start <= 1404]
    meeting = {"name": "吉林省人民政府办公厅（本级）政府序列会议经费", "score": 87, "budget": 50, "executed": 47.5,
               "rate": 95, "indicators": [{"name": "会议经费预算执行率", "actual": "95%"},
                                           {"name": "参会人员满意度", "actual": "98%"}]}
    with ScriptedLLMServer(responder=lambda request: _reply(request, {"summaries": [meeting]})) as server:
        summaries, run = model_summaries(paragraphs, make_settings(server, tmp_path), "all")
    [read] = summaries
    assert read.source == "llm" and (read.score, read.budget, read.executed, read.rate) == (87, 50, 47.5, 95)
    assert read.provenance["score"].line_start == 1403
    # "会议经费预算执行率提升至 95%" is printed (line 1405); the satisfaction is not: dropped
    assert [(i.name, i.actual) for i in read.indicators] == [("会议经费预算执行率", "95%")]
    assert read.indicators[0].provenance["actual"].line_start == 1405
    assert "indicator '参会人员满意度' is not in the text" in read.evidence["ungrounded"]
    assert run.usage.calls == 1


def _reply(request: Request, payload: dict[str, Any]) -> Reply:
    behave = answer(payload)
    return behave(request) if callable(behave) else behave
