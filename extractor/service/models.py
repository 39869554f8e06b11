"""Database tables of the service (SQLAlchemy 2 ORM; SQLite or PostgreSQL).

A report's bytes are stored once, by sha256; ``report_owners`` says which API
keys uploaded it (each sees it under the name it gave). A job is one
extraction of one report for one key; its result lives in ``results``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JobStatus = Literal["queued", "running", "completed", "failed"]
ACTIVE_STATUSES = ("queued", "running")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key; only the sha256 of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings so a key can be recognised
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Report(Base):
    """One stored upload, identified by the sha256 of its bytes."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportOwner(Base):
    """A key that uploaded a report, and the file name it used."""

    __tablename__ = "report_owners"

    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """One extraction of one report, for one key. ``worker`` names the process
    (host:pid:instance) that runs it; ``heartbeat_at`` proves it is alive."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_created", "status", "created_at"),
        Index("ix_jobs_key_status", "key_id", "status"),
        Index("ix_jobs_report", "report_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"))
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON: backend, prompt versions
    error: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)  # e.g. resumed after a crash
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Result(Base):
    """The extraction JSON of a completed job, exactly as ``extractor extract`` writes it."""

    __tablename__ = "results"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    payload: Mapped[str] = mapped_column(Text)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Decision(Base):
    """An analyst's decision on a finding of a report (accepted or dismissed, with a note).

    Keyed by the finding's stable key (rule and locations, see ``decisions.finding_key``),
    not by job, so a decision holds across re-runs for every finding that still stands."""

    __tablename__ = "decisions"

    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # accepted | dismissed
    note: Mapped[str] = mapped_column(Text, default="")
    key_name: Mapped[str] = mapped_column(String(200))
    rule_id: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
