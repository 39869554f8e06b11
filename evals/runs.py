"""The store of evaluation runs: one SQLite file under ``EXTRACTOR_HOME``.

A run keeps what is needed to trust, compare and redo its figures: the
configuration (backend, model, prompt versions, sampling parameters; never the
API key), the prompt hashes the extraction recorded (``RunInfo.prompts``),
token usage, latency and cost, the scores per report and per gold item, and
the predictions themselves (each report's ``ExtractionResult``, compressed),
so a run can be scored again after a scorer or gold change without calling
any model (:func:`evals.harness.rescore`).
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field

from evals.items import ItemScore
from evals.results import ScoreReport
from extractor.errors import ExtractorError
from schemas import ExtractionResult, Usage

STORE_NAME = "evals.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    label TEXT,
    group_id TEXT,
    backend TEXT NOT NULL,
    model TEXT,
    f1 REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS predictions (
    run_id TEXT NOT NULL,
    report TEXT NOT NULL,
    extraction BLOB NOT NULL,
    PRIMARY KEY (run_id, report)
);
"""


class RunNotFoundError(ExtractorError):
    """No stored run has the id (or id prefix) given."""


class RunConfig(BaseModel):
    """What was run: enough to run it again (the API key is never stored)."""

    backend: str
    reports: list[str]
    extractor_version: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict)  # requested versions: narrative -> v2
    repeat: int = 0  # the LLM cache key's repeat index
    identity: str | None = None  # the key of the run's identity (extractor.run_identity); None in older runs
    llm: dict[str, object] = Field(default_factory=dict)  # the identity's model part and options (model backends)


class ReportRun(BaseModel):
    """One report of a run: its source, cost and scores."""

    report: str
    source: str
    sha256: str
    seconds: float = 0.0
    usage: Usage = Field(default_factory=Usage)
    failures: list[str] = Field(default_factory=list)  # "chunk_id: reason" of failed model calls
    scores: ScoreReport


class RunRecord(BaseModel):
    """One stored evaluation run."""

    run_id: str
    created: str  # ISO 8601, UTC
    label: str | None = None
    group_id: str | None = None  # the repeats of one configuration share it
    rescored_from: str | None = None
    predictions_run: str | None = None  # the run holding the predictions (itself when None)
    config: RunConfig
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict)  # name -> "version@hash", as extracted
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0  # wall time of the whole run
    gold_digest: str
    scores: ScoreReport  # all reports merged
    reports: list[ReportRun] = Field(default_factory=list)
    items: list[ItemScore] = Field(default_factory=list)

    @property
    def f1(self) -> float:
        return self.scores.micro.f1

    @property
    def item_ids(self) -> list[str]:
        return [item.item_id for item in self.items]


class RunStore:
    """Runs in one SQLite file; each method opens and closes its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def under(cls, home: Path) -> RunStore:
        """The store of ``EXTRACTOR_HOME`` (``home/evals.sqlite``)."""
        return cls(home / STORE_NAME)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as error:
            raise ExtractorError(f"cannot open the run store {self.path}: {error}") from error
        try:
            connection.executescript(_SCHEMA)
            with connection:  # one transaction: a run is stored whole or not at all
                yield connection
        finally:
            connection.close()

    def save(self, record: RunRecord, predictions: dict[str, ExtractionResult] | None = None) -> None:
        """Store a run and, unless it reuses another run's, its predictions."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO runs (run_id, created, label, group_id, backend, model, f1, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.run_id,
                    record.created,
                    record.label,
                    record.group_id,
                    record.config.backend,
                    record.model,
                    record.f1,
                    record.model_dump_json(),
                ),
            )
            for report, extraction in (predictions or {}).items():
                blob = zlib.compress(extraction.model_dump_json().encode("utf-8"), 6)
                db.execute(
                    "INSERT INTO predictions (run_id, report, extraction) VALUES (?, ?, ?)",
                    (record.run_id, report, blob),
                )

    def resolve(self, run_id: str) -> str:
        """The full id of a run given its id or a unique prefix of it."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT run_id FROM runs WHERE substr(run_id, 1, ?) = ? ORDER BY run_id",
                (len(run_id), run_id),
            ).fetchall()
        ids = [row[0] for row in rows]
        if run_id in ids:
            return run_id
        if len(ids) == 1:
            return str(ids[0])
        if not ids:
            raise RunNotFoundError(f"no run {run_id!r} in {self.path}; `extractor eval list` shows the runs")
        raise RunNotFoundError(f"{run_id!r} is ambiguous: {', '.join(ids[:5])}; give more of the id")

    def get(self, run_id: str) -> RunRecord:
        """One run by id or unique prefix."""
        full = self.resolve(run_id)
        with self._connect() as db:
            row = db.execute("SELECT record FROM runs WHERE run_id = ?", (full,)).fetchone()
        return RunRecord.model_validate_json(row[0])

    def predictions(self, record: RunRecord) -> dict[str, ExtractionResult]:
        """The stored extraction of every report of ``record``."""
        owner = record.predictions_run or record.run_id
        with self._connect() as db:
            rows = db.execute(
                "SELECT report, extraction FROM predictions WHERE run_id = ? ORDER BY report", (owner,)
            ).fetchall()
        if not rows:
            raise RunNotFoundError(f"run {owner} has no stored predictions in {self.path}")
        return {
            report: ExtractionResult.model_validate_json(zlib.decompress(blob).decode("utf-8"))
            for report, blob in rows
        }

    def recent(self, limit: int = -1) -> list[RunRecord]:
        """Stored runs, newest first (all of them with a negative limit)."""
        query = "SELECT record FROM runs ORDER BY created DESC, run_id DESC LIMIT ?"
        with self._connect() as db:
            rows = db.execute(query, (limit,)).fetchall()
        return [RunRecord.model_validate_json(row[0]) for row in rows]

    def group(self, group_id: str) -> list[RunRecord]:
        """The repeats of one configuration, in repeat order."""
        with self._connect() as db:
            rows = db.execute("SELECT record FROM runs WHERE group_id = ?", (group_id,)).fetchall()
        records = [RunRecord.model_validate_json(row[0]) for row in rows]
        return sorted(records, key=lambda r: (r.config.repeat, r.created))
