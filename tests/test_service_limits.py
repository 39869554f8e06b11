"""The service bounds each job: a text that is not a report, or one that needs more memory
than EXTRACTOR_MAX_MEMORY_MB allows, fails its job with the reason; the server lives on."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.helpers.service import SAMPLE_001, SAMPLE_002, ServiceProcess, create_key, wait_for_jobs

REPO = Path(__file__).resolve().parent.parent


def _upload(client: httpx.Client, name: str, content: bytes) -> str:
    answer = client.post("/v1/extractions", files={"file": (name, content, "text/plain")})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job_id"])


def test_jobs_fail_with_a_reason_and_the_server_lives_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = create_key(home, "limits")
    # 001 repeated 32 times needs about 280 MiB (bench/bench_scaling.py); 002 about 55 MiB.
    server = ServiceProcess(home, EXTRACTOR_MAX_MEMORY_MB="150", EXTRACTOR_SERVICE_WORKERS="1").start()
    try:
        with server.client(key) as client:
            readme = _upload(client, "CONTRIBUTING.md", (REPO / "CONTRIBUTING.md").read_bytes())
            big = _upload(client, "big.txt", SAMPLE_001.read_bytes() * 32)
            small = _upload(client, SAMPLE_002.name, SAMPLE_002.read_bytes())
            jobs = wait_for_jobs(client, [readme, big, small], timeout=240)
            assert jobs[readme]["status"] == "failed"
            assert "not a disclosure report" in jobs[readme]["error"]
            assert jobs[big]["status"] == "failed"
            assert "needed more than 150 MiB of memory" in jobs[big]["error"]
            assert jobs[small]["status"] == "completed", jobs[small]["error"]
            assert httpx.get(f"{server.url}/healthz").json()["worker"] == "running"
    finally:
        server.stop()
