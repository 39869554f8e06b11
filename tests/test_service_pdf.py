"""The service takes PDFs: an upload is read from its text layer, a scan gets a 422."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_pdf_bad import scanned_pdf
from tests.test_service_support import ServiceProcess, create_key, wait_for_jobs

SHANGHAI = Path(__file__).resolve().parent.parent / "samples" / "shanghai"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    home = tmp_path_factory.mktemp("service-pdf-home")
    key = create_key(home, "alice")
    process = ServiceProcess(home).start()
    try:
        with process.client(key) as client:
            yield client
    finally:
        process.stop()


def _upload(client: httpx.Client, name: str, content: bytes) -> httpx.Response:
    return client.post("/v1/extractions", files={"file": (name, content, "application/pdf")})


def test_an_uploaded_pdf_is_extracted_with_pages_and_boxes(client: httpx.Client) -> None:
    pdf = SHANGHAI / "putuo_czj_2025_budget.pdf"
    answer = _upload(client, pdf.name, pdf.read_bytes())
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    job = wait_for_jobs(client, [accepted["job_id"]])[accepted["job_id"]]
    assert job["status"] == "completed", job
    extraction = client.get(f"/v1/reports/{accepted['report_id']}/extraction").json()
    assert extraction["document"]["encoding"] == "pdf"
    assert len(extraction["document"]["page_sizes"]) == 24
    table = next(t for t in extraction["tables"] if t["title"].endswith("部门收入预算总表"))
    row = next(r for r in table["rows"] if r["name"] == "行政运行")
    assert row["cells"]["收入预算/合计"]["value"] == 16231840.8
    assert row["cells"]["收入预算/合计"]["span"]["page"] == 10


def test_a_scanned_pdf_upload_gets_422_saying_to_run_ocr(client: httpx.Client) -> None:
    answer = _upload(client, "scan.pdf", scanned_pdf())
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "scanned_pdf" and "ocrmypdf" in error["message"]


def test_batch_takes_a_folder_mixing_pdf_and_text(tmp_path: Path) -> None:
    from tests.conftest import CORPUS
    from tests.test_cli_extract import run_cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fuliyuan.pdf").write_bytes((SHANGHAI / "putuo_fuliyuan_2024_unit_budget.pdf").read_bytes())
    (folder / "004.txt").write_bytes(CORPUS["004"].read_bytes())
    done = run_cli("batch", str(folder), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (tmp_path / "out").glob("*.json")} == {"fuliyuan.json", "004.json"}
