"""One queue for every model call of a run, against the scripted server: the
configured concurrency is never exceeded across reports and stages, no stage
waits for another (a follow-up waits for its own chunk only, a report for none
of the others), a failed or late call is recorded and the rest complete, and
the outputs are those of reports read one by one."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from extractor.backends import Backend
from extractor.document import SourceText
from extractor.errors import LLMError
from extractor.llm.call_queue import ModelQueue
from extractor.pipeline import extract
from extractor.runs import for_each_report, reports_at_once
from extractor.settings import LLMSettings, Settings
from schemas import ExtractionResult
from tests.llm_server import (
    LogNormalLatency,
    Reply,
    Request,
    ScriptedLLMServer,
    error,
    request_kind,
    rules_responder,
    stall,
    user_text,
)

REPORTS = ("002", "004")  # 004 holds a paragraph whose own figures disagree: one follow-up
GATE_SECONDS = 20.0  # a held call is let go after this even if its gate never opens (a failing test, not a hang)


def llm_settings(server: ScriptedLLMServer, home: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "api_key": "test-key",
        "model": "scripted-model",
        "timeout": 60.0,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
        "max_retries": 1,
        "max_reasks": 1,
        "cache": False,
        "concurrency": 4,
    }
    values.update(overrides)
    return Settings(home=home, backend="llm", llm=LLMSettings(**values))


def run_cli(home: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """``extractor ARGS`` in a process of its own, with only ``variables`` of the
    EXTRACTOR_/OPENAI_ environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACTOR_"))}
    env |= {"EXTRACTOR_HOME": str(home), **variables}
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], env=env, capture_output=True, text=True, timeout=300
    )


def comparable(result: ExtractionResult) -> dict[str, Any]:
    """The result without its wall time."""
    return result.model_dump(exclude={"run": {"seconds"}})


def run_all(sources: list[SourceText], settings: Settings) -> dict[str, ExtractionResult]:
    """The reports through one run (one queue), by source name."""

    def one(source: SourceText, backend: Backend) -> ExtractionResult:
        return extract(source, settings, backend=backend)

    return {source.name: result for source, result in for_each_report(sources, one, settings)}


@dataclass
class Reference:
    """Each report read on its own (a client of its own): its result and the
    user messages of its calls."""

    results: dict[str, ExtractionResult] = field(default_factory=dict)
    texts: dict[str, set[str]] = field(default_factory=dict)
    followups: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def reference(corpus: dict[str, SourceText], tmp_path_factory: pytest.TempPathFactory) -> Reference:
    found = Reference()
    home = tmp_path_factory.mktemp("reference")
    for name in REPORTS:
        with ScriptedLLMServer(responder=rules_responder()) as server:
            source = corpus[name]
            found.results[source.name] = extract(source, llm_settings(server, home))
            found.texts[source.name] = {user_text(r) for r in server.requests}
            found.followups[source.name] = [user_text(r) for r in server.requests if request_kind(r) == "followup"]
    return found


class Gate:
    """A responder that holds the first call ``hold`` picks until ``opened`` is
    set, and logs what the server sees, in order."""

    def __init__(self, hold: Any) -> None:
        self.hold = hold
        self.opened = threading.Event()
        self.events: list[tuple[str, str]] = []
        self.held: str | None = None
        self.released_by_gate: bool | None = None
        self._good = rules_responder()
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        text = user_text(request)
        with self._lock:
            self.events.append(("arrived", text))
            mine = self.held is None and self.hold(request)
            if mine:
                self.held = text
        if mine:
            self.released_by_gate = self.opened.wait(GATE_SECONDS)
            with self._lock:
                self.events.append(("released", text))
        return self._good(request)

    def position(self, event: str, text: str) -> int:
        return self.events.index((event, text))


def test_concurrency_is_never_exceeded_and_outputs_are_the_reports_read_one_by_one(
    corpus: dict[str, SourceText], reference: Reference, tmp_path: Path
) -> None:
    latency = LogNormalLatency(median=0.03, sigma=1.0, seed=3)
    with ScriptedLLMServer(responder=rules_responder(), delay=latency) as server:
        settings = llm_settings(server, tmp_path, concurrency=3)
        results = run_all([corpus[name] for name in REPORTS], settings)
        calls = len(server.requests)
        most = server.max_in_flight
    assert reports_at_once(settings) == 3
    # narrative chunks, line-flow forms, follow-ups and per-project summaries, all in one queue
    assert calls == sum(r.run.usage.calls for r in results.values()) == 57
    assert most == 3  # every slot used, never one more
    assert {name: comparable(r) for name, r in results.items()} == {
        name: comparable(r) for name, r in reference.results.items()
    }
    followups = [r.run.usage.reasks for r in results.values()]
    assert sorted(followups) == [0, 1]


def test_a_followup_waits_for_its_own_chunk_only(
    corpus: dict[str, SourceText], reference: Reference, tmp_path: Path
) -> None:
    source = corpus["004"]
    [followup] = reference.followups[source.name]
    asked_about = followup.split("]", 1)[0] + "]"  # "[p123]": the paragraph the follow-up is about

    def other_narrative_chunk(request: Request) -> bool:
        return request_kind(request) == "narrative" and asked_about not in user_text(request)

    gate = Gate(other_narrative_chunk)
    with ScriptedLLMServer(responder=gate) as server:

        def open_on_followup(request: Request) -> Reply:
            if request_kind(request) == "followup":
                gate.opened.set()
            return gate(request)

        server.responder = open_on_followup
        result = extract(source, llm_settings(server, tmp_path))
    assert gate.held is not None
    # The follow-up reached the server while another chunk's first call was still unanswered.
    assert gate.position("arrived", followup) < gate.position("released", gate.held)
    assert gate.released_by_gate is True
    assert comparable(result) == comparable(reference.results[source.name])


def test_a_report_does_not_wait_for_another_reports_slow_call(
    corpus: dict[str, SourceText], reference: Reference, tmp_path: Path
) -> None:
    slow, quick = corpus["004"], corpus["002"]
    gate = Gate(lambda request: user_text(request) in reference.texts[slow.name])
    finished: list[str] = []
    with ScriptedLLMServer(responder=gate) as server:
        settings = llm_settings(server, tmp_path)

        def one(source: SourceText, backend: Backend) -> ExtractionResult:
            return extract(source, settings, backend=backend)

        results = {}
        for source, result in for_each_report([slow, quick], one, settings):
            finished.append(source.name)
            results[source.name] = result
            if source is quick:
                gate.opened.set()
    # The quick report ran through while the slow report's first call was held.
    assert finished == [quick.name, slow.name]
    assert gate.released_by_gate is True
    assert {n: comparable(r) for n, r in results.items()} == {
        n: comparable(reference.results[n]) for n in results
    }


def test_failed_and_late_calls_are_recorded_and_the_rest_complete(
    corpus: dict[str, SourceText], reference: Reference, tmp_path: Path
) -> None:
    first, second = corpus["002"], corpus["004"]
    failing = sorted(t for t in reference.texts[first.name] if t.startswith("[p"))[0]
    late = sorted(t for t in reference.texts[second.name] if t.startswith("[p"))[0]
    good = rules_responder()

    def route(request: Request) -> Reply:
        text = user_text(request)
        if text == failing:
            return error(500, "injected fault")
        if text == late:
            return stall(1.5)  # past the client's 0.5 s timeout, every attempt
        return good(request)

    with ScriptedLLMServer(responder=route) as server:
        results = run_all([first, second], llm_settings(server, tmp_path, timeout=0.5))
    assert set(results) == {first.name, second.name}
    for source, text, reason in ((first, failing, "HTTP 500"), (second, late, "timed out")):
        result = results[source.name]
        [failure] = result.failures
        assert failure.error_type == "TransportError" and reason in failure.reason
        failed_ids = {p.split("[", 1)[0] for p in failure.chunk_id.split("+")}
        assert all(f"[{pid}] " in text for pid in failed_ids)
        # Every other paragraph's statements are those of the run without faults.
        kept = [s for s in reference.results[source.name].narrative_statements if s.paragraph_id not in failed_ids]
        assert [s.model_dump() for s in result.narrative_statements] == [s.model_dump() for s in kept]
        assert result.run.usage.failed_calls == 2  # the first attempt and the one retry


def test_a_closed_queue_refuses_work(tmp_path: Path) -> None:
    with ScriptedLLMServer(responder=rules_responder()) as server:
        settings = llm_settings(server, tmp_path)
        with ModelQueue(settings.llm) as queue:

            async def model_name(client: Any) -> str:
                return str(client.model)

            assert queue.run(model_name) == "scripted-model"
        with pytest.raises(LLMError, match="closed"):
            queue.run(model_name)


def test_a_run_without_a_model_stops_before_any_report(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parent.parent / "samples"
    done = run_cli(
        tmp_path / "home",
        *("extract", str(folder), "--backend", "llm", "-o", str(tmp_path / "out")),
        EXTRACTOR_LLM_BASE_URL="http://127.0.0.1:9/v1",
    )
    assert done.returncode == 2, done.stderr
    assert "EXTRACTOR_LLM_MODEL" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_batch_with_the_llm_backend_is_one_run(
    corpus: dict[str, SourceText], reference: Reference, tmp_path: Path
) -> None:
    samples = Path(__file__).resolve().parent.parent / "samples"
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in REPORTS:
        source = corpus[name]
        (folder / source.name).write_bytes((samples / source.name).read_bytes())
    first, second = (corpus[name].name for name in REPORTS)
    # The first report's first call is held until a call of the second report arrives:
    # read one after the other, the second would never start while the first waits.
    gate = Gate(lambda request: user_text(request) in reference.texts[first])

    def open_on_second(request: Request) -> Reply:
        if user_text(request) in reference.texts[second]:
            gate.opened.set()
        return gate(request)

    with ScriptedLLMServer(responder=open_on_second, delay=0.05) as server:
        done = run_cli(
            tmp_path / "home",
            *("batch", str(folder), "--backend", "llm", "-o", str(tmp_path / "out")),
            EXTRACTOR_LLM_BASE_URL=server.base_url,
            EXTRACTOR_LLM_MODEL="scripted-model",
            EXTRACTOR_LLM_CONCURRENCY="3",
            EXTRACTOR_LLM_CACHE="false",
        )
        most = server.max_in_flight
    assert done.returncode == 0, done.stderr
    assert gate.released_by_gate is True
    assert most == 3
    for name, expected in reference.results.items():
        written = ExtractionResult.model_validate_json((tmp_path / "out" / f"{Path(name).stem}.json").read_text())
        assert [s.model_dump() for s in written.narrative_statements] == [
            s.model_dump() for s in expected.narrative_statements
        ]
        assert written.run.usage == expected.run.usage
