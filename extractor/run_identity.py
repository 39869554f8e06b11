"""Which configuration produced a result: one identity for a run's settings.

Two runs with the same identity give the same output for the same report
(short of a model's own randomness), so the identity is what batch resume
compares, what an eval run and a service job record, and (its model part,
:meth:`~extractor.settings.LLMSettings.answer_identity`) what the LLM response
cache keys on. It holds the backend, the schema version and, for the model
backends, the endpoint and model, every prompt's version and content hash, and
the options that change what is asked (chunking, forms, the re-ask). Transport
and accounting settings (key, timeouts, retries, concurrency, limits, prices,
the cache switch) leave it unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from extractor.llm.prompts import load_prompt
from extractor.settings import Backend, Settings
from schemas import SCHEMA_VERSION


class RunIdentity(BaseModel):
    """The configuration of a run, as far as it decides the output."""

    model_config = ConfigDict(frozen=True)

    backend: Backend
    schema_version: str
    model: dict[str, Any] | None = None  # LLMSettings.answer_identity(); None for rules
    prompts: dict[str, str] | None = None  # name -> version@hash of every prompt the run may use
    options: dict[str, Any] | None = None  # chunking, forms, re-ask

    @property
    def key(self) -> str:
        """A stable sha256 of the identity (what batch resume and job records compare)."""
        encoded = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def run_identity(settings: Settings) -> RunIdentity:
    """The identity of a run with ``settings``. Reads the prompt templates (their
    content is part of it); ConfigError when a configured version does not exist."""
    if settings.backend == "rules":
        return RunIdentity(backend="rules", schema_version=SCHEMA_VERSION)
    llm = settings.llm
    prompts = {
        name: load_prompt(name, version, llm.prompts_dir).ref for name, version in llm.prompt_versions().items()
    }
    return RunIdentity(
        backend=settings.backend,
        schema_version=SCHEMA_VERSION,
        model=llm.answer_identity(),
        prompts=prompts,
        options={
            "chunk_chars": llm.chunk_chars,
            "chunk_paragraphs": llm.chunk_paragraphs,
            "forms": llm.forms,
            "recheck": llm.recheck,
        },
    )
