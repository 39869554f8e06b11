"""Orphaned jobs, in process: requeued while attempts remain, failed with the
reason after that; a live worker's jobs are left alone; results of a job taken
away from its worker are dropped."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from extractor.errors import ConfigError
from extractor.service.keys import authenticate, create_key
from extractor.service.models import Job, utcnow
from extractor.service.storage import Store
from extractor.service.worker import JobWorker
from extractor.settings import Settings
from tests.helpers.service import SAMPLE_004


@pytest.fixture()
def store(tmp_path) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path, job_max_attempts=2, job_stale_seconds=30, service_workers=1)
    store = Store(settings)
    store.create_schema()
    yield store
    store.close()


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _queue_one(store: Store) -> tuple[str, str]:
    info, secret = create_key(store, "alice")
    assert authenticate(store, f"Bearer {secret}") == info.id
    data = SAMPLE_004.read_bytes()
    job, created = store.create_extraction(
        info.id, "004.txt", data, hashlib.sha256(data).hexdigest(), "utf-8", {"backend": "rules"}
    )
    assert created
    return info.id, job.id


def test_job_of_a_dead_process_is_requeued_then_failed_with_its_reason(store: Store) -> None:
    key_id, job_id = _queue_one(store)
    dead = f"{socket.gethostname()}:{_dead_pid()}:deadbeef"
    worker = JobWorker(store, store.settings)
    claimed = store.claim_next(dead)
    assert claimed is not None and claimed[0].id == job_id
    assert worker.recover() == {"queued": 1}
    job, _ = store.get_job(key_id, job_id)
    assert job.status == "queued" and job.worker is None
    assert "attempt 1 of 2" in job.note and "stopped before the job ended" in job.note
    store.claim_next(dead)
    assert worker.recover() == {"failed": 1}
    job, _ = store.get_job(key_id, job_id)
    assert job.status == "failed" and job.finished_at is not None
    assert job.error.startswith("interrupted 2 times, not retried again: the server process running it")


def test_live_workers_keep_their_jobs_until_their_heartbeat_is_stale(store: Store) -> None:
    key_id, job_id = _queue_one(store)
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        store.claim_next(f"{socket.gethostname()}:{sleeper.pid}:live")
        worker = JobWorker(store, store.settings)
        assert worker.recover() == {}
        assert store.get_job(key_id, job_id)[0].status == "running"
    finally:
        sleeper.kill()
        sleeper.wait()
    key_job = store.get_job(key_id, job_id)[0]
    with store.session() as session:  # now on another host, silent for a minute
        session.execute(
            update(Job)
            .where(Job.id == key_job.id)
            .values(worker="elsewhere:1:x", heartbeat_at=utcnow() - timedelta(seconds=20))
        )
    assert worker.recover() == {}
    with store.session() as session:
        session.execute(
            update(Job).where(Job.id == key_job.id).values(heartbeat_at=utcnow() - timedelta(seconds=60))
        )
    assert worker.recover() == {"queued": 1}
    assert "no heartbeat from its worker elsewhere:1:x for over 30 s" in store.get_job(key_id, job_id)[0].note


def test_worker_runs_a_queued_job_and_drops_a_result_taken_from_it(store: Store) -> None:
    key_id, job_id = _queue_one(store)
    assert not store.finish(job_id, "nobody", "{}", 0, None)  # not running under that worker
    worker = JobWorker(store, store.settings)
    worker.start()
    try:
        for _ in range(600):
            job, name = store.get_job(key_id, job_id)
            if job.status in ("completed", "failed"):
                break
            time.sleep(0.05)
    finally:
        worker.stop()
    assert (job.status, job.error, job.attempts) == ("completed", None, 1)
    job, payload = store.result_for(key_id, job.report_id, None)
    document = json.loads(payload)["document"]
    assert document["source_name"] == name == "004.txt"
    assert document["department"] == "怀仁市工业和信息化局"


def test_database_url_and_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "db" / "jobs.sqlite3"
    store = Store(Settings(home=tmp_path / "home", database_url=f"sqlite:///{elsewhere}"))
    try:
        store.create_schema()
        create_key(store, "alice")
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()
    assert elsewhere.exists() and not (tmp_path / "home" / "service.sqlite3").exists()
    with pytest.raises(ConfigError):
        Store(Settings(home=tmp_path, database_url="sqlite://"))
