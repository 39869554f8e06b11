"""The harness end to end through the LLM backend, against a scripted
OpenAI-compatible server that answers from the gold itself.

For every paragraph piece the backend sends (``[p12] text`` blocks), the
server answers with the gold statements whose quotes stand in that piece, in
the backend's response schema (``extractor.llm.answers``), naming the paragraph
it was given. Chunking, prompting, parsing, grounding and scoring must then
lose nothing: every statement field scores perfectly, except ``paragraph_id``
where the pipeline's paragraphs start elsewhere than the gold's (the answer can
only name a paragraph it was sent). A variant corrupts every 4th statement's
amount and must score exactly that much lower.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals.compare import compare_runs
from evals.gold_io import load_gold
from evals.harness import EvalOptions, find_source, run_eval
from evals.runs import RunRecord, RunStore
from extractor.document import SourceText, load_report
from extractor.pipeline import extract
from extractor.settings import Settings
from tests.helpers.cli import run_cli
from tests.helpers.gold_oracle import TEXT_REPORTS, GoldOracle, oracle_settings
from tests.llm_server import ScriptedLLMServer

ROOT = Path(__file__).resolve().parent.parent


def _settings(server: ScriptedLLMServer, home: Path) -> Settings:
    return oracle_settings(server.base_url, home, cache=True)


@dataclass
class Perfect:
    """The run answered by the gold oracle, and what it took."""

    record: RunRecord
    oracle: GoldOracle
    store: RunStore
    server: ScriptedLLMServer
    home: Path
    requests: int  # HTTP requests the run made


@pytest.fixture(scope="module")
def perfect(corpus: dict[str, SourceText], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Perfect]:
    # the pipeline's paragraphs (segmentation is deterministic, the same for every backend):
    # a statement is answered in its own paragraph only, never twice, since a second copy
    # in a section labelled complete would count as spurious
    paragraphs = {
        key: {p.id for p in extract(load_report(find_source(load_gold(key)), Settings()), Settings()).narratives}
        for key in TEXT_REPORTS
    }
    oracle = GoldOracle(corpus, paragraphs=paragraphs)
    home = tmp_path_factory.mktemp("e2e")
    store = RunStore.under(home)
    with ScriptedLLMServer(responder=oracle) as server:
        options = EvalOptions(backend="llm", label="gold oracle", reports=TEXT_REPORTS)
        record = run_eval(options, _settings(server, home), store)
        yield Perfect(record, oracle, store, server, home, len(server.requests))


def _mismatched_paragraphs(perfect: Perfect) -> int:
    """Gold statements whose paragraph the pipeline does not have (it starts its
    paragraph elsewhere): the oracle can only name a paragraph it was sent."""
    predictions = perfect.store.predictions(perfect.record)
    count = 0
    for key, extraction in predictions.items():
        ids = {paragraph.id for paragraph in extraction.narratives}
        count += sum(1 for s in load_gold(key).statements if s.paragraph_id not in ids)
    return count


def test_gold_answering_model_loses_nothing(perfect: Perfect) -> None:
    record = perfect.record
    total = sum(len(b.statements) for b in perfect.oracle.gold.values())
    assert len(perfect.oracle.answered) == total == 165  # every gold statement was found in a piece sent
    assert record.config.backend == "llm" and record.model == "gold-oracle"
    assert record.prompts["narrative"].startswith(f"{record.config.prompts['narrative']}@")
    assert record.usage.calls == perfect.requests > 0 and record.usage.cached_calls == 0
    assert record.usage.prompt_tokens == 100 * perfect.requests  # the server's scripted usage
    assert not [f for r in record.reports for f in r.failures]
    statements = record.scores.types["statements"]
    for name, counts in statements.fields.items():
        if name != "paragraph_id":
            assert counts.wrong == counts.missed == counts.spurious == 0, (name, counts)
            assert counts.correct > 0 or counts.correct_null > 0, name
    assert statements.records["statements"].matched == 165
    mismatched = _mismatched_paragraphs(perfect)
    paragraph = statements.fields["paragraph_id"]
    assert (paragraph.correct, paragraph.wrong) == (165 - mismatched, mismatched)
    support = statements.micro.support
    assert statements.micro.f1 == pytest.approx((support - mismatched) / support, abs=1e-12)
    assert statements.micro.f1 == 1.0 or mismatched > 0
    # forms and table rows come from the deterministic parsers whatever the backend
    assert record.scores.types["forms"].micro.f1 > 0.9


def test_corrupted_amounts_score_exactly_that_much_lower(
    perfect: Perfect, corpus: dict[str, SourceText]
) -> None:
    predictions = perfect.store.predictions(perfect.record)
    paragraphs = {key: {p.id for p in extraction.narratives} for key, extraction in predictions.items()}
    oracle = GoldOracle(corpus, paragraphs=paragraphs, corrupt_every=4)
    perfect.server.responder = oracle
    before = len(perfect.server.requests)
    # repeat 1: a new cache key, so the calls reach the (now corrupting) model
    corrupted = run_eval(
        EvalOptions(backend="llm", repeat=1, label="every 4th amount + 1", reports=TEXT_REPORTS),
        _settings(perfect.server, perfect.home),
        perfect.store,
    )
    assert corrupted.usage.cached_calls == 0 and len(perfect.server.requests) - before == perfect.requests
    expected = {
        (key, index)
        for key, bundle in oracle.gold.items()
        for index, s in enumerate(bundle.statements)
        if index % 4 == 3 and s.amount is not None and s.paragraph_id in paragraphs[key]
    }
    assert oracle.corrupted == expected and len(expected) > 10
    k, m = len(expected), _mismatched_paragraphs(perfect)
    statements = corrupted.scores.types["statements"]
    support = perfect.record.scores.types["statements"].micro.support
    assert statements.micro.support == support
    assert statements.fields["amount"].wrong == k
    assert statements.micro.f1 == pytest.approx((support - m - k) / support, abs=1e-12)
    comparison = compare_runs(perfect.record, corrupted)
    with_amount = sum(1 for b in oracle.gold.values() for s in b.statements if s.amount is not None)
    amount = comparison.scope("statements", "amount")
    assert amount.difference == pytest.approx(-k / with_amount, abs=1e-12) and amount.high < 0
    ids = {
        (item.report, index): item.item_id
        for key in oracle.gold
        for index, item in enumerate(
            i for i in perfect.record.items if i.report == key and i.record_type == "statements"
        )
    }
    # two gold statements equal in every scored field (000 p6437 涉及资金 0 万元, #2 and #3) may
    # trade places in the alignment: compare ids without the #n that tells them apart
    flipped = {re.sub(r" #\d+$", "", f.item_id) for f in comparison.flips if f.field == "amount"}
    assert flipped == {re.sub(r" #\d+$", "", ids[e]) for e in expected}
    assert all(f.a == "correct" and f.b == "wrong" for f in comparison.flips)


def test_repeats_through_the_cli_are_fresh_calls(perfect: Perfect, tmp_path: Path) -> None:
    perfect.server.responder = perfect.oracle
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    env |= {
        "EXTRACTOR_HOME": str(tmp_path),
        "EXTRACTOR_LLM_BASE_URL": perfect.server.base_url,
        "EXTRACTOR_LLM_API_KEY": "test-key",
        "EXTRACTOR_LLM_MAX_RETRIES": "1",
        "PYTHONPATH": str(ROOT),
    }

    def run(*args: str) -> dict[str, object]:
        command = ["eval", "run", "--backend", "llm", "--report", "004", "--model", "gold-oracle", "--json"]
        done = run_cli(*command, *args, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    before = len(perfect.server.requests)
    twice = run("--repeats", "2")
    calls = int(twice["usage"]["calls"])  # type: ignore[index]
    assert calls > 0 and len(perfect.server.requests) - before == 2 * calls  # the repeat was not a cache hit
    assert len(twice["run_ids"]) == 2  # type: ignore[arg-type]
    spread = twice["spread"]["statements"]  # type: ignore[index]
    assert spread["min"] == spread["max"] and spread["stdev"] == 0.0  # the oracle is deterministic
    [report] = [r for r in perfect.record.reports if r.report == "004"]
    assert twice["scores"]["statements"]["f1"] == round(report.scores.types["statements"].micro.f1, 6)  # type: ignore[index]
    before = len(perfect.server.requests)
    again = run()
    assert len(perfect.server.requests) == before  # repeat 0 again: every call from the cache
    assert again["usage"]["cached_calls"] == calls  # type: ignore[index]
