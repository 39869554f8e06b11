"""Analysts' decisions on findings: accept or dismiss, with a note, the key's
name and the time. A decision is tied to the finding's stable key (its rule and
the places it points at), so it holds across re-runs of the report for every
finding that still stands, whatever the wording of the message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select

from extractor.errors import ConfigError
from extractor.service.models import ApiKey, Decision, utcnow
from extractor.service.storage import Store, as_utc
from schemas import ExtractionResult
from schemas.findings import Finding

DecisionStatus = Literal["accepted", "dismissed"]
DECISION_STATUSES: tuple[DecisionStatus, ...] = ("accepted", "dismissed")
MAX_NOTE_CHARS = 2000
REVIEW_COLUMNS = [
    "finding_id",
    "rule_id",
    "severity",
    "family",
    "message",
    "locations",
    "line_start",
    "decision",
    "note",
    "decided_by",
    "decided_at",
]


@dataclass(frozen=True)
class DecisionView:
    """A decision as pages and exports show it."""

    finding_key: str
    status: DecisionStatus
    note: str
    decided_by: str
    decided_at: datetime


def finding_key(finding: Finding) -> str:
    """A key that names the same finding in every run of the same report: the
    rule plus where it points (location refs and lines), never the message."""
    parts = [finding.rule_id]
    for location in finding.locations:
        parts.append(f"{location.kind}:{location.ref}:{location.line_start}:{location.line_end}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def finding_ids(result: ExtractionResult) -> list[str]:
    """One id per finding, in order: its key, with ``-2``, ``-3``… when a rule
    reports the same places twice (the ids must stay unique on a page)."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    for finding in result.findings:
        key = finding_key(finding)
        seen[key] = seen.get(key, 0) + 1
        ids.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return ids


def decisions_for(store: Store, key_id: str, report_id: str) -> dict[str, DecisionView]:
    """This key's decisions on the report, by finding id."""
    with store.session(write=False) as session:
        rows = session.scalars(
            select(Decision).where(Decision.report_id == report_id, Decision.key_id == key_id)
        ).all()
        return {
            row.finding_key: DecisionView(
                row.finding_key,
                row.status,  # type: ignore[arg-type]
                row.note,
                row.key_name,
                as_utc(row.decided_at) or row.decided_at,
            )
            for row in rows
        }


@dataclass(frozen=True)
class DecisionRequest:
    """What an analyst decided on one finding: ``accepted``, ``dismissed``, or ``open``
    to take a decision back."""

    finding_id: str
    rule_id: str
    status: str
    note: str = ""


def record_decision(store: Store, key_id: str, report_id: str, request: DecisionRequest) -> None:
    """Store the key's decision on a finding of the report (replacing an earlier one).
    The caller has checked that the key owns the report and the finding exists."""
    if request.status not in (*DECISION_STATUSES, "open"):
        raise ConfigError(f"unknown decision {request.status!r}: use accepted, dismissed or open")
    with store.session() as session:
        session.execute(
            delete(Decision).where(
                Decision.report_id == report_id,
                Decision.key_id == key_id,
                Decision.finding_key == request.finding_id,
            )
        )
        if request.status == "open":
            return
        key = session.get(ApiKey, key_id)
        session.add(
            Decision(
                report_id=report_id,
                key_id=key_id,
                finding_key=request.finding_id,
                status=request.status,
                note=request.note.strip()[:MAX_NOTE_CHARS],
                key_name=key.name if key else key_id,
                rule_id=request.rule_id,
                decided_at=utcnow(),
            )
        )


Row = list[str | int | float | bool | None]


def review_rows(result: ExtractionResult, decisions: dict[str, DecisionView]) -> list[Row]:
    """The findings with their decisions (the ``review`` sheet of the exports);
    open findings have empty decision cells."""
    rows: list[Row] = [list(REVIEW_COLUMNS)]
    for finding_id, finding in zip(finding_ids(result), result.findings, strict=True):
        decision = decisions.get(finding_id)
        rows.append(
            [
                finding_id,
                finding.rule_id,
                finding.severity,
                finding.family,
                finding.message,
                " | ".join(loc.ref for loc in finding.locations),
                next((loc.line_start for loc in finding.locations if loc.line_start), None),
                decision.status if decision else "open",
                decision.note if decision else None,
                decision.decided_by if decision else None,
                decision.decided_at.isoformat(timespec="seconds") if decision else None,
            ]
        )
    return rows


def review_json(result: ExtractionResult, decisions: dict[str, DecisionView]) -> list[dict[str, object]]:
    """The decisions for the JSON download: one entry per decided finding."""
    entries: list[dict[str, object]] = []
    for finding_id, finding in zip(finding_ids(result), result.findings, strict=True):
        decision = decisions.get(finding_id)
        if decision:
            entries.append(
                {
                    "finding_id": finding_id,
                    "rule_id": finding.rule_id,
                    "decision": decision.status,
                    "note": decision.note,
                    "decided_by": decision.decided_by,
                    "decided_at": decision.decided_at.isoformat(timespec="seconds"),
                }
            )
    return entries
