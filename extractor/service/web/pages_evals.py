"""Pages of the evaluation runs stored under ``EXTRACTOR_HOME`` (``extractor eval run``):
the list, one run's scores, two runs compared. The run and comparison pages are
the report ``extractor eval report`` writes (tables and plots, no script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from evals.report import build_report
from evals.runs import RunNotFoundError, RunRecord, RunStore
from extractor.service.errors import NotFoundError
from extractor.service.web import render
from extractor.service.web.session import WebUser, current_user

router = APIRouter(include_in_schema=False)
User = Annotated[WebUser, Depends(current_user)]
# The eval report carries its own <style> and its plots as data: images; it has no script.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
RUNS_LISTED = 200


def _runs(request: Request) -> RunStore:
    return RunStore.under(request.app.state.settings.home)


def _get(store: RunStore, run_id: str) -> RunRecord:
    try:
        return store.get(run_id)
    except RunNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc


def _report(runs: list[RunRecord]) -> Response:
    html, _ = build_report(runs)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_POLICY})


@router.get("/evals")
def evals_page(request: Request, user: User) -> Response:
    """The stored evaluation runs, newest first, with a form to compare two."""
    return render(request, "evals.html", user=user, runs=_runs(request).recent(RUNS_LISTED))


@router.get("/evals/compare")
def compare_page(
    request: Request, user: User, a: Annotated[str, Query()], b: Annotated[str, Query()]
) -> Response:
    """Two runs compared (A is the baseline): per-field differences with bootstrap intervals."""
    store = _runs(request)
    return _report([_get(store, a), _get(store, b)])


@router.get("/evals/{run_id}")
def run_page(request: Request, user: User, run_id: str) -> Response:
    """One run's scores per record type and field, and its scoring differences."""
    return _report([_get(_runs(request), run_id)])
