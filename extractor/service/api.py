"""The ``/v1`` routes. Handlers are plain ``def``: FastAPI runs them in its
thread pool, so database work and export building never block the event loop."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from extractor.document import read_report
from extractor.llm.prompts import load_prompt
from extractor.run_identity import run_identity
from extractor.service.errors import UploadTooLargeError
from extractor.service.exports import SHEETS, SheetName, to_csv, to_xlsx
from extractor.service.keys import authenticate
from extractor.service.models import Job, Report, ReportOwner
from extractor.service.storage import Store, as_utc
from extractor.service.worker import JobWorker, job_settings
from extractor.settings import Backend, Settings
from schemas import ExtractionResult

router = APIRouter(prefix="/v1")
_bearer = HTTPBearer(auto_error=False, description="an API key from `extractor keys create NAME`")
IDENTITY = "identity"  # the key of the job's run identity in its stored options
PROMPT_VERSION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


def _store(request: Request) -> Store:
    return request.app.state.store


def current_key(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """The id of the calling key (401 without a valid one)."""
    header = f"Bearer {credentials.credentials}" if credentials else request.headers.get("authorization")
    return authenticate(_store(request), header)


KeyId = Annotated[str, Depends(current_key)]


# -- response and request models ---------------------------------------------------


class JobOptions(BaseModel):
    """Options of one extraction; unset ones take the server's settings."""

    backend: Backend | None = Field(default=None, description="rules (offline), llm or hybrid")
    narrative_prompt: str | None = Field(default=None, pattern=PROMPT_VERSION, description="e.g. v2")
    form_prompt: str | None = Field(default=None, pattern=PROMPT_VERSION, description="e.g. v1")


class JobOut(BaseModel):
    job_id: str
    report_id: str
    report_name: str
    status: Literal["queued", "running", "completed", "failed"]
    error: str | None = None
    note: str | None = Field(default=None, description="e.g. resumed after the server was killed")
    options: dict[str, Any]
    identity: str | None = Field(
        default=None, description="sha256 of the configuration the job was submitted with (backend, model, prompts, …)"
    )
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ExtractionAccepted(BaseModel):
    job_id: str
    report_id: str
    sha256: str
    status: str = "queued"
    stored: Literal["new", "existing"] = Field(description="existing: the same bytes were uploaded before")
    job_url: str
    extraction_url: str


class ReportOut(BaseModel):
    report_id: str
    name: str
    sha256: str
    size: int
    encoding: str
    uploaded_at: datetime


class ReportDetail(ReportOut):
    jobs: list[JobOut]


class FindingsOut(BaseModel):
    report_id: str
    job_id: str
    count: int
    findings: list[dict[str, Any]]


def job_out(job: Job, name: str) -> JobOut:
    options = json.loads(job.options or "{}")
    identity = options.pop(IDENTITY, None)
    return JobOut(
        job_id=job.id,
        report_id=job.report_id,
        report_name=name,
        status=job.status,
        error=job.error,
        note=job.note,
        options=options,
        identity=identity,
        attempts=job.attempts,
        created_at=as_utc(job.created_at),
        started_at=as_utc(job.started_at),
        finished_at=as_utc(job.finished_at),
    )


def report_out(report: Report, owner: ReportOwner) -> ReportOut:
    return ReportOut(
        report_id=report.id,
        name=owner.name,
        sha256=report.sha256,
        size=report.size,
        encoding=report.encoding,
        uploaded_at=as_utc(owner.uploaded_at),
    )


def validated_options(options: JobOptions, settings: Settings) -> dict[str, Any]:
    """Options as stored with the job; unknown prompt versions are refused now, not at run time."""
    if options.narrative_prompt:
        load_prompt("narrative", options.narrative_prompt, settings.llm.prompts_dir)
    if options.form_prompt:
        load_prompt("form", options.form_prompt, settings.llm.prompts_dir)
    stored: dict[str, Any] = {
        "backend": options.backend or settings.backend,
        **options.model_dump(exclude_none=True, exclude={"backend"}),
    }
    # Which configuration the job was asked to run with (kept beside its options).
    return {**stored, IDENTITY: run_identity(job_settings(settings, stored)).key}


def _safe_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    return name[:300] or "report.txt"


# -- routes ----------------------------------------------------------------------------


@router.post("/extractions", status_code=202, response_model=ExtractionAccepted, tags=["extractions"])
def create_extraction(
    request: Request,
    response: Response,
    key_id: KeyId,
    file: Annotated[UploadFile, File(description="the report: a PDF with text, or UTF-8 / GB18030 text")],
    backend: Annotated[
        Backend | None, Form(description="rules, llm or hybrid; default: the server's")
    ] = None,
    narrative_prompt: Annotated[str | None, Form(pattern=PROMPT_VERSION)] = None,
    form_prompt: Annotated[str | None, Form(pattern=PROMPT_VERSION)] = None,
) -> ExtractionAccepted:
    """Upload a report and queue its extraction. Poll the job, then fetch the results."""
    options = JobOptions(backend=backend, narrative_prompt=narrative_prompt, form_prompt=form_prompt)
    job, created, sha256 = accept_upload(request, key_id, file, options)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return ExtractionAccepted(
        job_id=job.id,
        report_id=job.report_id,
        sha256=sha256,
        stored="new" if created else "existing",
        job_url=f"/v1/jobs/{job.id}",
        extraction_url=f"/v1/reports/{job.report_id}/extraction",
    )


def accept_upload(request: Request, key_id: str, file: UploadFile, options: JobOptions) -> tuple[Job, bool, str]:
    """Store one uploaded report for the key and queue its extraction (the API's and the
    web pages' way in, with the same limits). Returns the job, whether the bytes were new
    and their sha256."""
    settings: Settings = request.app.state.settings
    limit = int(settings.max_upload_mb * 1024 * 1024)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLargeError(f"the file is over the {settings.max_upload_mb:g} MiB upload limit")
    stored = validated_options(options, settings)
    name = _safe_name(file.filename)
    # A scan, a damaged PDF, binary, empty or undecodable -> 422 with the loader's message.
    source = read_report(data, name, settings)
    job, created = _store(request).create_extraction(key_id, name, data, source.sha256, source.encoding, stored)
    _worker(request).wake()
    return job, created, source.sha256


def _worker(request: Request) -> JobWorker:
    return request.app.state.worker


@router.get("/jobs", response_model=list[JobOut], tags=["jobs"])
def list_jobs(
    request: Request,
    key_id: KeyId,
    status: Literal["queued", "running", "completed", "failed"] | None = None,
    report_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[JobOut]:
    """This key's jobs, newest first."""
    return [job_out(j, n) for j, n in _store(request).list_jobs(key_id, status, report_id, limit, offset)]


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"])
def get_job(request: Request, key_id: KeyId, job_id: str) -> JobOut:
    """A job's status: queued, running, completed or failed (with ``error``)."""
    return job_out(*_store(request).get_job(key_id, job_id))


@router.get("/reports", response_model=list[ReportOut], tags=["reports"])
def list_reports(
    request: Request,
    key_id: KeyId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ReportOut]:
    """The reports this key uploaded, newest first."""
    return [report_out(r, o) for r, o in _store(request).list_reports(key_id, limit, offset)]


@router.get("/reports/{report_id}", response_model=ReportDetail, tags=["reports"])
def get_report(request: Request, key_id: KeyId, report_id: str) -> ReportDetail:
    """One report and this key's jobs on it."""
    report, owner, jobs = _store(request).get_report(key_id, report_id)
    return ReportDetail(**report_out(report, owner).model_dump(), jobs=[job_out(j, owner.name) for j in jobs])


@router.delete("/reports/{report_id}", status_code=204, tags=["reports"])
def delete_report(request: Request, key_id: KeyId, report_id: str) -> Response:
    """Delete the report for this key, with its jobs and results (409 while a job runs)."""
    _store(request).delete_report(key_id, report_id)
    return Response(status_code=204)


@router.post("/reports/{report_id}/jobs", status_code=202, response_model=JobOut, tags=["reports"])
def rerun_report(
    request: Request, response: Response, key_id: KeyId, report_id: str, options: JobOptions
) -> JobOut:
    """Queue another extraction of a stored report, e.g. with another backend or prompt version."""
    stored = validated_options(options, request.app.state.settings)
    job = _store(request).submit_job(key_id, report_id, stored)
    _worker(request).wake()
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job_out(*_store(request).get_job(key_id, job.id))


JobChoice = Annotated[str | None, Query(description="a job of this report; default: the latest completed")]


@router.get(
    "/reports/{report_id}/extraction",
    tags=["results"],
    responses={200: {"content": {"application/json": {}}, "description": "the ExtractionResult"}},
)
def get_extraction(request: Request, key_id: KeyId, report_id: str, job_id: JobChoice = None) -> Response:
    """The extraction JSON, exactly as ``extractor extract`` writes it (findings included)."""
    job, payload = _store(request).result_for(key_id, report_id, job_id)
    return Response(payload, media_type="application/json", headers={"X-Job-Id": job.id})


@router.get("/reports/{report_id}/findings", response_model=FindingsOut, tags=["results"])
def get_findings(request: Request, key_id: KeyId, report_id: str, job_id: JobChoice = None) -> FindingsOut:
    """The reconciliation findings of the extraction."""
    job, payload = _store(request).result_for(key_id, report_id, job_id)
    findings = json.loads(payload).get("findings", [])
    return FindingsOut(report_id=report_id, job_id=job.id, count=len(findings), findings=findings)


def _load(request: Request, key_id: str, report_id: str, job_id: str | None) -> tuple[Job, ExtractionResult]:
    job, payload = _store(request).result_for(key_id, report_id, job_id)
    return job, ExtractionResult.model_validate_json(payload)


def _download(stem: str, suffix: str) -> dict[str, str]:
    stem = PurePath(stem).stem or "report"
    return {
        "Content-Disposition": f'attachment; filename="report{suffix}"; '
        f"filename*=UTF-8''{quote(stem + suffix)}"
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/reports/{report_id}/export.xlsx",
    tags=["results"],
    responses={200: {"content": {XLSX: {}}, "description": "sheets: " + ", ".join(SHEETS)}},
)
def export_xlsx(request: Request, key_id: KeyId, report_id: str, job_id: JobChoice = None) -> Response:
    """Excel workbook with sheets report, indicators, statements and findings (header row first)."""
    job, result = _load(request, key_id, report_id, job_id)
    headers = {**_download(result.document.source_name, ".xlsx"), "X-Job-Id": job.id}
    return Response(to_xlsx(result), media_type=XLSX, headers=headers)


@router.get(
    "/reports/{report_id}/export.csv",
    tags=["results"],
    responses={200: {"content": {"text/csv": {}}, "description": "one sheet, UTF-8 with BOM"}},
)
def export_csv(
    request: Request,
    key_id: KeyId,
    report_id: str,
    sheet: Annotated[SheetName, Query(description="which sheet of the workbook")] = "indicators",
    job_id: JobChoice = None,
) -> Response:
    """One sheet of the workbook as CSV (UTF-8 with a BOM so Excel reads the Chinese text)."""
    job, result = _load(request, key_id, report_id, job_id)
    headers = {
        **_download(f"{PurePath(result.document.source_name).stem}-{sheet}", ".csv"),
        "X-Job-Id": job.id,
    }
    return Response("\ufeff" + to_csv(result, sheet), media_type="text/csv; charset=utf-8", headers=headers)
