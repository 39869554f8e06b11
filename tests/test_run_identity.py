"""One identity of a run's configuration: what batch resume, eval runs, service
jobs and the LLM cache compare. Changing anything that changes the output
changes it; transport and accounting settings do not."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ConfigError
from extractor.llm.metering import sum_usage
from extractor.llm.prompts import prompts_root
from extractor.run_identity import run_identity
from extractor.settings import LLMSettings, Overrides, Settings, apply_overrides
from schemas import SCHEMA_VERSION, ExtractionResult, Usage
from tests.llm_server import ScriptedLLMServer, rules_responder

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# Every LLM setting either decides the output (and is part of the identity) or is
# transport / accounting (and is not). A new setting must be placed in one of the two.
TRANSPORT = {
    "api_key": "other-key",
    "timeout": 5.0,
    "max_retries": 9,
    "backoff_initial": 0.5,
    "backoff_max": 3.0,
    "retry_budget": 20.0,
    "concurrency": 16,
    "requests_per_minute": 60,
    "tokens_per_minute": 10_000,
    "price_prompt_per_1k": 0.01,
    "price_completion_per_1k": 0.02,
    "cache": False,
}
DECIDING = {
    "base_url": "http://127.0.0.1:9/v1",
    "model": "other-model",
    "mode": "json",
    "temperature": 0.7,
    "max_tokens": 512,
    "max_reasks": 0,
    "repeat": 1,
    "narrative_prompt": "v1",
    "chunk_chars": 800,
    "chunk_paragraphs": 1,
    "forms": "troubled",
    "recheck": False,
}


def llm_settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"base_url": "http://127.0.0.1:8/v1", "api_key": "k", "model": "m", **changes}
    return Settings(home=Path("/nonexistent"), backend="llm", llm=LLMSettings(**values))


def test_every_llm_setting_is_placed() -> None:
    prompts = {"form_prompt", "followup_prompt", "project_summary_prompt", "prompts_dir"}
    placed = set(TRANSPORT) | set(DECIDING) | prompts
    assert set(LLMSettings.model_fields) == placed


@pytest.mark.parametrize("name", sorted(DECIDING))
def test_a_setting_that_decides_the_output_changes_the_identity(name: str) -> None:
    assert run_identity(llm_settings(**{name: DECIDING[name]})).key != run_identity(llm_settings()).key


@pytest.mark.parametrize("name", sorted(TRANSPORT))
def test_transport_and_accounting_leave_the_identity(name: str) -> None:
    assert run_identity(llm_settings(**{name: TRANSPORT[name]})) == run_identity(llm_settings())


def test_backend_prompts_and_schema_version_change_the_identity(tmp_path: Path) -> None:
    base = llm_settings()
    keys = {run_identity(base).key}
    for backend in ("rules", "hybrid"):
        keys.add(run_identity(base.model_copy(update={"backend": backend})).key)
    # Another version of the follow-up prompt, and an edit of a template
    # whose version id was not bumped: each changes the identity.
    for name in ("followup", "form", "narrative", "project_summary"):
        directory = tmp_path / name
        shutil.copytree(prompts_root(None), directory)
        template = directory / name / f"{base.llm.prompt_versions()[name]}.md"
        template.write_text(template.read_text(encoding="utf-8") + "\n多一句。\n", encoding="utf-8")
        keys.add(run_identity(llm_settings(prompts_dir=directory)).key)
    versioned = tmp_path / "versioned"
    shutil.copytree(prompts_root(None), versioned)
    (versioned / "followup" / "v9.md").write_text(
        (versioned / "followup" / "v1.md").read_text(encoding="utf-8").replace("version: v1", "version: v9"),
        encoding="utf-8",
    )
    keys.add(run_identity(llm_settings(prompts_dir=versioned, followup_prompt="v9")).key)
    identity = run_identity(base)
    assert identity.schema_version == SCHEMA_VERSION == ExtractionResult.model_fields["schema_version"].default
    keys.add(identity.model_copy(update={"schema_version": SCHEMA_VERSION + ".1"}).key)
    assert len(keys) == 9  # base, rules, hybrid, four edited templates, followup v9, schema version


def test_the_rules_backend_ignores_the_model_settings() -> None:
    rules = llm_settings().model_copy(update={"backend": "rules"})
    other = llm_settings(model="other", narrative_prompt="v1").model_copy(update={"backend": "rules"})
    assert run_identity(rules) == run_identity(other)
    assert run_identity(rules).model is None and run_identity(rules).prompts is None


def test_an_unknown_prompt_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'narrative' version 'v999' not found"):
        run_identity(llm_settings(narrative_prompt="v999"))


def test_overrides_are_applied_one_way() -> None:
    base = llm_settings()
    changed = apply_overrides(base, Overrides(backend="hybrid", model="m2", prompts={"followup": "v1"}, repeat=2))
    assert (changed.backend, changed.llm.model, changed.llm.followup_prompt, changed.llm.repeat) == (
        "hybrid",
        "m2",
        "v1",
        2,
    )
    assert apply_overrides(base, Overrides()) == base
    with pytest.raises(ConfigError, match="unknown prompt 'summary'; prompts: followup, form, narrative"):
        apply_overrides(base, Overrides(prompts={"summary": "v1"}))


def test_usage_sums_every_counter_reasks_included() -> None:
    first = Usage(calls=3, cached_calls=1, failed_calls=1, prompt_tokens=100, completion_tokens=20, reasks=2)
    second = Usage(calls=2, prompt_tokens=50, completion_tokens=10, cost=0.25, reasks=1)
    assert sum_usage([first, second]) == Usage(
        calls=5, cached_calls=1, failed_calls=1, prompt_tokens=150, completion_tokens=30, cost=0.25, reasks=3
    )
    assert sum_usage([first]).cost is None and sum_usage([]) == Usage()


def test_batch_redoes_reports_after_a_model_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = tmp_path / "reports", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLES / "002_a3ea872c53ba739f.txt", folder / "002.txt")
    runner = CliRunner()
    with ScriptedLLMServer(responder=rules_responder()) as server:
        monkeypatch.setenv("EXTRACTOR_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("EXTRACTOR_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("EXTRACTOR_LLM_API_KEY", "k")
        monkeypatch.setenv("EXTRACTOR_LLM_CACHE", "false")
        calls = []
        for model in ("model-a", "model-a", "model-b"):
            monkeypatch.setenv("EXTRACTOR_LLM_MODEL", model)
            before = len(server.requests)
            done = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--backend", "llm"])
            assert done.exit_code == 0, done.output
            calls.append(len(server.requests) - before)
    # The same model again: skipped; another model: extracted again.
    assert calls[0] > 0 and calls[1] == 0 and calls[2] == calls[0]
