"""``extractor batch`` (resumable by hash) and ``extractor keys``."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.service.batch import STATE_FILE
from tests.helpers.service import SAMPLE_001, SAMPLE_002, SAMPLE_004, run_cli


def _state(out: Path) -> list[dict]:
    """The state file's entries, a torn line left out."""
    entries = []
    for line in (out / STATE_FILE).read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def test_batch_runs_a_folder_and_resumes_by_hash(tmp_path: Path) -> None:
    folder, out = tmp_path / "reports", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLE_002, folder / "002.txt")
    shutil.copy(SAMPLE_004, folder / "004.txt")
    (folder / "scan.txt").write_bytes(b"%PDF-1.4\n%binary\n")
    runner = CliRunner()

    first = runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    assert first.exit_code == 1, first.output  # scan.txt failed
    assert "PDF" in first.output
    state = {entry["source"]: entry for entry in _state(out)}
    assert {name: entry["status"] for name, entry in state.items()} == {
        "002.txt": "completed",
        "004.txt": "completed",
        "scan.txt": "failed",
    }
    assert state["002.txt"]["sha256"] == hashlib.sha256(SAMPLE_002.read_bytes()).hexdigest()
    budget = json.loads((out / "002.json").read_text(encoding="utf-8"))
    assert budget["document"]["department"] == "延边朝鲜族自治州工业和信息化局"
    assert budget["document"]["kind"] == "budget"
    first_mtime = (out / "002.json").stat().st_mtime_ns

    # Stopped and started again with one more report, and a renamed copy of one done.
    shutil.copy(SAMPLE_001, folder / "001.txt")
    shutil.copy(SAMPLE_004, folder / "004-copy.txt")
    second = runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    assert second.exit_code == 0, second.output
    entries = _state(out)
    assert [e["source"] for e in entries[3:]] == ["001.txt"]  # only the new report ran
    assert (
        json.loads((out / "001.json").read_text(encoding="utf-8"))["document"]["department"]
        == "吉林省人民政府办公厅"
    )
    assert not (out / "004-copy.json").exists()
    assert (out / "002.json").stat().st_mtime_ns == first_mtime

    # A torn last line (killed mid-write) is ignored; a deleted output is made again.
    with (out / STATE_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"sha256": "ab')
    (out / "002.json").unlink()
    third = runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    assert third.exit_code == 0, third.output
    assert [e["source"] for e in _state(out)[4:]] == ["002.txt"]
    assert (out / "002.json").exists()

    retried = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--retry-failed"])
    assert retried.exit_code == 1
    assert [e["source"] for e in _state(out)[5:]] == ["scan.txt"]


def test_batch_in_parallel_processes_writes_the_same_results(tmp_path: Path) -> None:
    folder, out = tmp_path / "reports", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLE_002, folder / "002.txt")
    shutil.copy(SAMPLE_004, folder / "004.txt")
    done = CliRunner().invoke(app, ["batch", str(folder), "-o", str(out), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.glob("*.json")) == ["002.json", "004.json"]
    assert (
        json.loads((out / "004.json").read_text(encoding="utf-8"))["document"]["department"]
        == "怀仁市工业和信息化局"
    )


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    home = tmp_path / "home"
    created = run_cli(home, "keys", "create", "alice")
    assert created.returncode == 0, created.stderr
    lines = created.stdout.strip().splitlines()
    secret = lines[-1]
    assert secret.startswith("ext_") and len(secret) > 40 and " " not in secret
    assert secret not in "\n".join(lines[:-1])
    database = (home / "service.sqlite3").read_bytes()
    with sqlite3.connect(home / "service.sqlite3") as db:
        stored = db.execute("select key_hash from api_keys where name = 'alice'").fetchone()[0]
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.encode() not in database
    runner, env = CliRunner(), {"EXTRACTOR_HOME": str(home), "EXTRACTOR_DATABASE_URL": None}
    again = runner.invoke(app, ["keys", "create", "alice"], env=env)
    assert again.exit_code == 1 and "exists already" in again.output  # names are unique
    listed = runner.invoke(app, ["keys", "list"], env=env)
    assert "alice" in listed.stdout and secret not in listed.stdout and secret[:10] in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", "alice"], env=env).exit_code == 0
    with sqlite3.connect(home / "service.sqlite3") as db:
        assert db.execute("select revoked_at from api_keys where name = 'alice'").fetchone()[0] is not None
    assert runner.invoke(app, ["keys", "revoke", "nobody"], env=env).exit_code == 1
