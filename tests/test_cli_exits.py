"""Exit codes and messages of ``extract`` and ``check`` a new user meets, at 80 columns too."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.document import SourceText
from extractor.settings import Settings
from tests.conftest import CORPUS, SAMPLES

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path, columns: int | str = 80, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "EXTRACTOR_HOME": str(cwd / "home"), "COLUMNS": str(columns), **env}
    for name in ("EXTRACTOR_LLM_MODEL", "OPENAI_MODEL", "EXTRACTOR_LLM_BASE_URL"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=300,
    )


def test_a_text_that_is_no_report_exits_1_as_not_a_report(tmp_path: Path) -> None:
    out = tmp_path / "readme.json"
    done = run("extract", str(REPO / "CONTRIBUTING.md"), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert "not_a_report" in done.stderr
    assert "not a disclosure report" in done.stderr
    assert not out.exists()
    # the bundled reports still count as reports
    done = run("extract", str(SAMPLES), "-o", str(tmp_path / "out/"), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [row["status"] for row in json.loads(done.stdout)] == ["ok"] * 4


def test_chunk_failures_exit_1_unless_allow_partial(tmp_path: Path) -> None:
    unreachable = {
        "EXTRACTOR_LLM_MODEL": "any",
        "EXTRACTOR_LLM_BASE_URL": "http://127.0.0.1:9/v1",  # discard port: nothing listens
        "EXTRACTOR_LLM_MAX_RETRIES": "0",
    }
    out = tmp_path / "002.json"
    done = run("extract", "--backend", "hybrid", str(CORPUS["002"]), "-o", str(out), cwd=tmp_path, **unreachable)
    assert done.returncode == 1
    assert "could not be read" in done.stderr
    assert "docs/llm.md" in done.stderr.replace("\n", "")
    assert "--allow-partial" in done.stderr.replace("\n", "")
    assert "Total attempts" not in done.stderr  # instructor's own give-up line is not shown
    assert json.loads(out.read_text(encoding="utf-8"))["failures"][0]["stage"] == "llm"  # the rest is kept
    done = run("extract", "--backend", "hybrid", "--allow-partial", str(CORPUS["002"]), "-o", str(out),
               cwd=tmp_path, **unreachable)
    assert done.returncode == 0, done.stderr


def test_no_model_configured_points_at_the_docs(tmp_path: Path) -> None:
    done = run("extract", "--backend", "llm", str(CORPUS["002"]), "-o", str(tmp_path / "x.json"), cwd=tmp_path)
    assert done.returncode == 2  # a setting missing: a usage error, found before any report is read
    assert not (tmp_path / "x.json").exists()
    message = " ".join(done.stderr.split())
    assert "no model configured: set EXTRACTOR_LLM_MODEL" in message
    assert "docs/llm.md" in message


def test_several_inputs_need_a_folder_for_output(tmp_path: Path) -> None:
    two = [str(CORPUS["001"]), str(CORPUS["002"])]
    done = run("extract", *two, "-o", str(tmp_path / "two.json"), cwd=tmp_path)
    assert done.returncode == 2
    assert "must name a folder" in done.stderr
    assert not (tmp_path / "two.json").exists()
    done = run("extract", *two, "-o", str(tmp_path / "made") + "/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "made").iterdir()) == [
        "001_f428d76052f7ee41.json", "002_a3ea872c53ba739f.json"]
    (tmp_path / "existing").mkdir()
    done = run("extract", *two, "-o", str(tmp_path / "existing"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "existing").iterdir())) == 2


def test_output_files_follow_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "002.json"
    environment = {**os.environ, "EXTRACTOR_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(CORPUS["002"]), "-o", str(out)],
        env=environment, capture_output=True, timeout=300, check=True, preexec_fn=lambda: os.umask(0o022),
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_memory_bound_fails_the_report_with_a_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(CORPUS["001"].read_bytes() * 32)  # needs about 280 MiB (bench/bench_scaling.py)
    done = run("extract", str(big), "-o", str(tmp_path / "big.json"), cwd=tmp_path, EXTRACTOR_MAX_MEMORY_MB="150")
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "needed more than 150 MiB of memory" in message
    assert "EXTRACTOR_MAX_MEMORY_MB" in message
    assert "Traceback" not in done.stderr


def test_summary_at_80_columns_keeps_full_names(tmp_path: Path) -> None:
    done = run("extract", str(SAMPLES), "-o", str(tmp_path / "out/"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in CORPUS.values():
        assert path.name in done.stderr
    assert "final_account" in done.stderr
    assert max(len(line) for line in done.stderr.splitlines()) <= 80
    wide = run("extract", str(SAMPLES), "-o", str(tmp_path / "out/"), cwd=tmp_path, columns=200)
    assert "┃ report" in wide.stderr  # a table when there is room
    for path in CORPUS.values():
        assert path.name in wide.stderr


def test_check_takes_folders_and_reads_at_80_columns(tmp_path: Path) -> None:
    done = run("check", str(SAMPLES), "--fail-on", "never", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in CORPUS.values():
        assert f"{path.name}: " in done.stdout
    # 004: 5 errors (true report errors of its projects: tests/test_reconcile_projects.py), one
    # warning (singular), 18 info
    assert "004_b2f642792688ba7f.txt: 5 errors, 1 warning, 18 info" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    # a finding's message is printed whole (001 公开05表 line 273, 小计 1887.42 vs 1805.13)
    text = " ".join(done.stdout.split())
    assert "公开05表 / 20805 行政事业单位养老支出 / 本年支出/基本支出/小计 vs 人员经费 + 公用经费" in text


def test_check_json(tmp_path: Path) -> None:
    done = run("check", str(CORPUS["001"]), str(CORPUS["002"]), "--json", cwd=tmp_path)
    assert done.returncode == 1  # 001 holds report errors
    reports = json.loads(done.stdout)
    assert [r["counts"]["error"] for r in reports] == [30, 0]
    assert all(f["severity"] != "info" for f in reports[0]["findings"])


@pytest.mark.parametrize("command", ["extract", "check"])
def test_unreadable_input_names_the_file_once(tmp_path: Path, command: str) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01")
    done = run(command, str(binary), cwd=tmp_path, columns=200)
    assert done.returncode in (1, 2)
    assert "binary.txt: binary.txt" not in done.stderr
    assert "binary.txt" in done.stderr


def test_help_shows_no_type_placeholders(tmp_path: Path) -> None:
    for command in ("extract", "check"):
        done = run(command, "--help", cwd=tmp_path, columns=100)
        assert done.returncode == 0
        assert "<bool>" not in done.stdout and "list[Path]" not in done.stdout, done.stdout


def test_eval_help_shows_no_list_placeholders(tmp_path: Path) -> None:
    for command in (("eval", "run"), ("eval", "report")):
        done = run(*command, "--help", cwd=tmp_path, columns=100)
        assert done.returncode == 0
        assert "list[" not in done.stdout and "<bool>" not in done.stdout, done.stdout


def test_eval_compare_at_80_columns_keeps_scope_names(tmp_path: Path) -> None:
    runs = []
    for _ in range(2):
        done = run("eval", "run", "--backend", "rules", "-r", "002", "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout)["run_id"])
    done = run("eval", "compare", *runs, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "forms.funds.full_year_budget" in lines  # a scope heads its block, whole
    assert "gold items" in lines[0] + lines[1]
    assert "scored 29" in done.stdout  # 002: 29 of its 33 gold items score in 'overall'


def test_scores_with_no_support_read_n_a() -> None:
    from rich.console import Console

    from extractor.cli.eval import _scores_table

    table = _scores_table("run", {
        "overall": {"precision": 1.0, "recall": 0.5, "f1": 0.666667, "support": 3},
        "score_tables": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
    })
    console = Console(width=120, record=True)
    console.print(table)
    text = console.export_text()
    row = next(line for line in text.splitlines() if "score_tables" in line)
    assert row.count("n/a") == 3 and "0.0000" not in row
    assert "0.6667" in text


def test_streamed_json_is_the_models_json(corpus: dict[str, SourceText], settings: Settings) -> None:
    from extractor.cli.output import json_chunks
    from extractor.pipeline import extract

    for source in corpus.values():
        result = extract(source, settings)
        assert "".join(json_chunks(result)) == result.model_dump_json(indent=2)
