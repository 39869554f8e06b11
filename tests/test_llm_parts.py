"""The small parts of the model path: prompts, chunks, answer validation,
settings from the environment, the client-side rate limit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.document import SourceText
from extractor.errors import ConfigError
from extractor.llm.answers import NarrativeAnswer, StatementAnswer, from_statement
from extractor.llm.chunks import holds_figure, make_chunks
from extractor.llm.client import LLMClient
from extractor.llm.metering import RateLimiter
from extractor.llm.prompts import load_prompt
from extractor.narrative import extract_paragraphs
from extractor.narrative.statements import extract_statements
from extractor.settings import LLMSettings, Settings

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def test_every_prompt_loads_with_version_and_description() -> None:
    loaded = [load_prompt("narrative", "v1"), load_prompt("narrative", "v2"), load_prompt("form", "v1")]
    assert [(p.name, p.version) for p in loaded] == [("narrative", "v1"), ("narrative", "v2"), ("form", "v1")]
    assert all(p.description and "---" not in p.text[:10] for p in loaded)
    assert len({p.ref for p in loaded}) == 3
    assert "示例" in loaded[1].text and "示例" not in loaded[0].text  # v2 carries worked examples


def test_v2_examples_are_valid_answers() -> None:
    """The worked examples teach the model the schema: they must pass it themselves."""
    text = load_prompt("narrative", "v2").text
    examples = [line for line in text.splitlines() if line.startswith('{"statements"')]
    assert len(examples) == 3
    for line in examples:
        NarrativeAnswer.model_validate_json(line)


def test_prompt_hash_follows_the_text(tmp_path: Path) -> None:
    (tmp_path / "narrative").mkdir()
    body = (PROMPTS / "narrative" / "v1.md").read_text(encoding="utf-8")
    (tmp_path / "narrative" / "v1.md").write_text(body, encoding="utf-8")
    same = load_prompt("narrative", "v1", tmp_path)
    (tmp_path / "narrative" / "v1.md").write_text(body + "\n5. 补充一条规则。", encoding="utf-8")
    edited = load_prompt("narrative", "v1", tmp_path)
    assert same.ref == load_prompt("narrative", "v1").ref
    assert edited.ref != same.ref and edited.ref.startswith("v1@")


def test_missing_or_malformed_prompt_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="available"):
        load_prompt("narrative", "v9")
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "v1.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(ConfigError, match="front matter"):
        load_prompt("narrative", "v1", tmp_path)


def test_chunks_stay_small_and_skip_prose_without_figures(corpus: dict[str, SourceText]) -> None:
    paragraphs = extract_paragraphs(corpus["001"])
    chunks = make_chunks(paragraphs, max_chars=1500, max_paragraphs=3)
    covered = [piece.paragraph_id for chunk in chunks for piece in chunk.pieces]
    with_figures = [p.model.id for p in paragraphs if holds_figure(p)]
    assert list(dict.fromkeys(covered)) == with_figures
    assert all(len(chunk.pieces) <= 3 for chunk in chunks)
    skipped = [p for p in paragraphs if p.model.id not in covered]
    assert "p1288" in covered and skipped  # prose without a digit is never sent
    assert not any(ch.isdigit() for p in skipped for ch in p.model.text)


def test_long_paragraph_is_cut_at_sentence_ends() -> None:
    sentences = [f"第{i}项支出 {i}.5 万元，比上年增加 1 万元。" for i in range(100)]
    text = "".join(sentences) + "\n"
    [paragraph] = extract_paragraphs(SourceText.from_text("long.txt", text, "0" * 64, "utf-8"))
    chunks = make_chunks([paragraph], max_chars=500, max_paragraphs=3)
    pieces = [piece for chunk in chunks for piece in chunk.pieces]
    assert len(paragraph.model.text) > 2000 and len(pieces) >= 4
    assert "".join(piece.text for piece in pieces) == paragraph.model.text  # the pieces tile it exactly
    assert all(piece.text.endswith("。") for piece in pieces)
    assert all(len(piece.text) <= 520 for piece in pieces)  # the sentence end nearest the limit
    assert chunks[1].id == f"p1[{pieces[1].start}:{pieces[1].end}]"
    [first, second] = chunks[0].split()
    assert first.pieces[0].text + second.pieces[0].text == chunks[0].pieces[0].text


def test_chunk_span_points_at_the_source(corpus: dict[str, SourceText]) -> None:
    paragraphs = [p for p in extract_paragraphs(corpus["001"]) if p.model.id in ("p1280", "p1288")]
    [chunk] = make_chunks(paragraphs, max_chars=5000, max_paragraphs=3)
    assert chunk.id == "p1280+p1288"
    span = chunk.span()
    assert (span.line_start, span.line_end) == (1280, 1288)
    assert corpus["001"].original(span).startswith("本年收入合计 17334.64 万元")
    assert chunk.render().startswith("[p1280] 本年收入合计")
    halves = chunk.split()
    assert [h.id for h in halves] == ["p1280", "p1288"]


def test_answer_validation_rejects_unquoted_figures_and_wrong_signs() -> None:
    base = {"paragraph": "p1", "metric": "支出", "amount": 5.0, "unit": "万元"}
    with pytest.raises(ValidationError, match="no entry in quotes"):
        StatementAnswer.model_validate(base)
    quoted = base | {"quotes": [{"field": "amount", "quote": "支出 5 万元"}]}
    assert StatementAnswer.model_validate(quoted).amount == 5.0
    wrong_sign = quoted | {
        "direction": "decrease",
        "change_amount": 1.0,
        "quotes": [
            {"field": "amount", "quote": "支出 5 万元"},
            {"field": "change_amount", "quote": "减少 1 万元"},
        ],
    }
    with pytest.raises(ValidationError, match="decrease but the change is positive"):
        StatementAnswer.model_validate(wrong_sign)
    with pytest.raises(ValidationError, match="not one of the given paragraphs"):
        StatementAnswer.model_validate(quoted, context={"paragraph_ids": {"p2"}})


def test_schema_field_names_are_ascii() -> None:
    schema = json.dumps(NarrativeAnswer.model_json_schema(), ensure_ascii=False)
    properties = NarrativeAnswer.model_json_schema()["$defs"]["StatementAnswer"]["properties"]
    assert all(name.isascii() for name in properties)
    assert "本年数" in schema  # the Chinese is in the descriptions


def test_rule_statements_round_trip_as_answers(corpus: dict[str, SourceText]) -> None:
    """A perfect model (the rules' own statements as answers) passes validation."""
    paragraphs = extract_paragraphs(corpus["001"])
    statements = extract_statements(paragraphs)
    assert statements
    answers = [from_statement(s) for s in statements]
    NarrativeAnswer(statements=answers)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://sdk.example/v1")
    monkeypatch.setenv("OPENAI_MODEL", "sdk-model")
    monkeypatch.setenv("EXTRACTOR_LLM_MODEL", "ours")
    monkeypatch.setenv("EXTRACTOR_LLM_MODE", "json")
    monkeypatch.setenv("EXTRACTOR_LLM_TIMEOUT", "7.5")
    monkeypatch.setenv("EXTRACTOR_LLM_CACHE", "false")
    llm = Settings().llm
    assert (llm.base_url, llm.model, llm.mode, llm.timeout, llm.cache) == (
        "http://sdk.example/v1",
        "ours",
        "json",
        7.5,
        False,
    )


def test_client_needs_a_model_and_a_key_or_a_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "EXTRACTOR_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="EXTRACTOR_LLM_MODEL"):
        LLMClient(LLMSettings())
    with pytest.raises(ConfigError, match="EXTRACTOR_LLM_API_KEY"):
        LLMClient(LLMSettings(model="m"))


def test_rate_limiter_holds_requests_and_tokens_to_the_window() -> None:
    now = [0.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def scenario() -> None:
        limiter = RateLimiter(
            requests_per_minute=2, tokens_per_minute=None, clock=lambda: now[0], sleep=fake_sleep
        )
        await limiter.acquire(10)
        now[0] = 5.0
        await limiter.acquire(10)
        await limiter.acquire(10)  # third in the window: waits until the first is 60 s old
        assert slept == [55.0] and now[0] == 60.0
        tokens = RateLimiter(None, tokens_per_minute=100, clock=lambda: now[0], sleep=fake_sleep)
        await tokens.acquire(60)
        tokens.settle(60, 90)  # the server counted more than estimated
        await tokens.acquire(20)  # 90 + 20 > 100: wait for the window to clear
        assert slept[-1] == 60.0

    asyncio.run(scenario())
