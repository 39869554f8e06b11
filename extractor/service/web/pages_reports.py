"""Pages: sign in and out, the list of reports with their jobs (live status),
upload (several files at once), re-run and delete."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from extractor.errors import ExtractorError
from extractor.service.api import JobOptions, accept_upload, validated_options
from extractor.service.models import Job
from extractor.service.storage import Store, as_utc
from extractor.service.web import render
from extractor.service.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    WebUser,
    check_csrf,
    current_user,
    login_csrf_ok,
    secure_cookies,
    session_user,
    sign_in,
)

router = APIRouter(include_in_schema=False)
User = Annotated[WebUser, Depends(current_user)]
MAX_REPORTS_LISTED = 500


def _store(request: Request) -> Store:
    return request.app.state.store


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//other.host`` or a scheme)."""
    # Browsers drop tabs and newlines from URLs ("/\t/evil" would become "//evil"): no control characters.
    if not target or not target.isprintable() or "\\" in target:
        return "/reports"
    if target.startswith("/") and not target.startswith("//"):
        return target
    return "/reports"


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/reports" if session_user(request) else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=None)
    page.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request), path="/login"
    )
    return page


@router.post("/login")
def login(
    request: Request,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/reports",
) -> Response:
    if not login_csrf_ok(request, csrf):
        return _login_again(request, next, "The sign-in form expired; please sign in again.", 403)
    try:
        cookie = sign_in(_store(request), request.app.state.web_secret, key)
    except ExtractorError:
        return _login_again(request, next, "That key is not valid (unknown or revoked).", 401)
    answer = RedirectResponse(_safe_next(next), status_code=303)
    answer.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/",
    )
    answer.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return answer


def _login_again(request: Request, next_path: str, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(
        request, "login.html", status_code=status, next=_safe_next(next_path), login_csrf=token, error=error
    )
    page.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request), path="/login"
    )
    return page


@router.post("/logout")
def logout(request: Request, user: User, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, user, csrf)
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


def report_rows(store: Store, key_id: str) -> list[dict[str, Any]]:
    """This key's reports, newest first, each with its latest job."""
    latest: dict[str, Job] = {}
    for job, _ in store.list_jobs(key_id, None, None, 1000, 0):
        latest.setdefault(job.report_id, job)
    rows = []
    for report, owner in store.list_reports(key_id, MAX_REPORTS_LISTED, 0):
        last = latest.get(report.id)
        rows.append(
            {
                "report_id": report.id,
                "name": owner.name,
                "size": report.size,
                "uploaded_at": (as_utc(owner.uploaded_at) or owner.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                "status": last.status if last else "none",
                "error": last.error if last else None,
                "backend": json.loads(last.options or "{}").get("backend", "") if last else "",
            }
        )
    return rows


@router.get("/reports")
def reports_page(request: Request, user: User) -> Response:
    return render(request, "reports.html", user=user, reports=report_rows(_store(request), user.key_id), messages=[])


@router.get("/reports/status.json")
def reports_status(request: Request, user: User) -> JSONResponse:
    """The list's live status (the page polls it while jobs are queued or running)."""
    return JSONResponse({"reports": report_rows(_store(request), user.key_id)})


def _options(backend: str, narrative_prompt: str, form_prompt: str) -> JobOptions:
    return JobOptions.model_validate(
        {
            "backend": backend or None,
            "narrative_prompt": narrative_prompt or None,
            "form_prompt": form_prompt or None,
        }
    )


@router.post("/reports/upload")
def upload(
    request: Request,
    user: User,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form()] = "",
    backend: Annotated[str, Form()] = "",
) -> Response:
    """Upload one or several reports; each is stored and queued on its own (same limits as the API)."""
    check_csrf(request, user, csrf)
    outcomes: list[dict[str, str]] = []
    for upload_file in files:
        name = upload_file.filename or "report"
        try:
            job, _, _ = accept_upload(request, user.key_id, upload_file, _options(backend, "", ""))
            outcomes.append(
                {"name": name, "status": "queued", "report_id": job.report_id, "message": f"{name}: queued"}
            )
        except (ExtractorError, ValidationError) as exc:
            error = _message(exc)
            message = error if error.startswith(name) else f"{name}: {error}"
            outcomes.append({"name": name, "status": "refused", "message": message})
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"uploads": outcomes})
    messages = [o["message"] for o in outcomes]
    return render(
        request, "reports.html", user=user, reports=report_rows(_store(request), user.key_id), messages=messages
    )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e.get("msg")) for e in exc.errors())
    return str(exc)


@router.post("/reports/{report_id}/rerun")
def rerun(
    request: Request,
    user: User,
    report_id: str,
    csrf: Annotated[str, Form()] = "",
    backend: Annotated[str, Form()] = "",
    narrative_prompt: Annotated[str, Form()] = "",
    form_prompt: Annotated[str, Form()] = "",
) -> Response:
    """Queue another extraction of the report (backend and prompt versions as chosen)."""
    check_csrf(request, user, csrf)
    try:
        options = _options(backend, narrative_prompt, form_prompt)
    except ValidationError as exc:
        return render(
            request,
            "reports.html",
            status_code=422,
            user=user,
            reports=report_rows(_store(request), user.key_id),
            messages=[f"re-run refused: {_message(exc)}"],
        )
    _store(request).submit_job(user.key_id, report_id, validated_options(options, request.app.state.settings))
    request.app.state.worker.wake()
    return RedirectResponse("/reports", status_code=303)


@router.post("/reports/{report_id}/delete")
def delete(request: Request, user: User, report_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, user, csrf)
    _store(request).delete_report(user.key_id, report_id)
    return RedirectResponse("/reports", status_code=303)
