"""Prompt versions on the leaderboard, end to end through the scripted OpenAI-compatible server.

Two narrative prompt versions are evaluated: the bundled ``v2`` and ``v2-unsigned``,
a deliberately worse copy without the instruction to sign changes (“减少”“下降”写负数).
The scripted model answers every piece from the gold, and, like a model that was never
told, gives decreases as positive figures when the system prompt it receives lacks
that instruction. The worse version must score lower on the paired comparison with
a 95% interval that excludes zero, and rank below on the leaderboard.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from evals.compare import compare_runs
from evals.harness import EvalOptions, run_eval
from evals.leaderboard import leaderboard, render
from evals.runs import RunStore
from extractor.document import SourceText
from extractor.llm.prompts import prompts_root
from extractor.settings import Settings
from schemas import NarrativeStatement
from tests.helpers.cli import run_cli
from tests.helpers.gold_oracle import TEXT_REPORTS, GoldOracle, oracle_settings
from tests.llm_server import Reply, Request, ScriptedLLMServer

ROOT = Path(__file__).resolve().parent.parent
SIGN_RULE = "“减少”“下降”写负数"


class SignBlindOracle(GoldOracle):
    """The gold oracle, but without the sign rule in its system prompt it gives changes
    unsigned and, having no sign to go by, no direction."""

    signed: bool = True

    def __call__(self, request: Request) -> Reply:
        system = next((m["content"] for m in request["messages"] if m["role"] == "system"), "")
        self.signed = SIGN_RULE in system
        return super().__call__(request)

    def _answer(self, key: str, index: int, gold, paragraph_id: str) -> NarrativeStatement | None:  # type: ignore[no-untyped-def]
        statement = super()._answer(key, index, gold, paragraph_id)
        if statement is not None and not self.signed:
            if statement.change_amount is not None:
                statement.change_amount = abs(statement.change_amount)
            if statement.change_pct is not None:
                statement.change_pct = abs(statement.change_pct)
            if statement.change_amount is not None or statement.change_pct is not None:
                statement.direction = None
        return statement


def _prompts(tmp: Path) -> Path:
    """The bundled prompts plus ``narrative/v2-unsigned`` (v2 without the sign rule)."""
    directory = tmp / "prompts"
    shutil.copytree(prompts_root(None), directory, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    v2 = (directory / "narrative" / "v2.md").read_text(encoding="utf-8")
    assert SIGN_RULE in v2  # the instruction the worse version leaves out
    worse = v2.replace("version: v2", "version: v2-unsigned").replace(
        "，带符号：" + SIGN_RULE + "，“增加”“增长”写正数", ""
    )
    assert SIGN_RULE not in worse and worse != v2
    (directory / "narrative" / "v2-unsigned.md").write_text(worse, encoding="utf-8")
    return directory


def _settings(server: ScriptedLLMServer, home: Path, prompts: Path) -> Settings:
    return oracle_settings(server.base_url, home, prompts_dir=prompts)


def test_worse_prompt_version_scores_lower_with_an_interval_excluding_zero(
    corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    prompts = _prompts(tmp_path)
    home = tmp_path / "home"
    store = RunStore.under(home)
    oracle = SignBlindOracle(corpus)
    with ScriptedLLMServer(responder=oracle) as server:
        settings = _settings(server, home, prompts)
        good = run_eval(
            EvalOptions(backend="llm", prompts={"narrative": "v2"}, label="v2", reports=TEXT_REPORTS), settings, store
        )
        worse = run_eval(
            EvalOptions(backend="llm", prompts={"narrative": "v2-unsigned"}, label="unsigned", reports=TEXT_REPORTS),
            settings,
            store,
        )
    assert good.prompts["narrative"].startswith("v2@") and worse.prompts["narrative"].startswith("v2-unsigned@")
    assert good.usage.calls > 0 and worse.usage.calls > 0
    negative = sum(
        1 for b in oracle.gold.values() for s in b.statements if (s.change_amount or 0) < 0 or (s.change_pct or 0) < 0
    )
    assert negative > 10  # enough decreases in the gold for the difference to show
    comparison = compare_runs(good, worse)
    statements = comparison.scope("statements")
    assert statements.difference < 0 and statements.high < 0  # lower, and the interval excludes zero
    for field in ("change_amount", "change_pct"):
        scope = comparison.scope("statements", field)
        assert scope.high < 0 and scope.flips_to_wrong > 0 and scope.flips_to_correct == 0
    assert comparison.scope("statements", "amount").difference == 0.0  # nothing else moved
    # the leaderboard ranks v2 above the worse version on every split that has statements
    entries = leaderboard(store.recent(), splits=("dev", "test", "all"), sort="statements", resamples=300)
    for split in ("dev", "all"):
        ranked = [e.label for e in entries if e.split == split]
        assert ranked == ["v2", "unsigned"], split
    text = render(entries)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "v2-unsigned" in text and "prompts narrative=v2 " not in text.replace("narrative=v2-", "")


def test_leaderboard_cli_json_and_text(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    env |= {"EXTRACTOR_HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "COLUMNS": "80"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("eval", *args, cwd=tmp_path, env=env)

    assert run("run", "--backend", "rules", "--report", "001", "--label", "one").returncode == 0
    done = run("leaderboard", "--json", "--split", "dev", "--split", "test")
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["split"] for e in entries] == ["dev", "test"]
    for entry in entries:
        assert entry["backend"] == "rules" and entry["label"] == "one" and entry["calls"] == 0
        overall = entry["scores"]["overall"]
        assert overall["low"] <= overall["f1"] <= overall["high"] and overall["support"] > 0
        assert {"overall", "forms"} <= set(entry["scores"])
    assert set(entries[0]["scores"]) == {"overall", "forms", "statements", "table_rows", "identity"}  # dev
    text = run("leaderboard", "--sort", "cost")
    assert text.returncode == 0 and "split dev" in text.stdout and "split test" in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()) <= 80
    bad = run("leaderboard", "--sort", "nonsense")
    assert bad.returncode == 2 and "cannot sort by" in bad.stderr


@pytest.mark.parametrize("split", ["dev", "test"])
def test_run_json_scores_per_split(tmp_path: Path, split: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    env |= {"EXTRACTOR_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = run_cli("eval", "run", "--backend", "rules", "--report", "002", "--json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)["splits"][split]
    assert scores["forms"]["items"] > 0 and 0.0 < scores["forms"]["f1"] <= 1.0
