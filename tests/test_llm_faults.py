"""A whole report through the llm backend with the server failing 30% of the
calls at random (HTTP 500s, stalls past the client's timeout, malformed
answers): the run completes, and every chunk sent ends either extracted or
recorded once under ``failures`` with its reason and span; none is dropped."""

from __future__ import annotations

import time
from pathlib import Path

from extractor.document import SourceText
from extractor.forms import extract_forms, extract_score_tables
from extractor.llm.chunks import make_chunks
from extractor.llm.forms import form_block
from extractor.narrative import extract_paragraphs
from extractor.narrative.statements import extract_statements
from extractor.pipeline import extract
from extractor.tables import extract_tables
from tests.helpers.llm import make_settings
from tests.llm_server import FaultyResponder, ScriptedLLMServer

RATE, SEED = 0.3, 7


def test_thirty_percent_faults_every_chunk_extracted_or_failed(
    corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    source = corpus["000"]  # narrative, line-flow forms, and two figures the report itself gets wrong
    faults = FaultyResponder(RATE, SEED, stall_seconds=2.0)
    with ScriptedLLMServer(responder=faults) as server:
        settings = make_settings(
            server, tmp_path, timeout=1.0, max_retries=1, max_reasks=1, concurrency=8, chunk_paragraphs=1
        ).model_copy(update={"backend": "llm"})
        started = time.monotonic()
        result = extract(source, settings)
        seconds = time.monotonic() - started
        requests = len(server.requests)
    assert seconds < 60, f"the run took {seconds:.0f} s"

    # What the backend was to send: the same chunks and forms the pipeline makes.
    tables = extract_tables(source)
    forms, _ = extract_forms(source)
    claimed = [(t.line_start, t.line_end) for t in tables if t.line_start and t.line_end]
    claimed += [(f.line_start, f.line_end) for f in forms]
    claimed += [(s.line_start, s.line_end) for s in extract_score_tables(source)]
    paragraphs = extract_paragraphs(source, claimed)
    made = make_chunks(paragraphs, settings.llm.chunk_chars, settings.llm.chunk_paragraphs)
    chunks = {chunk.render(): chunk for chunk in made}
    read_forms = [f for f in result.performance_forms if "read by the language model" in f.warnings]
    blocks = {form_block(source, f.line_start, f.line_end)[0]: f"form@{f.line_start}" for f in forms}
    expected = {text: chunk.id for text, chunk in chunks.items()} | blocks

    # The server saw every chunk and form, and nothing else but follow-up questions.
    sent = faults.fates("narrative") | faults.fates("form")
    assert set(sent) == set(expected)
    # A retry on a connection the server had dropped may fail before the server sees it.
    assert sum(len(f) for f in faults.fates().values()) == requests <= result.run.usage.calls
    fates = [fate for chunk_fates in faults.fates().values() for fate in chunk_fates]
    assert {"ok", "http_500", "timeout", "malformed"} <= set(fates)
    assert 0.15 < fates.count("ok") / len(fates) < 0.85 or len(fates) < 20

    # Failed exactly where the server never gave a good answer, once each, with the why and where.
    failures = [f for f in result.failures if f.stage == "llm" and not f.chunk_id.startswith("project_summary@")]
    failed = [f.chunk_id for f in failures]
    # per-project prose: a failure for each chunk the server never answered (the patterns' reading stays)
    projects = [f for f in result.failures if f.chunk_id.startswith("project_summary@")]
    assert len(projects) == len(faults.never_answered("project"))
    assert len(failed) == len(set(failed))
    never = {expected[text] for text in faults.never_answered("narrative") | faults.never_answered("form")}
    assert set(failed) == never and never, "the seed should make some chunks fail"
    for failure in failures:
        assert failure.error_type in {"TransportError", "InvalidAnswerError"} and failure.reason
        assert failure.span is not None and failure.span.line_start >= 1
    assert {f.error_type for f in failures} <= {"TransportError", "InvalidAnswerError"}

    # Every other chunk is in the result: its statements (as the stand-in model reads
    # them), or the form read by the model; a failed one contributes nothing.
    got = {(s.paragraph_id, s.metric, s.amount, s.change_pct) for s in result.narrative_statements}
    by_id = {chunk.id: chunk for chunk in chunks.values()}
    for chunk_id, chunk in by_id.items():
        mine = {
            (s.paragraph_id, s.metric, s.amount, s.change_pct)
            for s in extract_statements([p.paragraph for p in chunk.pieces])
        }
        if chunk_id in never:
            assert not any(s.paragraph_id in chunk.paragraph_ids for s in result.narrative_statements)
        else:
            assert mine <= got, chunk_id
    model_read = {f"form@{f.line_start}" for f in read_forms}
    assert model_read == set(blocks.values()) - never
    assert len(chunks) + len(blocks) == len(never) + len(model_read) + sum(
        1 for chunk_id in by_id if chunk_id not in never
    )
    assert result.run.usage.failed_calls > 0
