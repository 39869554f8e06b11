"""The response cache: SQLite under ``Settings.home``.

The key is the sha256 of everything that decides an answer: the model part of
the run's identity (:meth:`~extractor.settings.LLMSettings.answer_identity`:
endpoint, model, mode, sampling parameters, reasks and a repeat index, so eval
repeats of the same call reach the model), the prompt's name, version and
hash, the response schema and the chunk text. A second identical run is
answered from here without any HTTP call.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    answer TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created REAL NOT NULL
)
"""


@dataclass(frozen=True)
class CachedAnswer:
    """A stored answer (JSON of the response model) and what it cost when made."""

    answer: str
    prompt_tokens: int
    completion_tokens: int


def cache_key(*, answer_identity: dict[str, Any], prompt: str, response_model: type[BaseModel], text: str) -> str:
    """The key of one call."""
    material = {
        "model": answer_identity,
        "prompt": prompt,
        "schema": schema_digest(response_model),
        "text": text,
    }
    encoded = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


@lru_cache(maxsize=32)
def schema_digest(response_model: type[BaseModel]) -> str:
    """The sha256 of the response model's JSON schema (computed once per model class)."""
    schema = json.dumps(response_model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()


class ResponseCache:
    """One SQLite file; open for one run, used from one thread (the event loop)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL never corrupts; a crash may lose the last
        # answers, which are simply asked again. Saves an fsync per answer.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def get(self, key: str) -> CachedAnswer | None:
        row = self._db.execute(
            "SELECT answer, prompt_tokens, completion_tokens FROM responses WHERE key = ?", (key,)
        ).fetchone()
        return CachedAnswer(*row) if row else None

    def put(self, key: str, model: str, prompt: str, answer: CachedAnswer) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, model, prompt, answer.answer, answer.prompt_tokens, answer.completion_tokens, time.time()),
        )
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def cache_path(home: Path) -> Path:
    """Where the cache of a given ``Settings.home`` lives."""
    return home / "llm_cache.sqlite3"
