"""Kill the real server with SIGKILL while jobs run; the next start resumes them."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

from tests.helpers.service import (
    SAMPLE_001,
    SAMPLE_002,
    SAMPLE_004,
    ServiceProcess,
    create_key,
    wait_for_jobs,
)


def _statuses(home: Path) -> dict[str, str]:
    with sqlite3.connect(home / "service.sqlite3") as db:
        return dict(db.execute("select id, status from jobs").fetchall())


def test_sigkill_while_jobs_run_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = create_key(home, "alice")
    server = ServiceProcess(home, EXTRACTOR_SERVICE_WORKERS="1").start()
    # A long report (001 three times over, 0.5 MB) is slow enough to be caught running;
    # the small ones are distinct (an appended line) so each is its own stored upload.
    uploads = {"long.txt": SAMPLE_001.read_bytes() * 3}
    for number in range(6):
        sample = (SAMPLE_002, SAMPLE_004)[number % 2]
        uploads[f"small-{number:02d}.txt"] = sample.read_bytes() + f"\n附注 {number}\n".encode()
    jobs: dict[str, dict] = {}
    try:
        with server.client(key) as client:
            for name, data in uploads.items():
                answer = client.post("/v1/extractions", files={"file": (name, data, "text/plain")})
                assert answer.status_code == 202, answer.text
                jobs[name] = answer.json()
            long_job = jobs["long.txt"]["job_id"]
            deadline = time.monotonic() + 30
            while client.get(f"/v1/jobs/{long_job}").json()["status"] != "running":
                assert time.monotonic() < deadline, "the long job never started"
                time.sleep(0.02)
            server.kill()
    finally:
        server.kill()
    before = _statuses(home)
    assert before[long_job] == "running"  # caught mid-run by the kill
    assert list(before.values()).count("queued") == 6

    restarted = ServiceProcess(home, EXTRACTOR_SERVICE_WORKERS="2").start()
    try:
        with restarted.client(key) as client:
            done = wait_for_jobs(client, [j["job_id"] for j in jobs.values()], timeout=90)
            assert all(job["status"] == "completed" for job in done.values()), [
                (j["report_name"], j["status"], j["error"])
                for j in done.values()
                if j["status"] != "completed"
            ]
            resumed = done[long_job]
            assert resumed["attempts"] == 2
            assert "resumed after an interrupted run" in resumed["note"] and "stopped" in resumed["note"]
            assert all(done[j["job_id"]]["attempts"] == 1 for n, j in jobs.items() if n != "long.txt")
            # No upload lost: every report listed, its bytes stored under its sha256.
            reports = {r["name"]: r for r in client.get("/v1/reports").json()}
            assert set(reports) == set(uploads)
            for name, data in uploads.items():
                sha = hashlib.sha256(data).hexdigest()
                assert reports[name]["sha256"] == sha
                assert (home / "uploads" / sha[:2] / sha).read_bytes() == data
            extraction = client.get(f"/v1/reports/{jobs['long.txt']['report_id']}/extraction").json()
            assert extraction["document"]["sha256"] == hashlib.sha256(uploads["long.txt"]).hexdigest()
            assert extraction["document"]["department"] == "吉林省人民政府办公厅"
            small = client.get(f"/v1/reports/{jobs['small-01.txt']['report_id']}/extraction").json()
            assert small["document"]["source_name"] == "small-01.txt"
            assert small["document"]["department"] == "怀仁市工业和信息化局"
    finally:
        restarted.stop()
