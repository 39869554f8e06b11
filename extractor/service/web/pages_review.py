"""Pages of one report: the review page (text and findings side by side,
decisions), the extracted data as readable tables, and the downloads
(JSON, XLSX, CSV) with the analysts' decisions."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from extractor import __version__
from extractor.document import decode_report, read_report
from extractor.document.loading import is_pdf
from extractor.service.api import XLSX
from extractor.service.decisions import (
    DecisionRequest,
    decisions_for,
    finding_ids,
    record_decision,
    review_json,
    review_rows,
)
from extractor.service.errors import NotFoundError, NotReadyError
from extractor.service.exports import SHEET_ROWS, rows_to_csv, to_xlsx
from extractor.service.models import Job
from extractor.service.storage import Store
from extractor.service.web import render
from extractor.service.web.pdf_pages import annotated_pdf, page_png
from extractor.service.web.review import PAGE_SCALE, build_review
from extractor.service.web.session import WebUser, check_csrf, current_user
from schemas import ExtractionResult

router = APIRouter(include_in_schema=False)
User = Annotated[WebUser, Depends(current_user)]
JobChoice = Annotated[str | None, Query()]


def _store(request: Request) -> Store:
    return request.app.state.store


def _result(request: Request, user: WebUser, report_id: str, job_id: str | None) -> tuple[Job, ExtractionResult]:
    job, payload = _store(request).result_for(user.key_id, report_id, job_id)
    return job, ExtractionResult.model_validate_json(payload)


def _cache_dir(request: Request) -> Path:
    return Path(request.app.state.settings.home) / "review-cache"


def _source_text(request: Request, data: bytes, sha256: str, name: str) -> str:
    """The report's text as the extraction read it (the spans' offsets point into it).
    A PDF's laid-out text is kept in the cache: reading a PDF costs seconds."""
    if not is_pdf(data):
        return decode_report(data, name).text
    # Keyed by the extractor's version too: another version may lay the PDF out otherwise.
    cached = _cache_dir(request) / sha256 / f"text-{__version__}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    text = read_report(data, name, request.app.state.settings).text
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".text.", dir=cached.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, cached)
    return text


@router.get("/reports/{report_id}")
def review_page(
    request: Request, user: User, report_id: str, job_id: JobChoice = None, selected: str | None = None
) -> Response:
    """The review page; while no extraction is done, the report's jobs and their status."""
    started = time.perf_counter()
    store = _store(request)
    report, owner, jobs = store.get_report(user.key_id, report_id)
    try:
        job, result = _result(request, user, report_id, job_id)
    except NotReadyError as exc:
        return render(request, "pending.html", user=user, report=report, name=owner.name, jobs=jobs, reason=str(exc))
    decisions = decisions_for(store, user.key_id, report_id)
    data = store.read_upload(report.sha256)
    sizes = result.document.page_sizes if is_pdf(data) else None  # measured when the PDF was read
    review = build_review(result, decisions, _source_text(request, data, report.sha256, owner.name), sizes)
    page = render(
        request,
        "review.html",
        user=user,
        report=report,
        name=owner.name,
        job=job,
        jobs=[j for j in jobs if j.status == "completed"],
        result=result,
        review=review,
        selected=selected or "",
    )
    # The server's share of the page's load time, for bench/bench_review_page.py and browser tools.
    page.headers["Server-Timing"] = f"review;dur={(time.perf_counter() - started) * 1000:.1f}"
    return page


@router.get("/reports/{report_id}/data")
def data_page(request: Request, user: User, report_id: str, job_id: JobChoice = None) -> Response:
    """Tables, forms, score tables and statements as tables; each value links to its line."""
    store = _store(request)
    report, owner, _ = store.get_report(user.key_id, report_id)
    job, result = _result(request, user, report_id, job_id)
    return render(request, "data.html", user=user, report=report, name=owner.name, job=job, result=result)


@router.post("/reports/{report_id}/decisions")
def decide(
    request: Request,
    user: User,
    report_id: str,
    finding_id: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    job_id: Annotated[str, Form()] = "",
) -> Response:
    """Accept or dismiss a finding (``open`` takes the decision back)."""
    check_csrf(request, user, csrf)
    _, result = _result(request, user, report_id, job_id or None)
    ids = finding_ids(result)
    if finding_id not in ids:
        raise NotFoundError(f"no finding {finding_id} in this extraction; reload the page")
    rule_id = result.findings[ids.index(finding_id)].rule_id
    record_decision(_store(request), user.key_id, report_id, DecisionRequest(finding_id, rule_id, decision, note))
    if "application/json" in request.headers.get("accept", ""):
        view = decisions_for(_store(request), user.key_id, report_id).get(finding_id)
        return JSONResponse(
            {
                "finding_id": finding_id,
                "decision": view.status if view else "open",
                "note": view.note if view else "",
                "decided_by": view.decided_by if view else None,
                "decided_at": view.decided_at.isoformat(timespec="seconds") if view else None,
            }
        )
    suffix = f"&job_id={job_id}" if job_id else ""
    return RedirectResponse(f"/reports/{report_id}?selected={finding_id}{suffix}#f-{finding_id}", status_code=303)


def _attachment(name: str, suffix: str) -> dict[str, str]:
    stem = PurePath(name).stem or "report"
    return {"Content-Disposition": f"attachment; filename=\"report{suffix}\"; filename*=UTF-8''{quote(stem + suffix)}"}


@router.get("/reports/{report_id}/download.json")
def download_json(request: Request, user: User, report_id: str, job_id: JobChoice = None) -> Response:
    """The extraction JSON plus ``review``: the decisions taken on its findings."""
    job, payload = _store(request).result_for(user.key_id, report_id, job_id)
    result = ExtractionResult.model_validate_json(payload)
    decisions = decisions_for(_store(request), user.key_id, report_id)
    document = json.loads(payload)  # exactly what `extractor extract` writes, plus the decisions
    document["review"] = review_json(result, decisions)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    headers = {**_attachment(result.document.source_name, ".json"), "X-Job-Id": job.id}
    return Response(body, media_type="application/json", headers=headers)


@router.get("/reports/{report_id}/download.xlsx")
def download_xlsx(request: Request, user: User, report_id: str, job_id: JobChoice = None) -> Response:
    """The workbook of the API with a ``review`` sheet: every finding and its decision."""
    job, result = _result(request, user, report_id, job_id)
    rows = review_rows(result, decisions_for(_store(request), user.key_id, report_id))
    headers = {**_attachment(result.document.source_name, ".xlsx"), "X-Job-Id": job.id}
    return Response(to_xlsx(result, rows), media_type=XLSX, headers=headers)


@router.get("/reports/{report_id}/download.csv")
def download_csv(
    request: Request, user: User, report_id: str, sheet: str = "review", job_id: JobChoice = None
) -> Response:
    """One sheet as CSV (UTF-8 with BOM); ``review`` (the default) is the findings with decisions."""
    job, result = _result(request, user, report_id, job_id)
    if sheet == "review":
        rows = review_rows(result, decisions_for(_store(request), user.key_id, report_id))
    elif sheet in SHEET_ROWS:
        rows = SHEET_ROWS[sheet](result)
    else:
        raise NotFoundError(f"no sheet {sheet!r}: use review or one of {', '.join(SHEET_ROWS)}")
    stem = f"{PurePath(result.document.source_name).stem}-{sheet}"
    headers = {**_attachment(stem, ".csv"), "X-Job-Id": job.id}
    return Response("\ufeff" + rows_to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/reports/{report_id}/pages/{number}.png")
def page_image(request: Request, user: User, report_id: str, number: int) -> Response:
    """Page ``number`` of a PDF report as an image (rendered by the server, then cached)."""
    store = _store(request)
    report, _, _ = store.get_report(user.key_id, report_id)
    data = store.read_upload(report.sha256)
    if not is_pdf(data):
        raise NotFoundError("this report is text, it has no page images")
    png = page_png(_cache_dir(request), data, report.sha256, number, PAGE_SCALE)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/reports/{report_id}/annotated.pdf")
def download_annotated(
    request: Request,
    user: User,
    report_id: str,
    job_id: JobChoice = None,
    dismissed: Annotated[str, Query(pattern="^(grey|omit)$")] = "grey",
) -> Response:
    """The PDF with a numbered box on every finding location and a legend page;
    dismissed findings greyed (``dismissed=grey``) or left out (``omit``)."""
    store = _store(request)
    report, owner, _ = store.get_report(user.key_id, report_id)
    data = store.read_upload(report.sha256)
    if not is_pdf(data):
        raise NotFoundError("this report is text; the annotated PDF exists for PDF reports only")
    job, result = _result(request, user, report_id, job_id)
    decisions = decisions_for(store, user.key_id, report_id)
    review = build_review(result, decisions, "", result.document.page_sizes)
    numbers = {view.id: str(index) for index, view in enumerate(review.findings, start=1)}
    boxes = [
        replace(box, label=numbers[box.finding_id])
        for page in review.pages
        for box in page.boxes
        if box.finding_id and not (box.dismissed and dismissed == "omit")
    ]
    legend = []
    for view in review.findings:
        status = view.decision.status if view.decision else "open"
        if status == "dismissed" and dismissed == "omit":
            continue
        pages = sorted({b.page for b in boxes if b.finding_id == view.id})
        where = f"p. {', '.join(map(str, pages))}" if pages else "no box"
        severity = "dismissed" if status == "dismissed" else view.finding.severity
        legend.append(
            (numbers[view.id], severity, f"{view.finding.severity.upper()} {view.finding.rule_id} ({where}) {status}")
        )
    headers = {**_attachment(owner.name, "-annotated.pdf"), "X-Job-Id": job.id}
    return Response(annotated_pdf(data, boxes, legend), media_type="application/pdf", headers=headers)
