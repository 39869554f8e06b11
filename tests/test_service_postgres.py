"""The service on PostgreSQL: runs when EXTRACTOR_TEST_POSTGRES_URL names an
empty-able database (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/extractor)
and a driver is installed; skipped otherwise."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from tests.helpers.service import SAMPLE_001, ServiceProcess, create_keys, wait_for_jobs

URL = os.environ.get("EXTRACTOR_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not URL or importlib.util.find_spec("psycopg") is None,
    reason="set EXTRACTOR_TEST_POSTGRES_URL (and install psycopg) to run the PostgreSQL test",
)


def test_full_flow_on_postgresql(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from extractor.service.models import Base

    engine = create_engine(URL)
    Base.metadata.drop_all(engine)  # a clean database for this run
    engine.dispose()
    home = tmp_path / "home"
    keys = create_keys(home, "alice", "bob", database_url=URL)
    server = ServiceProcess(home, EXTRACTOR_DATABASE_URL=URL, PYTHONPATH=os.environ.get("PYTHONPATH", "")).start()
    try:
        with server.client(keys["alice"]) as alice, server.client(keys["bob"]) as bob:
            files = {"file": ("001.txt", SAMPLE_001.read_bytes(), "text/plain")}
            first = alice.post("/v1/extractions", files=files).json()
            second = bob.post("/v1/extractions", files=files).json()
            assert (first["stored"], second["stored"]) == ("new", "existing")
            assert first["report_id"] == second["report_id"]
            wait_for_jobs(alice, [first["job_id"]])
            wait_for_jobs(bob, [second["job_id"]])
            extraction = alice.get(f"/v1/reports/{first['report_id']}/extraction").json()
            assert extraction["document"]["department"] == "吉林省人民政府办公厅"
            assert bob.get(f"/v1/jobs/{first['job_id']}").status_code == 404
            assert bob.delete(f"/v1/reports/{first['report_id']}").status_code == 204
            assert alice.get(f"/v1/reports/{first['report_id']}/export.xlsx").status_code == 200
    finally:
        server.stop()
    assert not (home / "service.sqlite3").exists()
