"""The model path against a scripted OpenAI-compatible server: real HTTP, the
real openai client and instructor. Each test scripts what the server answers
and checks what the client did about it (requests seen, statements kept,
failures recorded, tokens counted)."""

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
from tests.helpers.llm import BASIC, GOOD, PROJECT, make_settings
from tests.llm_server import (
    ScriptedLLMServer,
    answer,
    answer_text,
    dropped,
    error,
    rate_limited,
    refusal,
    stall,
    truncated,
)


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as scripted:
        yield scripted


@pytest.fixture(scope="module")
def paragraphs(corpus: dict[str, SourceText]) -> dict[str, Paragraph]:
    return {p.model.id: p for p in extract_paragraphs(corpus["001"])}


def last_user_text(request: dict[str, Any]) -> str:
    """Everything the request says after the first two messages (reasks), as text."""
    return json.dumps(request["messages"][2:], ensure_ascii=False)


def test_good_answer_is_grounded_with_provenance(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph], corpus: dict[str, SourceText]
) -> None:
    server.script(answer(GOOD, usage=(321, 54)))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert run.failures == []
    assert [(s.metric, s.amount, s.change_amount, s.change_pct) for s in run.statements] == [
        ("基本支出", 12359.1, 430.34, 3.6),
        ("项目支出", 5587.49, -287.15, -4.9),
    ]
    basic = run.statements[0]
    assert basic.grounded and basic.source == "llm"
    assert corpus["001"].original(basic.provenance["amount"]) == "基本支出 12359.1 万元"
    assert basic.provenance["amount"].line_start == 1288
    version = load_prompt("narrative", "v2")
    followup = load_prompt("followup", "v1")
    assert run.prompts == {"narrative": f"v2@{version.sha256[:12]}", "followup": f"v1@{followup.sha256[:12]}"}
    assert basic.prompt_version == run.prompts["narrative"]
    assert (
        run.usage.calls,
        run.usage.failed_calls,
        run.usage.prompt_tokens,
        run.usage.completion_tokens,
    ) == (
        1,
        0,
        321,
        54,
    )
    sent = server.requests[0]
    assert sent["model"] == "scripted-model"
    assert sent["messages"][0]["content"] == version.text  # the versioned template is the system prompt
    assert sent["messages"][1]["content"].startswith("[p1288] 本年支出合计 17946.59 万元")


def test_malformed_json_then_good_answer(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(answer_text('{"statements": [{"paragraph": "p1288", '), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 2
    assert [s.metric for s in run.statements] == ["基本支出", "项目支出"]
    assert (run.usage.calls, run.usage.failed_calls) == (2, 1)
    assert "Invalid JSON" in last_user_text(server.requests[1]) or "json_invalid" in last_user_text(
        server.requests[1]
    )


def test_schema_violation_is_sent_back_with_the_error(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    unquoted = dict(BASIC, quotes=[q for q in BASIC["quotes"] if q["field"] != "change_pct"])
    server.script(answer({"statements": [unquoted]}), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, mode="json"))
    assert len(server.requests) == 2
    reask = last_user_text(server.requests[1])
    assert "fields ['change_pct'] are filled but have no entry in quotes" in reask
    assert last_user_text(server.requests[0]) == "[]"  # the first request had no reask
    assert len(run.statements) == 2 and run.failures == []


def test_reasks_are_bounded_then_recorded_as_failure(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph], corpus: dict[str, SourceText]
) -> None:
    wrong_paragraph = dict(BASIC, paragraph="p9999")
    server.script(*[answer({"statements": [wrong_paragraph]})] * 3)
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, max_reasks=2))
    assert len(server.requests) == 3  # one ask, two reasks, no more
    assert run.statements == []
    [failure] = run.failures
    assert failure.error_type == "InvalidAnswerError" and failure.stage == "llm"
    assert "p9999" in failure.reason
    assert failure.chunk_id == "p1288"
    assert corpus["001"].original(failure.span).startswith("本年支出合计 17946.59 万元")
    assert (run.usage.calls, run.usage.failed_calls) == (3, 3)


def test_rate_limit_waits_for_retry_after(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(rate_limited(0.4), answer(GOOD))
    settings = make_settings(server, tmp_path, backoff_initial=0.001, backoff_max=1.0)
    run = read_narrative([paragraphs["p1288"]], settings)
    assert len(server.requests) == 2 and len(run.statements) == 2
    assert server.arrivals[1] - server.arrivals[0] >= 0.35  # our own backoff alone would be ~1 ms
    assert (run.usage.calls, run.usage.failed_calls) == (2, 1)


def test_server_error_is_retried(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(error(500, "upstream exploded"), error(503, "overloaded"), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 3 and len(run.statements) == 2 and run.failures == []


def test_persistent_server_error_fails_the_chunk_and_the_run_goes_on(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    # Two chunks (one paragraph per chunk); the first keeps failing, the second answers.
    other = {
        "statements": [
            {
                "paragraph": "p1280",
                "metric": "其他收入",
                "amount": 12.73,
                "unit": "万元",
                "quotes": [{"field": "amount", "quote": "其他收入 12.73 万元"}],
            }
        ]
    }

    def route(request: dict[str, Any]) -> Any:
        if "[p1280]" in request["messages"][-1]["content"]:
            return answer(other)(request)
        return error(500, "always down")

    server.responder = route
    settings = make_settings(server, tmp_path, chunk_paragraphs=1, max_retries=2)
    run = read_narrative([paragraphs["p1288"], paragraphs["p1280"]], settings)
    assert [s.metric for s in run.statements] == ["其他收入"]
    [failure] = run.failures
    assert failure.chunk_id == "p1288" and failure.error_type == "TransportError"
    assert "HTTP 500 after 3 attempts" in failure.reason
    assert run.answered == {"p1280"}
    assert len(server.requests) == 4  # 3 for the failing chunk, 1 for the other


def test_timeout_is_retried(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(stall(1.0), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, timeout=0.2))
    assert len(server.requests) == 2 and len(run.statements) == 2
    assert (run.usage.calls, run.usage.failed_calls) == (2, 1)


def test_timeouts_until_retries_run_out(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(stall(0.6), stall(0.6))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, timeout=0.15, max_retries=1))
    [failure] = run.failures
    assert failure.error_type == "TransportError" and "timed out after 2 attempts" in failure.reason
    assert len(server.requests) == 2


def test_dropped_connection_is_retried(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(dropped(), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 2 and len(run.statements) == 2


def test_refusal_is_a_failure_not_retried(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(refusal("I cannot help with government finance."))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    assert len(server.requests) == 1 and run.statements == []
    [failure] = run.failures
    assert failure.error_type == "RefusalError"
    assert "I cannot help with government finance." in failure.reason


def test_cut_off_answer_splits_the_chunk(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    halves = {"statements": [BASIC]}, {"statements": [PROJECT]}

    def by_half(request: dict[str, Any]) -> Any:
        text = request["messages"][-1]["content"]
        return answer(halves[0] if "基本支出" in text else halves[1])(request)

    server.script(truncated(GOOD))
    server.responder = by_half
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    first, *later = [r["messages"][1]["content"] for r in server.requests]
    assert len(later) == 2
    assert all(len(text) < len(first) for text in later)  # smaller prompts, never the same one again
    assert sorted(s.metric for s in run.statements) == ["基本支出", "项目支出"]
    assert run.failures == [] and run.answered == {"p1288"}


def test_cut_off_single_sentence_is_recorded(server: ScriptedLLMServer, tmp_path: Path) -> None:
    text = "本年支出合计 100 万元，比上年增加 5 万元，增长 5.3%，主要是人员经费增加。\n"
    [sentence] = extract_paragraphs(SourceText.from_text("one.txt", text, "0" * 64, "utf-8"))
    server.script(truncated({"statements": []}))
    run = read_narrative([sentence], make_settings(server, tmp_path))
    assert len(server.requests) == 1  # one sentence cannot be split: not asked again
    [failure] = run.failures
    assert failure.error_type == "TruncatedAnswerError" and "max_tokens=2048" in failure.reason
    assert (failure.span.line_start, failure.span.char_start, failure.span.char_end) == (1, 0, len(text) - 1)


def test_quote_not_in_source_is_kept_ungrounded(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    invented = dict(
        BASIC,
        amount=12359.0,
        quotes=[dict(BASIC["quotes"][0], quote="基本支出 12359 万元"), *BASIC["quotes"][1:]],
    )
    server.script(answer({"statements": [invented]}))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path))
    [statement] = run.statements
    assert statement.grounded is False
    assert "quote not found" in (statement.grounding_note or "")
    assert "amount" not in statement.provenance


def test_server_without_json_schema_falls_back_to_json_object(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(error(400, "response_format type json_schema is not supported by this model"), answer(GOOD))
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, mode="json_schema"))
    assert server.requests[0]["response_format"]["type"] == "json_schema"
    assert server.requests[1]["response_format"] == {"type": "json_object"}
    assert len(run.statements) == 2 and run.failures == []


def test_fallback_reaches_prompt_and_repair(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(
        error(400, "tools are not supported"), error(400, "response_format not supported"), answer(GOOD)
    )
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, mode="tools"))
    assert "tools" in server.requests[0]
    assert server.requests[1]["response_format"] == {"type": "json_object"}
    assert "response_format" not in server.requests[2] and "tools" not in server.requests[2]
    assert len(run.statements) == 2


def test_cost_estimate_from_configured_prices(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(answer(GOOD, usage=(1000, 500)))
    settings = make_settings(server, tmp_path, price_prompt_per_1k=0.002, price_completion_per_1k=0.008)
    run = read_narrative([paragraphs["p1288"]], settings)
    assert run.usage.cost == pytest.approx(0.002 + 0.004)


def test_concurrency_is_bounded(
    server: ScriptedLLMServer, tmp_path: Path, corpus: dict[str, SourceText]
) -> None:
    server.responder = answer({"statements": []})
    server.delay = 0.05
    figures = [p for p in extract_paragraphs(corpus["004"]) if any(ch.isdigit() for ch in p.model.text)]
    settings = make_settings(server, tmp_path, concurrency=3, chunk_paragraphs=1)
    run = read_narrative(figures[:12], settings)
    assert len(server.requests) == 12 and run.failures == []
    assert server.max_in_flight == 3


def test_report_text_is_sent_verbatim_never_templated(server: ScriptedLLMServer, tmp_path: Path) -> None:
    text = "本年支出合计 100 万元，备注 {{ total }} 与 {% if x %} 照原样。\n"
    [paragraph] = extract_paragraphs(SourceText.from_text("braces.txt", text, "0" * 64, "utf-8"))
    server.script(answer({"statements": []}))
    run = read_narrative([paragraph], make_settings(server, tmp_path))
    assert run.failures == []
    assert server.requests[0]["messages"][1]["content"] == "[p1] " + text.strip()


def test_synchronous_entry_works_inside_a_running_event_loop(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    """The service calls the pipeline from async code: the model run must not
    try to start a second loop in the same thread."""
    import asyncio

    server.script(answer(GOOD))

    async def from_async_code() -> int:
        return len(read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path)).statements)

    assert asyncio.run(from_async_code()) == 2


def test_prompt_over_the_context_is_split_not_resent(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(
        error(
            400, "This model's maximum context length is 4096 tokens; your messages resulted in 5000 tokens"
        ),
        answer({"statements": [BASIC]}),
        answer({"statements": [PROJECT]}),
    )
    run = read_narrative([paragraphs["p1288"]], make_settings(server, tmp_path, mode="json_schema"))
    assert len(server.requests) == 3
    assert all(
        "response_format" in r and r["response_format"]["type"] == "json_schema" for r in server.requests
    )
    assert sorted(s.metric for s in run.statements) == ["基本支出", "项目支出"]
    assert [
        len(r["messages"][1]["content"]) < len(server.requests[0]["messages"][1]["content"])
        for r in server.requests[1:]
    ] == [True, True]


def test_retry_after_beyond_the_budget_fails_at_once(
    server: ScriptedLLMServer, tmp_path: Path, paragraphs: dict[str, Paragraph]
) -> None:
    server.script(rate_limited(30))
    settings = make_settings(server, tmp_path, retry_budget=1.0)
    run = read_narrative([paragraphs["p1288"]], settings)
    assert len(server.requests) == 1  # a 30 s wait would overrun the 1 s budget: no sleep, no retry
    [failure] = run.failures
    assert failure.error_type == "TransportError" and "HTTP 429 after 1 attempts" in failure.reason
