"""Job options reach the pipeline: backend and prompt version, through the real
server, with a scripted OpenAI-compatible model on 127.0.0.1."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from extractor.run_identity import run_identity
from extractor.settings import LLMSettings, Settings
from tests.helpers.service import SAMPLE_002, SAMPLE_004, ServiceProcess, create_keys, wait_for_jobs
from tests.llm_server import ScriptedLLMServer, rules_responder, stall


def test_llm_backend_and_prompt_version_options(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = create_keys(home, "alice")["alice"]
    with ScriptedLLMServer(responder=rules_responder()) as model:
        server = ServiceProcess(
            home,
            EXTRACTOR_LLM_BASE_URL=model.base_url,
            EXTRACTOR_LLM_API_KEY="test-key",
            EXTRACTOR_LLM_MODEL="scripted-model",
            EXTRACTOR_LLM_TIMEOUT="5",
            EXTRACTOR_LLM_CACHE="false",
        ).start()
        try:
            with server.client(key) as client:
                answer = client.post(
                    "/v1/extractions",
                    files={"file": ("002.txt", SAMPLE_002.read_bytes(), "text/plain")},
                    data={"backend": "llm", "narrative_prompt": "v1"},
                )
                assert answer.status_code == 202, answer.text
                accepted = answer.json()
                job = wait_for_jobs(client, [accepted["job_id"]])[accepted["job_id"]]
                assert job["status"] == "completed", job
                assert job["options"] == {"backend": "llm", "narrative_prompt": "v1"}
                # The configuration the job ran with, as batch resume and eval runs name it.
                llm = LLMSettings(base_url=model.base_url, api_key="k", model="scripted-model", narrative_prompt="v1")
                assert job["identity"] == run_identity(Settings(backend="llm", llm=llm)).key
                report = f"/v1/reports/{accepted['report_id']}"
                result = client.get(f"{report}/extraction").json()
                workbook = load_workbook(io.BytesIO(client.get(f"{report}/export.xlsx").content))
        finally:
            server.stop()
    assert model.requests, "the server's job never called the model"
    assert result["run"]["backend"] == "llm" and result["run"]["model"] == "scripted-model"
    assert result["run"]["prompts"]["narrative"].startswith("v1@")
    assert result["narrative_statements"] and {s["source"] for s in result["narrative_statements"]} == {"llm"}
    # 预算 002, hand-read: "2024 年支出预算 2385.56 万元，其中：基本支出 964.33 万元，占 40.4%".
    rows = list(workbook["statements"].iter_rows(values_only=True))
    statements = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(statements) == len(result["narrative_statements"])
    basic = next(s for s in statements if s["metric"] == "基本支出" and s["share_pct"] is not None)
    assert (basic["amount"], basic["unit"], basic["share_pct"], basic["source"]) == (
        964.33,
        "万元",
        40.4,
        "llm",
    )
    assert basic["prompt_version"].startswith("v1")


def test_a_hung_job_is_stopped_at_the_timeout_and_the_worker_goes_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = create_keys(home, "alice")["alice"]
    # The model never answers (in time): the job would hang without the job timeout.
    with ScriptedLLMServer(responder=lambda request: stall(120)) as model:
        server = ServiceProcess(
            home,
            EXTRACTOR_LLM_BASE_URL=model.base_url,
            EXTRACTOR_LLM_API_KEY="test-key",
            EXTRACTOR_LLM_MODEL="scripted-model",
            EXTRACTOR_LLM_TIMEOUT="100",
            EXTRACTOR_LLM_MAX_RETRIES="0",
            EXTRACTOR_LLM_CACHE="false",
            EXTRACTOR_JOB_TIMEOUT_SECONDS="3",
            EXTRACTOR_SERVICE_WORKERS="1",
        ).start()
        try:
            with server.client(key) as client:
                files = {"file": ("004.txt", SAMPLE_004.read_bytes(), "text/plain")}
                hung = client.post("/v1/extractions", files=files, data={"backend": "llm"}).json()
                after = client.post("/v1/extractions", files=files, data={"backend": "rules"}).json()
                done = wait_for_jobs(client, [hung["job_id"], after["job_id"]], timeout=60)
        finally:
            server.stop()
    assert done[hung["job_id"]]["status"] == "failed"
    assert done[hung["job_id"]]["error"].startswith("the extraction took longer than 3 s and was stopped")
    assert done[after["job_id"]]["status"] == "completed"  # a fresh extraction process took it
