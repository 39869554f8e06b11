"""The SQLite response cache: a second identical run makes no HTTP call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.document import SourceText
from extractor.llm.cache import ResponseCache, cache_path
from extractor.llm.narrative import read_narrative
from extractor.narrative import Paragraph, extract_paragraphs
from tests.helpers.llm import GOOD, make_settings
from tests.llm_server import ScriptedLLMServer, answer


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as scripted:
        yield scripted


@pytest.fixture(scope="module")
def paragraph(corpus: dict[str, SourceText]) -> Paragraph:
    return next(p for p in extract_paragraphs(corpus["001"]) if p.model.id == "p1288")


def test_second_run_is_served_from_the_cache(
    server: ScriptedLLMServer, tmp_path: Path, paragraph: Paragraph
) -> None:
    server.script(answer(GOOD, usage=(400, 80)))
    settings = make_settings(server, tmp_path, cache=True)
    first = read_narrative([paragraph], settings)
    second = read_narrative([paragraph], settings)
    assert len(server.requests) == 1  # the second run made no HTTP call at all
    assert (second.usage.calls, second.usage.cached_calls, second.usage.prompt_tokens) == (0, 1, 0)
    assert (first.usage.calls, first.usage.cached_calls, first.usage.prompt_tokens) == (1, 0, 400)
    assert [s.model_dump() for s in second.statements] == [s.model_dump() for s in first.statements]
    with_db = ResponseCache(cache_path(tmp_path))
    assert len(with_db) == 1
    with_db.close()


def test_the_key_covers_model_prompt_parameters_and_repeat(
    server: ScriptedLLMServer, tmp_path: Path, paragraph: Paragraph
) -> None:
    server.responder = answer(GOOD)
    base = make_settings(server, tmp_path, cache=True)
    read_narrative([paragraph], base)
    variants = [
        make_settings(server, tmp_path, cache=True, model="other-model"),
        make_settings(server, tmp_path, cache=True, narrative_prompt="v1"),
        make_settings(server, tmp_path, cache=True, temperature=0.7),
        make_settings(server, tmp_path, cache=True, repeat=1),
    ]
    for settings in variants:
        read_narrative([paragraph], settings)
    assert len(server.requests) == 5  # each variant missed the cache once
    for settings in [base, *variants]:
        read_narrative([paragraph], settings)
    assert len(server.requests) == 5  # and hit it the second time


def test_no_cache_switch_always_calls(
    server: ScriptedLLMServer, tmp_path: Path, paragraph: Paragraph
) -> None:
    server.responder = answer(GOOD)
    settings = make_settings(server, tmp_path, cache=False)
    read_narrative([paragraph], settings)
    read_narrative([paragraph], settings)
    assert len(server.requests) == 2
    assert not cache_path(tmp_path).exists()


def test_failures_are_not_cached(server: ScriptedLLMServer, tmp_path: Path, paragraph: Paragraph) -> None:
    server.script(answer({"statements": "not a list"}))
    settings = make_settings(server, tmp_path, cache=True, max_reasks=0)
    failed = read_narrative([paragraph], settings)
    assert [f.error_type for f in failed.failures] == ["InvalidAnswerError"]
    server.script(answer(GOOD))
    again = read_narrative([paragraph], settings)
    assert len(server.requests) == 2 and len(again.statements) == 2 and again.usage.cached_calls == 0
