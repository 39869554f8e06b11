"""Resumable batch extraction state: ``OUTDIR/_batch_state.jsonl``.

One JSON line is appended (and fsynced) per report finished, keyed by the
sha256 of its bytes. A later run over the same folder skips every report
whose hash already finished with the same configuration (the key of
:func:`~extractor.run_identity.run_identity`) and whose output file is
still there, so an interrupted batch resumes where it stopped and a renamed
or duplicated file is not extracted twice. A torn last line (a kill mid-write)
is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from extractor.backends import Backend
from extractor.document import load_report
from extractor.errors import ExtractorError
from extractor.memory import memory_exceeded
from extractor.pipeline import extract, require_report
from extractor.settings import Settings

STATE_FILE = "_batch_state.jsonl"


@dataclass
class BatchEntry:
    """The outcome of one report in a batch."""

    sha256: str
    source: str
    output: str | None
    status: Literal["completed", "failed"]
    identity: str  # the key of the run's identity (extractor.run_identity)
    error: str | None = None
    findings: int = 0
    seconds: float = 0.0
    finished_at: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class BatchState:
    """The state file of one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / STATE_FILE
        self.entries: dict[str, BatchEntry] = {}
        self._torn = False
        if self.path.exists():
            text = self.path.read_text(encoding="utf-8", errors="replace")
            self._torn = bool(text) and not text.endswith("\n")
            for line in text.splitlines():
                try:
                    entry = BatchEntry(**json.loads(line))
                except (ValueError, TypeError):
                    continue  # a line torn by a kill mid-write
                self.entries[entry.sha256] = entry

    def finished(self, sha256: str, identity: str, retry_failed: bool) -> BatchEntry | None:
        """The earlier outcome to keep for this hash under the configuration ``identity``,
        or None if it must (re)run."""
        entry = self.entries.get(sha256)
        if entry is None or entry.identity != identity:
            return None
        if entry.status == "failed":
            return None if retry_failed else entry
        if entry.output and (self.out_dir / entry.output).exists():
            return entry
        return None

    def record(self, entry: BatchEntry) -> None:
        entry.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            if self._torn:  # end the torn line, so this entry stands on its own line
                handle.write("\n")
                self._torn = False
            handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.entries[entry.sha256] = entry


FileOutcome = tuple[str | None, int, str | None, float]  # JSON or None, findings, error, seconds


def extract_file(path: Path, settings: Settings, backend: Backend | None = None) -> FileOutcome:
    """Extract one file: (JSON or None, findings count, error, seconds), with a
    run's ``backend`` when given. Picklable for a process pool."""
    started = datetime.now(UTC)
    try:
        result = extract(load_report(path, settings), settings, backend=backend)
        require_report(result)
        payload: str | None = result.model_dump_json(indent=2)
        findings, error = len(result.findings), None
    except ExtractorError as exc:
        payload, findings, error = None, 0, str(exc)
    except MemoryError:
        payload, findings, error = None, 0, str(memory_exceeded(settings))
    except Exception as exc:  # one broken report must not end the batch
        payload, findings, error = None, 0, f"internal error ({type(exc).__name__}: {exc})"
    return payload, findings, error, (datetime.now(UTC) - started).total_seconds()
