"""Benchmark the model path against the scripted server (no real model).

    python bench/bench_llm.py [--latency 0.2] [--concurrency 8]
    python bench/bench_llm.py --latency 0.5 --spread 1.0 [--seed 0]
    python bench/bench_llm.py --fail-rate 0.3 [--seed 0]

The server (tests/llm_server.py, in its own process) answers every call after
``--latency`` seconds with the deterministic reader's statements for the
paragraphs in the prompt; with ``--spread S`` the latency of each call is drawn
from a log-normal distribution of median ``--latency`` and sigma ``S`` (seeded
by ``--seed`` and the call's prompt: S = 1 puts one call in a hundred past ten
times the median, as real endpoints do). The ideal is ``concurrency / mean
latency``, the mean taken over the calls the pass made.

Two figures, each over ``--passes`` timed passes after a cold one (other load
on the machine only ever slows a pass, so the verdict uses the best; the median
is printed too):

* narrative: the narrative chunks of the whole corpus through one client
  (:func:`extractor.llm.narrative.read_narratives`), then the same run again
  (every answer from the SQLite cache: zero calls), and the ``hybrid``
  backend's calls against ``llm``'s;
* whole run: every stage (narrative chunks, line-flow forms, follow-up
  questions) of every corpus report through the ``llm`` backend, the way
  ``extractor extract samples/ --backend llm`` runs them (``--section run``
  measures this one alone); the bound this pass could reach at best (the
  calls' total latency over the concurrency, or its longest call) is printed
  beside it.

Token counts are the scripted server's: characters of prompt and answer.

With ``--fail-rate R`` the server fails that share of calls at random (seeded:
HTTP 500, a stall past the client's 1 s timeout, a malformed answer) and one
run over the corpus reports calls, failed calls, retries, chunks extracted and
failed (reasons tallied) and the wall time; the exit status is 1 if a chunk
is neither extracted nor recorded as failed.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.llm_server

from extractor.backends import Backend, BackendJob, make_backend  # noqa: E402 (after the sys.path entry)
from extractor.document import SourceText, load_report  # noqa: E402
from extractor.forms import extract_forms, extract_score_tables  # noqa: E402
from extractor.llm.chunks import make_chunks  # noqa: E402
from extractor.llm.narrative import NarrativeRun, read_narratives  # noqa: E402
from extractor.narrative import Paragraph, extract_paragraphs  # noqa: E402
from extractor.pipeline import extract  # noqa: E402
from extractor.runs import for_each_report  # noqa: E402
from extractor.settings import LLMSettings, Settings  # noqa: E402
from extractor.tables import extract_tables  # noqa: E402
from schemas import ExtractionResult  # noqa: E402
from tests.llm_server import FaultyResponder, LogNormalLatency, ScriptedLLMServer, rules_responder  # noqa: E402

SAMPLES = ROOT / "samples"
TARGET = 0.8
RUN_TARGET = 0.9  # the whole run: every stage of every report in one queue


def prose(source: SourceText) -> list[Paragraph]:
    """The paragraphs the pipeline hands to the backend (outside tables and forms)."""
    claimed = [(t.line_start, t.line_end) for t in extract_tables(source) if t.line_start and t.line_end]
    forms, _ = extract_forms(source)
    claimed += [(f.line_start, f.line_end) for f in forms]
    claimed += [(s.line_start, s.line_end) for s in extract_score_tables(source)]
    return extract_paragraphs(source, claimed)


def _serve(latency: float, pipe: Connection, fail_rate: float = 0.0, seed: int = 0, spread: float = 0.0) -> None:
    """Child process: run the scripted server until told to stop; answer request counts."""
    responder = FaultyResponder(fail_rate, seed, stall_seconds=2.0) if fail_rate else rules_responder()
    delay = LogNormalLatency(latency, spread, seed) if spread else latency
    with ScriptedLLMServer(responder=responder, delay=delay) as server:
        pipe.send(server.base_url)
        while (command := pipe.recv()) != "stop":
            if command == "count":
                pipe.send(len(server.requests))
            elif command == "reset":
                server.served.clear()
                pipe.send(None)
            elif command == "fates" and isinstance(responder, FaultyResponder):
                pipe.send(collections.Counter(fate for _, fate, _ in responder.log))
            elif command == "window":
                served = list(server.served)
                pipe.send((min(a for a, _ in served), max(b for _, b in served)) if served else (0.0, 0.0))
            elif command == "durations":
                pipe.send([end - start for start, end in server.served])
            else:
                pipe.send(server.occupancy())


@contextmanager
def server_process(
    latency: float, fail_rate: float = 0.0, seed: int = 0, spread: float = 0.0
) -> Iterator[tuple[str, Connection]]:
    """The scripted server in its own process, as a real model server would be:
    its work does not compete with the client for this interpreter's GIL."""
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=_serve, args=(latency, theirs, fail_rate, seed, spread), daemon=True)
    child.start()
    try:
        yield ours.recv(), ours
    finally:
        ours.send("stop")
        child.join(timeout=10)


def requests_seen(pipe: Connection) -> int:
    pipe.send("count")
    return int(pipe.recv())


def ask(pipe: Connection, command: str) -> object:
    pipe.send(command)
    return pipe.recv()


def hybrid_calls(
    reports: dict[str, list[Paragraph]], sources: dict[str, SourceText], settings: Settings
) -> dict[str, int]:
    """Model calls the hybrid backend makes per report (cache off)."""
    backend = make_backend(settings)
    return {
        name: backend.read(BackendJob(source=sources[name], paragraphs=paragraphs)).usage.calls
        for name, paragraphs in reports.items()
    }


@dataclass
class Pass:
    """One timed pass over the corpus."""

    runs: list[NarrativeRun]
    seconds: float
    cpu: float
    in_flight: float
    server_latency: float
    lead: float  # start -> first request at the server
    tail: float  # last reply -> end

    @property
    def calls(self) -> int:
        return sum(run.usage.calls for run in self.runs)


def timed_pass(reports: dict[str, list[Paragraph]], settings: Settings, pipe: Connection) -> Pass:
    ask(pipe, "reset")
    started, cpu, clock = time.perf_counter(), time.process_time(), time.monotonic()
    runs = read_narratives(list(reports.values()), settings)
    seconds, cpu, ended = time.perf_counter() - started, time.process_time() - cpu, time.monotonic()
    first_arrival, last_reply = ask(pipe, "window")  # type: ignore[misc]
    in_flight, latency = ask(pipe, "occupancy")  # type: ignore[misc]
    return Pass(runs, seconds, cpu, in_flight, latency, first_arrival - clock, ended - last_reply)


def scripted_llm(base_url: str, args: argparse.Namespace, **overrides: Any) -> LLMSettings:
    """Settings for the scripted server at ``base_url``, with the command line's mode and concurrency."""
    return LLMSettings(
        base_url=base_url,
        api_key="bench",
        model="scripted",
        mode=args.mode,
        concurrency=args.concurrency,
        **overrides,
    )


def fault_run(reports: dict[str, list[Paragraph]], args: argparse.Namespace, home: Path) -> int:
    """One run over the corpus against a server failing ``args.fail_rate`` of the calls."""
    with server_process(args.latency, args.fail_rate, args.seed) as (base_url, pipe):
        llm = scripted_llm(
            base_url,
            args,
            cache=False,
            timeout=1.0,
            max_retries=2,
            max_reasks=1,
            backoff_initial=0.05,
            backoff_max=0.5,
            retry_budget=30.0,
        )
        settings = Settings(home=home, backend="llm", llm=llm)
        started = time.perf_counter()
        runs = read_narratives(list(reports.values()), settings)
        seconds = time.perf_counter() - started
        served = requests_seen(pipe)
        fates = ask(pipe, "fates")
    chunks = {
        name: [c.id for c in make_chunks(paragraphs, llm.chunk_chars, llm.chunk_paragraphs)]
        for name, paragraphs in reports.items()
    }
    calls = sum(run.usage.calls for run in runs)
    failed_calls = sum(run.usage.failed_calls for run in runs)
    reasks = sum(run.usage.reasks for run in runs)
    sent = sum(len(ids) for ids in chunks.values())
    failures = [f for run in runs for f in run.failures]
    reasons = collections.Counter(f"{f.error_type}: {f.reason.split(':')[0]}" for f in failures)
    # Every chunk is either answered (its paragraphs are in ``answered``) or failed, once.
    unaccounted = 0
    for name, run in zip(reports, runs, strict=True):
        failed = [f.chunk_id for f in run.failures]
        for chunk_id in chunks[name]:
            ids = {piece.split("[", 1)[0] for piece in chunk_id.split("+")}
            answered = ids <= run.answered
            unaccounted += int(answered == (chunk_id in failed) or failed.count(chunk_id) > 1)
    print(
        f"llm extraction of the corpus with {args.fail_rate:.0%} of calls failing (seed {args.seed}): "
        f"concurrency {args.concurrency}, timeout 1 s, 2 retries, 1 reask"
    )
    print(f"server fates: {dict(sorted(fates.items()))}")  # type: ignore[union-attr]
    print(
        f"calls {calls} (server saw {served}), failed calls {failed_calls}, retries (transport and validation) "
        f"{calls - sent - reasks}, follow-up questions {reasks}"
    )
    print(f"chunks {sent}: extracted {sent - len(failures)}, failed {len(failures)}, unaccounted {unaccounted}")
    for reason, count in reasons.most_common():
        print(f"  {count:>3}  {reason}")
    print(f"wall time {seconds:.2f} s")
    return int(unaccounted > 0)


def extract_reports(sources: list[SourceText], settings: Settings) -> list[ExtractionResult]:
    """The corpus through the pipeline the way ``extractor extract FOLDER`` runs it:
    one run, its reports' model calls in one queue."""

    def one(source: SourceText, backend: Backend) -> ExtractionResult:
        return extract(source, settings, backend=backend)

    return [result for _, result in for_each_report(sources, one, settings)]


@dataclass
class RunPass:
    """One timed pass of the whole run over the corpus."""

    calls: int
    seconds: float
    durations: list[float]  # seconds each call spent at the server
    concurrency: int
    in_flight: float  # mean calls at the server between its first arrival and last reply
    lead: float  # start -> first request at the server
    tail: float  # last reply -> end

    @property
    def ideal(self) -> float:
        """Calls per second with every slot always busy: concurrency / mean latency."""
        return self.concurrency * len(self.durations) / sum(self.durations) if self.durations else 0.0

    @property
    def bound(self) -> float:
        """The shortest this pass could take: its calls' total latency spread over
        the slots, or its longest call."""
        return max(sum(self.durations) / self.concurrency, max(self.durations, default=0.0))


def run_pass(sources: list[SourceText], settings: Settings, pipe: Connection) -> RunPass:
    ask(pipe, "reset")
    started, clock = time.perf_counter(), time.monotonic()
    results = extract_reports(sources, settings)
    seconds, ended = time.perf_counter() - started, time.monotonic()
    durations = cast(list[float], ask(pipe, "durations"))
    first_arrival, last_reply = cast(tuple[float, float], ask(pipe, "window"))
    in_flight, _ = cast(tuple[float, float], ask(pipe, "occupancy"))
    calls = sum(result.run.usage.calls for result in results)
    return RunPass(
        calls, seconds, durations, settings.llm.concurrency, in_flight, first_arrival - clock, ended - last_reply
    )


def whole_run(sources: dict[str, SourceText], args: argparse.Namespace, home: Path) -> int:
    """Every stage of every corpus report through the llm backend; calls per second against the ideal."""
    with server_process(args.latency, seed=args.seed, spread=args.spread) as (base_url, pipe):
        llm = scripted_llm(base_url, args, cache=True)
        settings = Settings(home=home, backend="llm", llm=llm)
        print(
            f"whole run (llm backend, every stage, {len(sources)} reports): concurrency {args.concurrency}, "
            f"{_latency_words(args)}"
        )
        reports = list(sources.values())
        cold = run_pass(reports, settings.model_copy(update={"llm": llm.model_copy(update={"repeat": 98})}), pipe)
        print(f"cold pass (not counted): {cold.calls} calls in {cold.seconds:.2f} s")
        passes = [
            run_pass(reports, settings.model_copy(update={"llm": llm.model_copy(update={"repeat": 50 + i})}), pipe)
            for i in range(args.passes)
        ]
    for index, done in enumerate(passes):
        rate = done.calls / done.seconds
        durations = sorted(done.durations)
        print(
            f"pass {index + 1}: {done.calls} calls in {done.seconds:.2f} s = {rate:.2f} calls/s "
            f"({rate / done.ideal:.0%} of ideal {done.ideal:.2f}); latency mean "
            f"{sum(durations) / len(durations):.2f} s, median {statistics.median(durations):.2f} s, "
            f"max {durations[-1]:.2f} s; best possible {done.bound:.2f} s "
            f"({done.calls / done.bound / done.ideal:.0%} of ideal); server: {done.in_flight:.2f} in flight on "
            f"average; first request after {done.lead:.2f} s, last reply {done.tail:.2f} s before the end"
        )
    shares = sorted(done.calls / done.seconds / done.ideal for done in passes)
    verdict = "ok" if shares[-1] >= RUN_TARGET else "BELOW TARGET"
    print(
        f"whole run: best {shares[-1]:.0%} of ideal, median {statistics.median(shares):.0%}; "
        f"target >= {RUN_TARGET:.0%}: {verdict}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    return int(shares[-1] < RUN_TARGET)


def _latency_words(args: argparse.Namespace) -> str:
    if not args.spread:
        return f"server adds {args.latency * 1000:.0f} ms per call"
    mean = LogNormalLatency(args.latency, args.spread).mean
    return (
        f"latency log-normal, median {args.latency:g} s, sigma {args.spread:g} (mean {mean:.2f} s, seed {args.seed})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server adds per call")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mode", default="tools", choices=["tools", "json_schema", "json", "md_json"])
    parser.add_argument("--passes", type=int, default=3, help="timed passes (each a fresh set of calls)")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of calls the server fails (0-1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the server's faults and latencies")
    parser.add_argument(
        "--spread", type=float, default=0.0, help="sigma of a log-normal latency around --latency (0: fixed)"
    )
    parser.add_argument("--section", default="both", choices=["both", "narrative", "run"])
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="extractor-bench-llm-"))
    sources = {
        path.name[:3]: load_report(path, Settings(home=home)) for path in sorted(SAMPLES.glob("0*.txt"))
    }
    reports = {name: prose(source) for name, source in sources.items()}
    if args.fail_rate:
        return fault_run(reports, args, home)
    status = 0
    if args.section != "run":
        status |= narrative_section(reports, sources, args, home)
    if args.section != "narrative":
        status |= whole_run(sources, args, home)
    return status


def narrative_section(
    reports: dict[str, list[Paragraph]], sources: dict[str, SourceText], args: argparse.Namespace, home: Path
) -> int:
    """The narrative chunks of the corpus through one client; the cache; hybrid's calls."""
    mean = LogNormalLatency(args.latency, args.spread).mean if args.spread else args.latency
    ideal = args.concurrency / mean
    with server_process(args.latency, seed=args.seed, spread=args.spread) as (base_url, pipe):
        llm = scripted_llm(base_url, args, cache=True)
        settings = Settings(home=home, backend="llm", llm=llm)
        print(
            f"llm extraction of the corpus: concurrency {args.concurrency}, mode {args.mode}, "
            f"{_latency_words(args)}; ideal {ideal:.1f} calls/s"
        )

        # A cold pass first: imports, schema preparation, regex and validator
        # compilation happen once here, as they would once in a long-lived service.
        cold = timed_pass(
            reports, settings.model_copy(update={"llm": llm.model_copy(update={"repeat": 99})}), pipe
        )
        print(
            f"cold pass (not counted): {cold.calls} calls in {cold.seconds:.2f} s = "
            f"{cold.calls / cold.seconds:.1f} calls/s"
        )
        # Timed passes, each with its own repeat index so none is answered from the cache.
        passes = [
            timed_pass(
                reports, settings.model_copy(update={"llm": llm.model_copy(update={"repeat": index})}), pipe
            )
            for index in range(args.passes)
        ]
        for index, done in enumerate(passes):
            rate = done.calls / done.seconds
            print(
                f"pass {index + 1}: {done.calls} calls in {done.seconds:.2f} s = {rate:.1f} calls/s "
                f"({rate / ideal:.0%} of ideal); server: {done.in_flight:.2f} in flight on average, "
                f"{done.server_latency * 1000:.0f} ms per call; first request after {done.lead:.2f} s, "
                f"last reply {done.tail:.2f} s before the end; client CPU {done.cpu:.2f} s "
                f"({done.cpu / done.calls * 1000:.1f} ms per call)"
            )
        rates = sorted(done.calls / done.seconds for done in passes)
        best, median = rates[-1], statistics.median(rates)
        verdict = "ok" if best >= TARGET * ideal else "BELOW TARGET"
        print(
            f"calls/s: best {best:.1f} ({best / ideal:.0%} of ideal), median {median:.1f} "
            f"({median / ideal:.0%}); target >= {TARGET:.0%} of ideal: {verdict}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        status = int(best < TARGET * ideal)

        first = passes[0]
        print(
            f"{'report':<8}{'calls':>7}{'prompt tok':>12}{'compl. tok':>12}"
            f"{'statements':>12}{'ungrounded':>12}{'failures':>10}"
        )
        for name, found in zip(reports, first.runs, strict=True):
            usage = found.usage
            print(
                f"{name:<8}{usage.calls:>7}{usage.prompt_tokens:>12}{usage.completion_tokens:>12}"
                f"{len(found.statements):>12}{sum(not s.grounded for s in found.statements):>12}"
                f"{len(found.failures):>10}"
            )

        before = requests_seen(pipe)
        started = time.perf_counter()
        second = read_narratives(
            list(reports.values()), settings.model_copy(update={"llm": llm.model_copy(update={"repeat": 0})})
        )
        again = requests_seen(pipe) - before
        cached = sum(found.usage.cached_calls for found in second)
        print(
            f"second run of pass 1: {again} HTTP calls, {cached} answers from the cache, "
            f"{time.perf_counter() - started:.2f} s"
        )
        status |= again != 0

        hybrid_settings = settings.model_copy(
            update={"backend": "hybrid", "llm": llm.model_copy(update={"cache": False})}
        )
        hybrid = hybrid_calls(reports, sources, hybrid_settings)
        calls = first.calls
        saved = calls - sum(hybrid.values())
        per_report = ", ".join(
            f"{name} {found.usage.calls}->{hybrid[name]}" for name, found in zip(reports, first.runs, strict=True)
        )
        print(
            f"hybrid: {sum(hybrid.values())} calls against llm's {calls}: saves {saved} "
            f"({saved / calls:.0%}); per report {per_report}"
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
