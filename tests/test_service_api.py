"""The HTTP API against a real server process (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from tests.helpers.service import (
    SAMPLE_001,
    SAMPLE_002,
    SAMPLE_004,
    ServiceProcess,
    create_key,
    create_keys,
    revoke,
    wait_for_jobs,
)

LIMIT_MB = 1  # a small upload limit keeps the 413 tests fast


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-home")


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, str]:
    return {"alice": create_key(home, "alice"), **create_keys(home, "bob", "carol")}


@pytest.fixture(scope="module")
def server(home: Path, keys: dict[str, str]) -> Iterator[ServiceProcess]:
    process = ServiceProcess(home, EXTRACTOR_MAX_UPLOAD_MB=str(LIMIT_MB)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def alice(server: ServiceProcess, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with server.client(keys["alice"]) as client:
        yield client


@pytest.fixture(scope="module")
def bob(server: ServiceProcess, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with server.client(keys["bob"]) as client:
        yield client


def upload(
    client: httpx.Client, path: Path, name: str | None = None, data: bytes | None = None, **options: str
) -> httpx.Response:
    content = path.read_bytes() if data is None else data
    return client.post(
        "/v1/extractions", files={"file": (name or path.name, content, "text/plain")}, data=options
    )


@pytest.fixture(scope="module")
def extracted_001(alice: httpx.Client) -> dict:
    """Sample 001 uploaded by alice and extracted."""
    answer = upload(alice, SAMPLE_001)
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    job = wait_for_jobs(alice, [accepted["job_id"]])[accepted["job_id"]]
    return {**accepted, "job": job}


def test_healthz_and_openapi_need_no_key(server: ServiceProcess, home: Path) -> None:
    answer = httpx.get(f"{server.url}/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["database"], body["worker"]) == ("ok", "ok", "running")
    assert (home / "service.sqlite3").exists()
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert {"/v1/extractions", "/v1/jobs/{job_id}", "/v1/reports/{report_id}/export.csv"} <= set(paths)


def test_upload_poll_and_extraction_json(alice: httpx.Client, extracted_001: dict) -> None:
    assert extracted_001["job"]["status"] == "completed", extracted_001["job"]
    assert extracted_001["job"]["error"] is None
    assert extracted_001["sha256"] == hashlib.sha256(SAMPLE_001.read_bytes()).hexdigest()
    answer = alice.get(f"/v1/reports/{extracted_001['report_id']}/extraction")
    assert answer.status_code == 200
    assert answer.headers["x-job-id"] == extracted_001["job_id"]
    result = answer.json()
    assert result["document"]["department"] == "吉林省人民政府办公厅"
    assert result["document"]["year"] == 2024
    assert result["document"]["kind"] == "final_account"
    assert result["document"]["sha256"] == extracted_001["sha256"]
    assert result["run"]["backend"] == "rules"
    # The first 项目支出绩效自评表 of 001 (line 393 on): 政府序列会议经费.
    first = result["performance_forms"][0]
    assert first["project_name"] == "政府序列会议经费"
    assert [i["level3"] for i in first["indicators"]][:2] == ["会议审核比例", "全省规模会议计划召开场次"]


def test_findings_endpoint_matches_extraction(alice: httpx.Client, extracted_001: dict) -> None:
    report_id = extracted_001["report_id"]
    findings = alice.get(f"/v1/reports/{report_id}/findings").json()
    extraction = alice.get(f"/v1/reports/{report_id}/extraction").json()
    assert findings["job_id"] == extracted_001["job_id"]
    assert findings["findings"] == extraction["findings"]
    assert findings["count"] == len(extraction["findings"])


def test_xlsx_export_has_documented_sheets_and_rows(alice: httpx.Client, extracted_001: dict) -> None:
    report_id = extracted_001["report_id"]
    answer = alice.get(f"/v1/reports/{report_id}/export.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["report", "tables", "indicators", "statements", "findings"]
    report = {row[0]: row[1] for row in workbook["report"].iter_rows(min_row=2, values_only=True)}
    assert report["department"] == "吉林省人民政府办公厅"
    assert report["year"] == 2024
    extraction = alice.get(f"/v1/reports/{report_id}/extraction").json()
    indicators = list(workbook["indicators"].iter_rows(values_only=True))
    header = indicators[0]
    assert header[:3] == ("form", "form_kind", "form_title")
    expected_rows = sum(len(f["indicators"]) for f in extraction["performance_forms"])
    assert expected_rows > 50 and len(indicators) - 1 == expected_rows
    # Line 404 of 001: 产出指标 / 数量指标 / 会议审核比例, =100%, 100%, weight 25, score 25.
    row = dict(zip(header, indicators[1], strict=True))
    assert (row["project_name"], row["level1"], row["level2"], row["level3"]) == (
        "政府序列会议经费",
        "产出指标",
        "数量指标",
        "会议审核比例",
    )
    assert (row["target"], row["actual"], row["weight"], row["score"]) == ("=100%", "100%", 25, 25)
    assert row["target_comparator"] == "=" and row["target_number"] == 100
    assert workbook["indicators"]["A2"].data_type == "n"  # numbers stay numbers
    assert (
        workbook["indicators"].cell(2, header.index("target") + 1).data_type == "s"
    )  # "=100%" is not a formula
    findings = list(workbook["findings"].iter_rows(values_only=True))
    assert findings[0][:3] == ("rule_id", "family", "severity")
    assert len(findings) - 1 == len(extraction["findings"])
    statements = list(workbook["statements"].iter_rows(values_only=True))
    assert statements[0][:3] == ("paragraph_id", "section", "metric")
    assert len(statements) - 1 == len(extraction["narrative_statements"])


def test_csv_export_one_sheet_per_request(alice: httpx.Client, extracted_001: dict) -> None:
    report_id = extracted_001["report_id"]
    answer = alice.get(f"/v1/reports/{report_id}/export.csv", params={"sheet": "indicators"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())  # BOM, for Excel
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["form", "form_kind", "form_title"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["level3"], row["target"], row["weight"]) == ("会议审核比例", "=100%", "25.0")
    report = dict(
        csv.reader(
            io.StringIO(
                alice.get(f"/v1/reports/{report_id}/export.csv", params={"sheet": "report"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert report["department"] == "吉林省人民政府办公厅"
    tables = alice.get(f"/v1/reports/{report_id}/export.csv", params={"sheet": "tables"})
    assert tables.status_code == 200
    first = next(csv.reader(io.StringIO(tables.content.decode("utf-8-sig"))))
    assert first[:3] == ["table", "公开01表", "收入支出决算总表"]
    wrong = alice.get(f"/v1/reports/{report_id}/export.csv", params={"sheet": "pages"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_request"


def test_requests_without_a_valid_key_get_401(server: ServiceProcess, extracted_001: dict) -> None:
    with server.client(None) as anonymous:
        for path in (
            "/v1/jobs",
            "/v1/reports",
            f"/v1/jobs/{extracted_001['job_id']}",
            f"/v1/reports/{extracted_001['report_id']}/extraction",
        ):
            answer = anonymous.get(path)
            assert answer.status_code == 401, path
            assert answer.json()["error"]["code"] == "unauthorized"
            assert answer.headers["www-authenticate"] == "Bearer"
        assert upload(anonymous, SAMPLE_004).status_code == 401
        assert anonymous.get("/healthz").status_code == 200
    with server.client("ext_not-a-key") as forged:
        assert forged.get("/v1/reports").status_code == 401


def test_revoked_key_gets_401(server: ServiceProcess, home: Path, keys: dict[str, str]) -> None:
    with server.client(keys["carol"]) as carol:
        assert carol.get("/v1/reports").status_code == 200
        revoke(home, "carol")
        answer = carol.get("/v1/reports")
    assert answer.status_code == 401 and "revoked" in answer.json()["error"]["message"]


def test_another_keys_ids_answer_404(bob: httpx.Client, extracted_001: dict) -> None:
    report_id, job_id = extracted_001["report_id"], extracted_001["job_id"]
    for path in (
        f"/v1/jobs/{job_id}",
        f"/v1/reports/{report_id}",
        f"/v1/reports/{report_id}/extraction",
        f"/v1/reports/{report_id}/findings",
        f"/v1/reports/{report_id}/export.xlsx",
        f"/v1/reports/{report_id}/export.csv",
    ):
        answer = bob.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"
    assert bob.delete(f"/v1/reports/{report_id}").status_code == 404
    assert bob.post(f"/v1/reports/{report_id}/jobs", json={}).status_code == 404
    assert report_id not in {r["report_id"] for r in bob.get("/v1/reports").json()}
    assert job_id not in {j["job_id"] for j in bob.get("/v1/jobs").json()}


def test_too_large_upload_gets_413(alice: httpx.Client) -> None:
    before = len(alice.get("/v1/reports").json())
    line = SAMPLE_004.read_bytes()
    big = line * (2 * LIMIT_MB * 1048576 // len(line) + 1)  # twice the limit: refused by Content-Length
    answer = upload(alice, SAMPLE_004, name="big.txt", data=big)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "upload_too_large"
    just_over = big[: LIMIT_MB * 1048576 + 10]  # within the multipart slack: refused by the handler
    answer = upload(alice, SAMPLE_004, name="just-over.txt", data=just_over)
    assert answer.status_code == 413 and "1 MiB" in answer.json()["error"]["message"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server counts as the bytes come
        yield b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        for _ in range(2 * LIMIT_MB * 16):
            yield line[:65536].ljust(65536, b" ")
        yield b"\r\n--b0undary--\r\n"

    answer = alice.post(
        "/v1/extractions",
        content=chunked(),
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "upload_too_large"
    assert len(alice.get("/v1/reports").json()) == before


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "corrupt_pdf", "truncated"),
        (b"abc\x00\x01\x02" * 100, "binary_report", "NUL"),
        (b"  \n\n ", "empty_report", "empty"),
    ],
)
def test_unreadable_upload_gets_422_with_the_loaders_message(
    alice: httpx.Client, content: bytes, code: str, words: str
) -> None:
    answer = upload(alice, SAMPLE_004, name="report.txt", data=content)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == code and words in error["message"]


def test_bad_options_get_422(alice: httpx.Client) -> None:
    answer = upload(alice, SAMPLE_004, backend="magic")
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_request"
    answer = upload(alice, SAMPLE_004, narrative_prompt="v999")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_option" and "v999" in answer.json()["error"]["message"]


def test_same_upload_is_stored_once_and_shared_per_key(
    alice: httpx.Client, bob: httpx.Client, home: Path
) -> None:
    sha = hashlib.sha256(SAMPLE_002.read_bytes()).hexdigest()
    first = upload(alice, SAMPLE_002).json()
    second = upload(alice, SAMPLE_002, name="renamed.txt").json()
    by_bob = upload(bob, SAMPLE_002, name="bobs-copy.txt").json()
    assert first["stored"] == "new" and second["stored"] == "existing" and by_bob["stored"] == "existing"
    assert first["report_id"] == second["report_id"] == by_bob["report_id"]
    assert len({first["job_id"], second["job_id"], by_bob["job_id"]}) == 3
    stored = [p for p in (home / "uploads").rglob("*") if p.is_file()]
    assert [p.name for p in stored].count(sha) == 1
    assert (home / "uploads" / sha[:2] / sha).read_bytes() == SAMPLE_002.read_bytes()
    report_id = first["report_id"]
    wait_for_jobs(alice, [first["job_id"], second["job_id"]])
    wait_for_jobs(bob, [by_bob["job_id"]])
    assert bob.get(f"/v1/reports/{report_id}").json()["name"] == "bobs-copy.txt"
    assert alice.get(f"/v1/reports/{report_id}").json()["name"] == "renamed.txt"
    # Bob deletes his copy: alice keeps hers, bytes included.
    assert bob.delete(f"/v1/reports/{report_id}").status_code == 204
    assert bob.get(f"/v1/reports/{report_id}").status_code == 404
    assert alice.get(f"/v1/reports/{report_id}/extraction").json()["document"]["kind"] == "budget"
    assert (home / "uploads" / sha[:2] / sha).exists()
    # The last owner deletes it: the bytes go too.
    assert alice.delete(f"/v1/reports/{report_id}").status_code == 204
    assert alice.get(f"/v1/reports/{report_id}").status_code == 404
    assert not (home / "uploads" / sha[:2] / sha).exists()
    assert alice.get(f"/v1/jobs/{first['job_id']}").status_code == 404


def test_rerun_lists_and_job_filters(alice: httpx.Client, extracted_001: dict) -> None:
    report_id = extracted_001["report_id"]
    answer = alice.post(f"/v1/reports/{report_id}/jobs", json={"backend": "rules"})
    assert answer.status_code == 202 and answer.headers["location"].startswith("/v1/jobs/")
    rerun = answer.json()
    assert rerun["report_id"] == report_id and rerun["status"] in ("queued", "running", "completed")
    wait_for_jobs(alice, [rerun["job_id"]])
    detail = alice.get(f"/v1/reports/{report_id}").json()
    assert [j["job_id"] for j in detail["jobs"]][-1] == rerun["job_id"]
    assert alice.get(f"/v1/reports/{report_id}/extraction").headers["x-job-id"] == rerun["job_id"]
    older = alice.get(f"/v1/reports/{report_id}/extraction", params={"job_id": extracted_001["job_id"]})
    assert older.headers["x-job-id"] == extracted_001["job_id"]
    listed = alice.get("/v1/jobs", params={"report_id": report_id, "status": "completed"}).json()
    assert {j["job_id"] for j in listed} >= {extracted_001["job_id"], rerun["job_id"]}
    assert all(j["status"] == "completed" for j in listed)
    reports = alice.get("/v1/reports").json()
    assert report_id in {r["report_id"] for r in reports}
    assert alice.get("/v1/nowhere").json()["error"]["code"] == "not_found"
    assert json.loads(alice.get("/v1/jobs", params={"limit": 0}).text)["error"]["code"] == "invalid_request"


def test_queued_jobs_per_key_are_bounded_with_429(tmp_path: Path) -> None:
    # No worker threads (an API-only node): jobs stay queued.
    home = tmp_path / "home"
    key, other = create_keys(home, "dave", "erin").values()
    server = ServiceProcess(
        home, EXTRACTOR_SERVICE_WORKERS="0", EXTRACTOR_MAX_QUEUED_JOBS_PER_KEY="2"
    ).start()
    try:
        with server.client(key) as dave, server.client(other) as erin:
            assert [upload(dave, SAMPLE_004).status_code for _ in range(2)] == [202, 202]
            refused = upload(dave, SAMPLE_002)
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == "too_many_queued_jobs"
            assert "limit 2" in refused.json()["error"]["message"] and refused.headers["retry-after"]
            assert len(dave.get("/v1/reports").json()) == 1  # the refused upload was not stored
            assert upload(erin, SAMPLE_002).status_code == 202  # the bound is per key
            assert {j["status"] for j in dave.get("/v1/jobs").json()} == {"queued"}
            assert httpx.get(f"{server.url}/healthz").json()["worker"] == "disabled"
    finally:
        server.stop()
