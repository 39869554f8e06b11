"""The evaluation harness: `extractor eval run|compare|report|rescore|list` on the
rules backend, paired comparisons, refusal of runs over different items,
rescoring after a gold change, reports and the --fail-under exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import evals.harness
from evals.compare import ALL, ComparisonError, compare_runs
from evals.gold_io import GOLD_DIR, GoldBundle, GoldError, gold_keys, load_gold
from evals.harness import (
    EvalOptions,
    find_source,
    oracle_predictions,
    parse_prompts,
    record_run,
    rescore,
    run_repeats,
    settings_for,
)
from evals.items import UNMATCHED, ItemScore
from evals.results import FieldCounts, ScoreReport
from evals.runs import RunConfig, RunNotFoundError, RunRecord, RunStore
from evals.scoring import merge_reports, score_report
from extractor.document import SourceText
from extractor.errors import ConfigError
from extractor.pipeline import extract
from extractor.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Hand counts of the gold (evals/gold/README.md): 33 forms, 128 statements, 49 table total rows.
GOLD_FORMS, GOLD_STATEMENTS, GOLD_ROWS = 104, 165, 49
JILIN = ["000", "001", "002", "004"]  # the text reports (the Shanghai gold is of PDFs)


def cli(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m extractor eval ...`` with EXTRACTOR_HOME set, from another folder
    than the checkout (the samples must be found without the working directory)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    env["EXTRACTOR_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "extractor", "eval", *args],
        check=False,
        cwd=cwd or home,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    home = tmp_path_factory.mktemp("evalhome")
    done = cli(home, "run", "--backend", "rules", "--json", *[a for key in JILIN for a in ("-r", key)])
    assert done.returncode == 0, done.stderr
    return home, json.loads(done.stdout)


@pytest.fixture(scope="module")
def oracle_runs(cli_run: tuple[Path, dict[str, Any]]) -> tuple[RunRecord, RunRecord, set[str]]:
    """The gold as predictions (A) and the same with every 4th statement's amount
    off by 1 (B), stored; and the item ids of the corrupted statements."""
    home, _ = cli_run
    store = RunStore.under(home)
    options = EvalOptions(label="gold")
    settings = Settings(home=home)
    clean = {key: oracle_predictions(load_gold(key)) for key in gold_keys()}
    corrupted = {key: extraction.model_copy(deep=True) for key, extraction in clean.items()}
    hit: set[str] = set()
    for key, extraction in corrupted.items():
        ids = _statement_ids(key)
        for index, statement in enumerate(extraction.narrative_statements):
            if index % 4 == 3 and statement.amount is not None:
                statement.amount += 1.0
                hit.add(ids[index])
    a = record_run(options, settings, clean)
    b = record_run(options.model_copy(update={"label": "corrupted"}), settings, corrupted)
    store.save(a, clean)
    store.save(b, corrupted)
    return a, b, hit


def _statement_ids(key: str) -> list[str]:
    """Item ids of a report's gold statements, in gold order (labels made unique as evals.items does)."""
    record = record_run(EvalOptions(), Settings(), {key: oracle_predictions(load_gold(key))})
    return [i.item_id for i in record.items if i.record_type == "statements"]


def _sum_items(record: RunRecord, record_type: str, field: str) -> FieldCounts:
    total = FieldCounts()
    for item in record.items:
        if item.record_type == record_type and field in item.fields:
            total = total.merge(item.fields[field])
    return total


def test_cli_run_scores_equal_the_scorer_in_process(
    cli_run: tuple[Path, dict[str, Any]], corpus: dict[str, SourceText], tmp_path: Path
) -> None:
    home, result = cli_run
    assert result["run_id"] and set(result["scores"]) == {"overall", "forms", "statements", "table_rows", "identity"}
    assert set(result["reports"]) == {"000", "001", "002", "004"}
    settings = Settings(home=tmp_path)
    reports = [score_report(load_gold(key), extract(corpus[key], settings)) for key in JILIN]
    merged = merge_reports(reports)
    for name, score in merged.types.items():
        got = result["scores"][name]
        assert got["f1"] == round(score.micro.f1, 6), name
        assert (got["precision"], got["recall"]) == (
            round(score.micro.precision, 6),
            round(score.micro.recall, 6),
        )
        assert got["support"] == score.micro.support
    assert result["scores"]["overall"]["f1"] == round(merged.micro.f1, 6)
    assert result["reports"]["001"]["statements"]["f1"] == round(reports[1].types["statements"].micro.f1, 6)
    # the stored run: configuration, items and their counts adding up to the scores
    record = RunStore.under(home).get(result["run_id"])
    assert record.config.backend == "rules" and record.config.reports == ["000", "001", "002", "004"]
    assert record.prompts == {} and record.usage.calls == 0
    kinds = [i.record_type for i in record.items]
    assert (kinds.count("forms"), kinds.count("statements"), kinds.count("table_rows")) == (
        GOLD_FORMS + 8,  # + a dev and a test bucket for each report whose forms are labeled complete
        GOLD_STATEMENTS + 6,  # + the buckets of 000, 001 and 004, which have statement sections labeled complete
        GOLD_ROWS,
    )
    buckets = {i.item_id: i.split for i in record.items if i.label.startswith(UNMATCHED)}
    assert buckets == {
        f"{key}:{kind}:{UNMATCHED} {split}": split
        for key, kinds in {"000": ("forms", "statements"), "001": ("forms", "statements")}.items()
        | {"002": ("forms",), "004": ("forms", "statements")}.items()
        for kind in kinds
        for split in ("dev", "test")
    }
    for name, score in record.scores.types.items():
        for field, counts in score.fields.items():
            assert _sum_items(record, name, field) == counts, (name, field)
    assert len(RunStore.under(home).predictions(record)) == 4


def test_rescore_without_extracting_and_identical_runs_compare_to_zero(
    cli_run: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, result = cli_run
    store = RunStore.under(home)

    def no_extraction(*args: object) -> None:
        raise AssertionError("rescore must not extract")

    monkeypatch.setattr(evals.harness, "extract", no_extraction)
    again = rescore(store, result["run_id"])
    original = store.get(result["run_id"])
    assert again.rescored_from == original.run_id and again.predictions_run == original.run_id
    assert again.scores.model_dump() == original.scores.model_dump()
    comparison = compare_runs(original, again)
    assert comparison.items == len(original.items) and not comparison.flips and not comparison.warnings
    for scope in comparison.scopes:
        assert scope.difference == 0.0 and scope.low == 0.0 and scope.high == 0.0, scope.scope
        assert scope.a_f1 == scope.b_f1
    done = cli(home, "compare", original.run_id, again.run_id[:20], "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["flips"] == [] and all(s["difference"] == 0.0 for s in printed["scopes"])


def _base(ids: set[str]) -> set[str]:
    return {re.sub(r" #\d+$", "", item) for item in ids}


def test_compare_finds_the_corrupted_amounts(
    cli_run: tuple[Path, dict[str, Any]], oracle_runs: tuple[RunRecord, RunRecord, set[str]]
) -> None:
    home, _ = cli_run
    a, b, hit = oracle_runs
    with_amount = sum(1 for key in gold_keys() for s in load_gold(key).statements if s.amount is not None)
    assert a.f1 == 1.0 and len(hit) > 10
    amount = b.scores.types["statements"].fields["amount"]
    assert (amount.correct, amount.wrong, amount.missed) == (with_amount - len(hit), len(hit), 0)
    comparison = compare_runs(a, b)
    scope = comparison.scope("statements", "amount")
    assert scope.a_f1 == 1.0 and scope.b_f1 == pytest.approx(
        (with_amount - len(hit)) / with_amount, abs=1e-12
    )
    assert scope.difference == pytest.approx(-len(hit) / with_amount, abs=1e-12)
    assert scope.low <= scope.difference <= scope.high < 0
    assert comparison.scope().difference < 0 and comparison.scope().high < 0
    assert comparison.scope("statements", "metric").difference == 0.0
    assert comparison.scope("forms").difference == 0.0 and comparison.scope("table_rows").difference == 0.0
    flipped = {f.item_id for f in comparison.flips if f.field == ALL}
    # two gold statements equal in every scored field (000 p6437 涉及资金 0 万元, #2 and #3)
    # may trade places in the alignment: compare ids without the #n that tells them apart
    assert _base(flipped) == _base(hit) and all(f.a == "correct" and f.b == "wrong" for f in comparison.flips)
    assert _base({f.item_id for f in comparison.flips if f.field == "amount"}) == _base(hit)
    assert scope.flips_to_wrong == len(hit) and scope.flips_to_correct == 0
    # the same through the CLI: the flipped items are printed
    test_items = {f.item_id for f in comparison.flips if f.field == ALL and f.split == "test"}
    done = cli(home, "compare", a.run_id, b.run_id)
    assert done.returncode == 0, done.stderr
    assert f"flipped items: {len(hit) - len(test_items)}" in done.stdout  # test items only when asked
    assert all((item in done.stdout) != (item in test_items) for item in flipped)
    done = cli(home, "compare", a.run_id, b.run_id, "--show-test")
    assert f"flipped items: {len(hit)}" in done.stdout and all(item in done.stdout for item in flipped)


def test_compare_refuses_runs_over_different_items(
    cli_run: tuple[Path, dict[str, Any]], oracle_runs: tuple[RunRecord, RunRecord, set[str]]
) -> None:
    home, _ = cli_run
    a, _, _ = oracle_runs
    only_001 = record_run(EvalOptions(), Settings(home=home), {"001": oracle_predictions(load_gold("001"))})
    RunStore.under(home).save(only_001)
    with pytest.raises(ComparisonError, match="different items") as refused:
        compare_runs(a, only_001)
    assert f"only in {a.run_id}" in str(refused.value) and "000:forms:" in str(refused.value)
    done = cli(home, "compare", a.run_id, only_001.run_id)
    assert done.returncode == 2 and "different items" in done.stderr


def test_rescore_follows_a_gold_change(
    cli_run: tuple[Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, result = cli_run
    store = RunStore.under(home)
    original = store.get(result["run_id"])
    item_id = "001:statements:p1280 财政拨款收入"
    # the source prints "财政拨款收入 17321.91 万元" (001 line 1280) and the rules read it
    [before] = [i for i in original.items if i.item_id == item_id]
    assert before.fields["amount"].correct == 1
    gold = tmp_path / "gold"
    shutil.copytree(GOLD_DIR, gold)
    path = gold / "001.statements.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    [at] = [n for n, line in enumerate(lines) if '"paragraph_id": "p1280", "metric": "财政拨款收入"' in line]
    assert '"amount": 17321.91' in lines[at]
    lines[at] = lines[at].replace('"amount": 17321.91', '"amount": 17321.99')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(evals.harness, "extract", lambda *a: pytest.fail("rescore must not extract"))
    again = rescore(store, original.run_id, gold_dir=gold)
    [after] = [i for i in again.items if i.item_id == item_id]
    assert after.fields["amount"].wrong == 1 and after.fields["amount"].correct == 0
    old_amount = original.scores.types["statements"].fields["amount"]
    new_amount = again.scores.types["statements"].fields["amount"]
    assert (new_amount.correct, new_amount.wrong) == (old_amount.correct - 1, old_amount.wrong + 1)
    assert again.gold_digest != original.gold_digest
    comparison = compare_runs(original, again)  # same items, another version of the gold
    assert comparison.warnings and {(f.item_id, f.field) for f in comparison.flips} >= {(item_id, "amount")}


def test_report_writes_html_with_plots_and_markdown(
    cli_run: tuple[Path, dict[str, Any]], oracle_runs: tuple[RunRecord, RunRecord, set[str]]
) -> None:
    home, result = cli_run
    a, b, hit = oracle_runs
    out = home / "reports" / "example.html"
    done = cli(home, "report", a.run_id, b.run_id, result["run_id"], "-o", str(out), "--show-test")
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("<img") >= 3 and "data:image/png;base64," in page and "<table>" in page
    assert a.run_id in page and f"Flipped items ({len(hit)})" in page
    summary = out.with_suffix(".md").read_text(encoding="utf-8")
    assert summary.startswith("# Extraction evaluation") and "| run |" in summary
    assert f"Comparison: B = {b.run_id} vs A = {a.run_id}" in summary
    assert not list(out.parent.glob(".*.tmp"))  # written through temporary files, none left


def test_fail_under_turns_f1_into_an_exit_code(tmp_path: Path) -> None:
    passed = cli(tmp_path, "run", "--report", "004", "--json", "--fail-under", "0.5")
    assert passed.returncode == 0, passed.stderr
    f1 = json.loads(passed.stdout)["scores"]["overall"]["f1"]
    assert 0.5 < f1 < 0.999  # 004: forms labeled complete and none exist; statements imperfect
    failed = cli(tmp_path, "run", "--report", "004", "--json", "--fail-under", f"{f1 + 0.001:.6f}")
    assert failed.returncode == 1 and "below --fail-under" in failed.stderr
    assert json.loads(failed.stdout)["scores"]["overall"]["f1"] == f1
    listed = cli(tmp_path, "list", "--json")
    assert len(listed.stdout.splitlines()) == 2


def test_repeats_are_grouped_with_their_spread(tmp_path: Path) -> None:
    store = RunStore.under(tmp_path)
    records = run_repeats(EvalOptions(reports=["002"]), Settings(home=tmp_path), store, 2)
    assert [r.config.repeat for r in records] == [0, 1]
    assert records[0].group_id and records[0].group_id == records[1].group_id
    assert [r.run_id for r in store.group(records[0].group_id)] == [r.run_id for r in records]
    summary = evals.harness.run_summary(records)
    assert summary["run_ids"] == [r.run_id for r in records]
    spread = summary["spread"]["overall"]  # type: ignore[index]
    assert spread["min"] == spread["max"] == round(records[0].f1, 6) and spread["stdev"] == 0.0


def test_configuration_prompts_and_sources(tmp_path: Path) -> None:
    assert parse_prompts(["narrative=v1", "form = v1"]) == {"narrative": "v1", "form": "v1"}
    with pytest.raises(ConfigError, match="NAME=VERSION"):
        parse_prompts(["narrative"])
    base = Settings(home=tmp_path)
    chosen = settings_for(
        EvalOptions(backend="hybrid", prompts={"narrative": "v1"}, model="m", repeat=3), base
    )
    assert (chosen.backend, chosen.llm.narrative_prompt, chosen.llm.model, chosen.llm.repeat) == (
        "hybrid",
        "v1",
        "m",
        3,
    )
    assert base.llm.repeat == 0 and base.backend == "rules"  # the base is not changed
    with pytest.raises(ConfigError, match="unknown prompt 'summary'"):
        settings_for(EvalOptions(prompts={"summary": "v1"}), base)
    # a sample is found by its sha256 when its name changed; a missing one is a clear error
    bundle = load_gold("002")
    renamed = tmp_path / "renamed.txt"
    shutil.copyfile(find_source(bundle), renamed)
    assert find_source(bundle.model_copy(update={"source": "gone.txt"}), [tmp_path]) == renamed
    with pytest.raises(GoldError, match="--samples"):
        find_source(GoldBundle(key="x", source="gone.txt", sha256="0" * 64), [tmp_path])
    done = cli(tmp_path, "run", "--prompt", "summary=v1")
    assert done.returncode == 2 and "unknown prompt" in done.stderr


def test_store_resolves_prefixes(tmp_path: Path) -> None:
    store = RunStore.under(tmp_path)
    clean = {"002": oracle_predictions(load_gold("002"))}
    first = record_run(EvalOptions(), Settings(home=tmp_path), clean)
    second = record_run(EvalOptions(), Settings(home=tmp_path), clean)
    store.save(first, clean)
    store.save(second)
    assert store.get(first.run_id[:-1]).run_id == first.run_id
    with pytest.raises(RunNotFoundError, match="no run"):
        store.get("nope")
    with pytest.raises(RunNotFoundError, match="ambiguous"):
        store.get(first.run_id[:8])  # both were made today
    with pytest.raises(RunNotFoundError, match="no stored predictions"):
        store.predictions(second)


def _synthetic(run_id: str, items: dict[str, dict[str, FieldCounts]]) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        created="2026-01-01T00:00:00+00:00",
        config=RunConfig(backend="rules", reports=["x"], extractor_version="test"),
        gold_digest="g",
        scores=ScoreReport(report="all"),
        items=[
            ItemScore(
                item_id=f"x:statements:{name}",
                report="x",
                record_type="statements",
                label=name,
                fields=fields,
            )
            for name, fields in items.items()
        ],
    )


def test_bootstrap_on_two_items_by_hand() -> None:
    right, wrong = FieldCounts(correct=1), FieldCounts(wrong=1)
    a = _synthetic(
        "a", {"s1": {"amount": right, "share_pct": FieldCounts(correct_null=1)}, "s2": {"amount": right}}
    )
    b = _synthetic(
        "b", {"s1": {"amount": wrong, "share_pct": FieldCounts(spurious=1)}, "s2": {"amount": right}}
    )
    comparison = compare_runs(a, b)
    amount = comparison.scope("statements", "amount")
    # B: c=1, w=1 -> F1 = 2c / (2c + 2w) = 0.5. Resampling two items: {s1, s1} gives
    # B F1 0 (difference -1), {s2, s2} gives 0, a mix -0.5; the 95% interval spans [-1, 0].
    assert (amount.a_f1, amount.b_f1, amount.difference) == (1.0, 0.5, -0.5)
    assert (amount.low, amount.high) == (-1.0, 0.0)
    # share_pct: left empty in A (gold empty), filled in B: a flip to wrong
    share = comparison.scope("statements", "share_pct")
    assert share.items == 1 and share.flips_to_wrong == 1 and share.a_f1 == 0.0
    assert {(f.item_id, f.field) for f in comparison.flips} == {
        ("x:statements:s1", "amount"),
        ("x:statements:s1", "share_pct"),
        ("x:statements:s1", ALL),
    }
