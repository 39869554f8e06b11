"""The analyst's web pages, served by the same app as the ``/v1`` API (same
store, keys and jobs): sign in with a key, upload and follow reports, review a
report's findings beside its text, decide on them, download the results.

Pages are Jinja2 templates (autoescaped: report text never becomes markup)
with a little vendored JavaScript under ``/static``; no build step, no CDN.
Every page answers with a Content-Security-Policy that allows scripts and
styles from this origin only (no inline script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor import __version__
from extractor.service.web.session import LoginRequired, csrf_token, load_secret, session_user

WEB_DIR = Path(__file__).resolve().parent
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The API's own documentation pages load Swagger UI from a CDN; they keep FastAPI's defaults.
API_PREFIXES = ("/v1", "/docs", "/redoc", "/openapi.json", "/healthz")


class PageHeaders:
    """Security headers on every page and static file (not on the JSON API and its docs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name == b"content-security-policy" for name, _ in headers):
                    # (a page may set a narrower policy of its own: the eval reports)
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script's fetch)."""
    if request.url.path.startswith(API_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "") or not request.headers.get("accept")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/``, with the signed-in key and its CSRF token."""
    user = context.pop("user", None) or session_user(request)
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(
        request=request,
        user=user,
        csrf=csrf_token(request, user) if user else "",
        version=__version__,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> Response:
    """An error as a page: 404 for a report of another key looks like any missing page."""
    title = {401: "Sign in needed", 403: "Not allowed", 404: "Not found", 409: "Not ready"}.get(status, "Error")
    return render(request, "error.html", status_code=status, title=title, message=message)


def install_web(app: FastAPI) -> None:
    """Add the pages, their static files and their headers to the service app."""
    from extractor.service.web.pages_evals import router as evals_router
    from extractor.service.web.pages_reports import router as reports_router
    from extractor.service.web.pages_review import router as review_router

    settings = app.state.settings
    app.state.web_secret = load_secret(settings.home)
    app.state.templates = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.add_middleware(PageHeaders)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(reports_router)
    app.include_router(review_router)
    app.include_router(evals_router)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='')}", status_code=303)
