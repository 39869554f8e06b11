"""The FastAPI application: lifespan (schema, worker), upload size guard,
errors as JSON ``{"error": {"code", "message"}}``, and ``/healthz``.

Run it with ``extractor serve`` or
``python -m uvicorn extractor.service.app:create_app --factory``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor import __version__
from extractor.errors import ConfigError, InputError
from extractor.service.api import router
from extractor.service.errors import ServiceError
from extractor.service.storage import Store
from extractor.service.web import error_page, install_web, wants_html
from extractor.service.worker import JobWorker
from extractor.settings import Settings

log = logging.getLogger("extractor.service")

# Multipart framing and the option fields around the file.
UPLOAD_SLACK_BYTES = 64 * 1024
# A too-large body is read (and dropped) up to this much before answering 413,
# so the client sees the answer rather than a reset connection.
DRAIN_LIMIT_BYTES = 256 * 1024 * 1024

DESCRIPTION = """
Upload a disclosure report (部门预算/决算公开, as text), let a worker extract it,
then fetch the extraction JSON, its findings, or Excel/CSV exports.

Every `/v1` route needs `Authorization: Bearer KEY` (`extractor keys create NAME`);
a key sees only the reports it uploaded (other ids answer 404). Errors answer
`{"error": {"code": ..., "message": ...}}`.

Flow: `POST /v1/extractions` (multipart `file`, optional `backend`, `narrative_prompt`,
`form_prompt`) -> 202 `{job_id, report_id}`; poll `GET /v1/jobs/{job_id}` until `status` is
`completed` or `failed`; then `GET /v1/reports/{report_id}/extraction`, `/findings`,
`/export.xlsx` (sheets report, indicators, statements, findings) or
`/export.csv?sheet=indicators|statements|findings|report` (one sheet, UTF-8 with BOM).
"""


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("Error")).lower()


class UploadLimit:
    """Answer 413 for a request body over the upload limit without buffering it:
    by Content-Length when sent, else by counting the bytes as they arrive."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._refuse(receive, send, int(length))
            return
        seen = 0
        exceeded = False  # the body went over the limit while the app read it
        answered = False  # our 413 (or the app's response) has been sent

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                exceeded = True
                raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if exceeded:
                # The app turned our exception into its own error (FastAPI answers 400
                # for a body it could not parse): answer 413 instead, once.
                if message["type"] == "http.response.start" and not answered:
                    answered = True
                    await self._refuse(receive, send, None)
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not answered:
                await self._refuse(receive, send, None)

    async def _refuse(self, receive: Receive, send: Send, length: int | None) -> None:
        drained = 0
        while drained < DRAIN_LIMIT_BYTES:
            message = await receive()
            drained += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        limit_mb = (self.max_body - UPLOAD_SLACK_BYTES) / 1048576
        size = f"{length / 1048576:.1f} MiB" if length else "the upload"
        body = json.dumps(
            error_body(
                "upload_too_large",
                f"{size} is over the {limit_mb:g} MiB upload limit (EXTRACTOR_MAX_UPLOAD_MB)",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        if wants_html(request):
            return error_page(request, exc.status, str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": "5"}
        return JSONResponse(error_body(exc.code, str(exc)), status_code=exc.status, headers=headers)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        if wants_html(request):
            return error_page(request, 422, str(exc))
        # The loader's own message: binary, empty or undecodable report.
        return JSONResponse(error_body(_snake(type(exc).__name__), str(exc)), status_code=422)

    @app.exception_handler(ConfigError)
    async def _config(_: Request, exc: ConfigError) -> JSONResponse:
        return JSONResponse(error_body("invalid_option", str(exc)), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        )
        details = json.loads(json.dumps(exc.errors(), default=str))
        return JSONResponse(error_body("invalid_request", problems, details=details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code in (404, 405):
            return error_page(request, exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(
            error_body("internal_error", f"{type(exc).__name__}: the server failed; the error is logged"),
            status_code=500,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for ``settings`` (default: read from the environment)."""
    settings = settings or Settings()
    store = Store(settings)
    worker = JobWorker(store, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(store.create_schema)
        await run_in_threadpool(worker.start)
        log.info("extractor service ready; worker %s, %d threads", worker.identity, settings.service_workers)
        try:
            yield
        finally:
            await run_in_threadpool(worker.stop)
            store.close()

    app = FastAPI(title="extractor", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = store
    app.state.worker = worker
    app.add_middleware(UploadLimit, max_body=int(settings.max_upload_mb * 1048576) + UPLOAD_SLACK_BYTES)
    _install_error_handlers(app)
    app.include_router(router)
    install_web(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Liveness and readiness, no key needed: database reachable, worker threads alive."""
        try:
            jobs = store.counts()
        except (SQLAlchemyError, OSError) as exc:  # the answer must say unhealthy, not crash
            return JSONResponse({"status": "unavailable", "database": f"error: {type(exc).__name__}"}, 503)
        state = "disabled" if settings.service_workers == 0 else ("running" if worker.alive else "stopped")
        status = "ok" if state != "stopped" else "degraded"
        return JSONResponse(
            {"status": status, "version": __version__, "database": "ok", "worker": state, "jobs": jobs},
            status_code=200 if status == "ok" else 503,
        )

    return app
