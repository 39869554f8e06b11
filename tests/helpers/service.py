"""Helpers for the service tests: a real ``extractor serve`` process on
127.0.0.1 with a free port and its own EXTRACTOR_HOME, and keys made with the
real ``extractor keys create`` command. No tests of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"
SAMPLE_001 = SAMPLES / "001_f428d76052f7ee41.txt"
SAMPLE_002 = SAMPLES / "002_a3ea872c53ba739f.txt"
SAMPLE_004 = SAMPLES / "004_b2f642792688ba7f.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env.update({"EXTRACTOR_HOME": str(home), **extra})
    return env


def run_cli(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args],
        env=service_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def create_key(home: Path, name: str) -> str:
    """A new key, taken from the last line of ``extractor keys create`` as a user would."""
    done = run_cli(home, "keys", "create", name)
    if done.returncode != 0:
        raise RuntimeError(f"keys create failed: {done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def create_keys(home: Path, *names: str, database_url: str | None = None) -> dict[str, str]:
    """Keys made in this process (faster than the CLI; the CLI has its own tests)."""
    from extractor.service.keys import create_key as make_key
    from extractor.service.storage import Store
    from extractor.settings import Settings

    store = Store(Settings(home=home, database_url=database_url))
    try:
        store.create_schema()
        return {name: make_key(store, name)[1] for name in names}
    finally:
        store.close()


def revoke(home: Path, name: str) -> None:
    from extractor.service.keys import revoke_key
    from extractor.service.storage import Store
    from extractor.settings import Settings

    store = Store(Settings(home=home))
    try:
        revoke_key(store, name)
    finally:
        store.close()


class ServiceProcess:
    """``python -m extractor serve`` in its own process group."""

    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = home / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServiceProcess:
        self.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "extractor",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                env=service_env(self.home, **self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz:\n{self.log.read_text(errors='replace')}")

    def kill(self) -> None:
        """SIGKILL, as a crash would; reaped so its pid is really gone."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)


def wait_for_jobs(client: httpx.Client, job_ids: list[str], timeout: float = 60.0) -> dict[str, dict]:
    """Poll (one list request a round) until every job is completed or failed;
    returns the last job documents."""
    deadline = time.monotonic() + timeout
    wanted = set(job_ids)
    jobs: dict[str, dict] = {}
    while time.monotonic() < deadline:
        answer = client.get("/v1/jobs", params={"limit": 1000})
        answer.raise_for_status()
        jobs = {job["job_id"]: job for job in answer.json() if job["job_id"] in wanted}
        if len(jobs) == len(wanted) and all(j["status"] in ("completed", "failed") for j in jobs.values()):
            return jobs
        time.sleep(0.1)
    raise TimeoutError(
        f"jobs not finished: {[j for j in job_ids if jobs.get(j, {}).get('status') not in ('completed', 'failed')]}"
    )
