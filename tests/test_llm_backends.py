"""Backends (rules | llm | hybrid) and the pipeline's use of them, end to end
against the scripted server answering like the deterministic reader would."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.backends import BackendJob, make_backend
from extractor.backends.routing import needs_model, unexplained_figures
from extractor.document import SourceText
from extractor.llm.chunks import holds_figure, make_chunks
from extractor.narrative import extract_paragraphs
from extractor.narrative.statements import extract_statements
from extractor.pipeline import extract
from schemas import NarrativeStatement
from tests.helpers.llm import make_settings
from tests.llm_server import ScriptedLLMServer, error, rules_responder


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer(responder=rules_responder()) as scripted:
        yield scripted


def sent_paragraph_ids(server: ScriptedLLMServer) -> list[str]:
    ids: list[str] = []
    for request in server.requests:
        for block in request["messages"][1]["content"].split("\n\n["):
            ids.append(block.lstrip("[").split("]", 1)[0])
    return ids


def test_rules_backend_is_the_offline_default(corpus: dict[str, SourceText], tmp_path: Path) -> None:
    from extractor.settings import Settings

    settings = Settings(home=tmp_path)
    assert settings.backend == "rules"
    result = extract(corpus["001"], settings)
    assert result.run.backend == "rules" and result.run.model is None and result.run.usage.calls == 0
    basic = next(
        s for s in result.narrative_statements if s.metric == "基本支出" and s.paragraph_id == "p1288"
    )
    assert (basic.amount, basic.change_amount, basic.change_pct, basic.source) == (
        12359.1,
        430.34,
        3.6,
        "rules",
    )


def test_llm_backend_through_the_pipeline(
    server: ScriptedLLMServer, corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    settings = make_settings(server, tmp_path, cache=True).model_copy(update={"backend": "llm"})
    result = extract(corpus["002"], settings)
    paragraphs = [
        p for p in extract_paragraphs(corpus["002"]) if p.model.id in {n.id for n in result.narratives}
    ]
    chunks = make_chunks(paragraphs, settings.llm.chunk_chars, settings.llm.chunk_paragraphs)
    assert len(server.requests) == len(chunks) == result.run.usage.calls
    assert result.run.backend == "llm" and result.run.model == "scripted-model"
    assert result.run.prompts["narrative"].startswith("v2@")
    assert result.narrative_statements and all(s.source == "llm" for s in result.narrative_statements)
    assert all(s.grounded for s in result.narrative_statements)
    # 预算 002, hand-read: "2024 年支出预算 2385.56 万元，其中：基本支出 964.33 万元，占 40.4%"
    basic = next(s for s in result.narrative_statements if s.metric == "基本支出" and s.share_pct is not None)
    assert (basic.amount, basic.share_pct) == (964.33, 40.4)
    assert corpus["002"].original(basic.provenance["amount"]) == "基本支出 964.33 万元"
    assert {s.paragraph_id for s in result.narrative_statements} <= {
        p.model.id for p in paragraphs if holds_figure(p)
    }
    again = extract(corpus["002"], settings)
    assert len(server.requests) == len(chunks)  # the second run came from the cache
    assert again.run.usage.cached_calls == len(chunks) and again.run.usage.calls == 0
    assert [s.model_dump() for s in again.narrative_statements] == [
        s.model_dump() for s in result.narrative_statements
    ]


def test_failed_chunk_lands_in_the_output_failures(
    server: ScriptedLLMServer, corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    oracle = rules_responder()

    def flaky(request: dict[str, Any]) -> Any:
        if "[p682]" in request["messages"][1]["content"]:
            return error(500, "down")
        return oracle(request)

    server.responder = flaky
    settings = make_settings(server, tmp_path, max_retries=1, chunk_paragraphs=1).model_copy(
        update={"backend": "llm"}
    )
    result = extract(corpus["002"], settings)
    [failure] = result.failures
    assert (failure.stage, failure.chunk_id, failure.error_type) == ("llm", "p682", "TransportError")
    assert corpus["002"].original(failure.span).startswith("2024 年支出预算 2385.56 万元")
    assert not any(s.paragraph_id == "p682" for s in result.narrative_statements)
    assert any(s.paragraph_id != "p682" for s in result.narrative_statements)


def test_hybrid_sends_only_paragraphs_the_rules_leave_unexplained(
    server: ScriptedLLMServer, corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    settings = make_settings(server, tmp_path, chunk_paragraphs=1).model_copy(update={"backend": "hybrid"})
    paragraphs = extract_paragraphs(corpus["002"])
    rules = extract_statements(paragraphs)
    by_paragraph: dict[str, list[NarrativeStatement]] = defaultdict(list)
    for statement in rules:
        by_paragraph[statement.paragraph_id].append(statement)
    hard = [p.model.id for p in paragraphs if needs_model(p, by_paragraph[p.model.id])]
    result = make_backend(settings).read(BackendJob(source=corpus["002"], paragraphs=paragraphs))
    sent = set(sent_paragraph_ids(server))  # calls run concurrently: order is not kept
    assert sent == set(hard) and result.model_paragraphs == len(hard)
    figures = [p for p in paragraphs if holds_figure(p)]
    assert 0 < len(hard) < len(figures)
    kept = [s for s in result.statements if s.paragraph_id not in hard]
    assert kept and all(s.source == "rules" for s in kept)
    assert all(s.source == "llm" for s in result.statements if s.paragraph_id in hard)


def test_unexplained_figures_are_amounts_and_percentages_no_statement_holds(
    corpus: dict[str, SourceText],
) -> None:
    text = (
        "本年支出合计 100 万元，其中：基本支出 60 万元，占 60%；项目支出 40 万元；单价 50 万元（含）以上设备 2 台。\n"
    )
    source = SourceText.from_text("t", text, "0" * 64, "utf-8")
    [paragraph] = extract_paragraphs(source)
    said = [
        NarrativeStatement(paragraph_id=paragraph.model.id, metric="本年支出合计", amount=100, unit="万元"),
        NarrativeStatement(paragraph_id=paragraph.model.id, metric="基本支出", amount=60, share_pct=60),
    ]
    assert unexplained_figures(paragraph, said) == [40.0]  # not 2 (台) nor the 50 万元（含）以上 threshold
    assert needs_model(paragraph, said)
    complete = [*said, NarrativeStatement(paragraph_id=paragraph.model.id, metric="项目支出", amount=40)]
    assert not needs_model(paragraph, complete)
    inconsistent = NarrativeStatement(
        paragraph_id=paragraph.model.id, metric="x", amount=100, prior_amount=90, change_amount=5
    )
    assert needs_model(paragraph, [*complete, inconsistent])
