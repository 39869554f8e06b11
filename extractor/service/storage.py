"""The service's store: the database (SQLite in WAL mode by default, any
SQLAlchemy URL otherwise) and the uploaded files under ``HOME/uploads``,
named by their sha256 so identical uploads are kept once."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast, overload

from sqlalchemy import CursorResult, Engine, create_engine, delete, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from extractor.errors import ConfigError
from extractor.service.errors import ConflictError, NotFoundError, NotReadyError, QueueFullError
from extractor.service.models import Base, Decision, Job, Report, ReportOwner, Result, utcnow
from extractor.settings import Settings

WRITE_OPTION = "extractor_writes"


def new_id() -> str:
    return uuid.uuid4().hex


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def database_url(settings: Settings) -> str:
    return settings.database_url or f"sqlite:///{settings.home / 'service.sqlite3'}"


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database. SQLite gets WAL, a busy timeout
    and ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing."""
    url = make_url(database_url(settings))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if not url.database or url.database == ":memory:":
        raise ConfigError(
            "the service needs a file database; set EXTRACTOR_DATABASE_URL to a file or unset it"
        )
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=10, max_overflow=20
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads, then writes, fails at once with
        # SQLITE_BUSY when another writer got in between; IMMEDIATE waits instead.
        # Read-only sessions stay deferred: in WAL mode they never wait for writers.
        writes = connection.get_execution_options().get(WRITE_OPTION, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


class Store:
    """Reports, owners, jobs and results, plus the upload files."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: False}), expire_on_commit=False
        )
        self.uploads_dir = settings.home / "uploads"

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error.
        ``write=False`` for reads (SQLite: no write lock taken)."""
        factory = self._sessions if write else self._read_sessions
        with factory() as session, session.begin():
            yield session

    # -- uploads ---------------------------------------------------------

    def upload_path(self, sha256: str) -> Path:
        return self.uploads_dir / sha256[:2] / sha256

    def read_upload(self, sha256: str) -> bytes:
        return self.upload_path(sha256).read_bytes()

    def _stage_upload(self, data: bytes) -> Path:
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".upload.", suffix=".tmp", dir=self.uploads_dir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return Path(tmp)

    # -- reports and jobs for a key ----------------------------------------

    def create_extraction(
        self, key_id: str, name: str, data: bytes, sha256: str, encoding: str, options: dict[str, Any]
    ) -> tuple[Job, bool]:
        """Store the upload (once per sha256), record the key as an owner and
        queue a job. Returns the job and whether the bytes were new."""
        staged = self._stage_upload(data)
        try:
            try:
                return self._record_upload(key_id, name, data, sha256, encoding, options, staged)
            except IntegrityError:
                # Another request stored the same bytes at the same moment (PostgreSQL;
                # SQLite serialises writers): the row exists now, so try once more.
                return self._record_upload(key_id, name, data, sha256, encoding, options, staged)
        finally:
            staged.unlink(missing_ok=True)

    def _record_upload(
        self,
        key_id: str,
        name: str,
        data: bytes,
        sha256: str,
        encoding: str,
        options: dict[str, Any],
        staged: Path,
    ) -> tuple[Job, bool]:
        with self.session() as session:
            self._check_queue(session, key_id)
            report = session.scalars(select(Report).where(Report.sha256 == sha256)).first()
            created = report is None
            target = self.upload_path(sha256)
            if created or not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
            if report is None:
                report = Report(id=new_id(), sha256=sha256, size=len(data), encoding=encoding)
                session.add(report)
                session.flush()
            owner = session.get(ReportOwner, (report.id, key_id))
            if owner is None:
                session.add(ReportOwner(report_id=report.id, key_id=key_id, name=name))
            else:
                owner.name = name
            job = self._queue(session, key_id, report.id, options)
        return job, created

    def submit_job(self, key_id: str, report_id: str, options: dict[str, Any]) -> Job:
        """Queue another extraction of a report the key owns."""
        with self.session() as session:
            self._owned(session, key_id, report_id)
            self._check_queue(session, key_id)
            return self._queue(session, key_id, report_id, options)

    def _check_queue(self, session: Session, key_id: str) -> None:
        queued = session.scalar(
            select(func.count()).select_from(Job).where(Job.key_id == key_id, Job.status == "queued")
        )
        limit = self.settings.max_queued_jobs_per_key
        if (queued or 0) >= limit:
            raise QueueFullError(
                f"this key already has {queued} queued jobs (limit {limit}); "
                "wait for some to finish and retry"
            )

    def _queue(self, session: Session, key_id: str, report_id: str, options: dict[str, Any]) -> Job:
        job = Job(
            id=new_id(),
            report_id=report_id,
            key_id=key_id,
            status="queued",
            options=json.dumps(options, sort_keys=True),
            attempts=0,
        )
        session.add(job)
        return job

    def _owned(self, session: Session, key_id: str, report_id: str) -> tuple[Report, ReportOwner]:
        row = session.execute(
            select(Report, ReportOwner)
            .join(ReportOwner, ReportOwner.report_id == Report.id)
            .where(Report.id == report_id, ReportOwner.key_id == key_id)
        ).first()
        if row is None:
            raise NotFoundError(f"no report {report_id} for this key")
        return row[0], row[1]

    def get_report(self, key_id: str, report_id: str) -> tuple[Report, ReportOwner, list[Job]]:
        with self.session(write=False) as session:
            report, owner = self._owned(session, key_id, report_id)
            jobs = list(
                session.scalars(
                    select(Job)
                    .where(Job.report_id == report_id, Job.key_id == key_id)
                    .order_by(Job.created_at)
                )
            )
            return report, owner, jobs

    def list_reports(self, key_id: str, limit: int, offset: int) -> list[tuple[Report, ReportOwner]]:
        with self.session(write=False) as session:
            rows = session.execute(
                select(Report, ReportOwner)
                .join(ReportOwner, ReportOwner.report_id == Report.id)
                .where(ReportOwner.key_id == key_id)
                .order_by(ReportOwner.uploaded_at.desc(), Report.id)
                .limit(limit)
                .offset(offset)
            ).all()
            return [(row[0], row[1]) for row in rows]

    def delete_report(self, key_id: str, report_id: str) -> None:
        """Forget the report for this key (its jobs and results too); the bytes
        go when no key owns the report any more."""
        with self.session() as session:
            report, owner = self._owned(session, key_id, report_id)
            running = session.scalars(
                select(Job.id).where(
                    Job.report_id == report_id, Job.key_id == key_id, Job.status == "running"
                )
            ).first()
            if running:
                raise ConflictError(
                    f"job {running} is running on this report; delete it when the job has ended"
                )
            job_ids = select(Job.id).where(Job.report_id == report_id, Job.key_id == key_id)
            session.execute(delete(Result).where(Result.job_id.in_(job_ids)))
            session.execute(delete(Job).where(Job.report_id == report_id, Job.key_id == key_id))
            session.execute(delete(Decision).where(Decision.report_id == report_id, Decision.key_id == key_id))
            session.delete(owner)
            session.flush()
            others = session.scalar(
                select(func.count()).select_from(ReportOwner).where(ReportOwner.report_id == report_id)
            )
            if not others:
                session.delete(report)
                session.flush()
                # Inside the transaction: an identical upload racing this one waits
                # for it (BEGIN IMMEDIATE), then finds no row and writes the file anew.
                self.upload_path(report.sha256).unlink(missing_ok=True)

    def get_job(self, key_id: str, job_id: str) -> tuple[Job, str]:
        """The job and the name its key gave the report."""
        with self.session(write=False) as session:
            row = session.execute(
                select(Job, ReportOwner.name)
                .join(
                    ReportOwner, (ReportOwner.report_id == Job.report_id) & (ReportOwner.key_id == Job.key_id)
                )
                .where(Job.id == job_id, Job.key_id == key_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no job {job_id} for this key")
            return row[0], row[1]

    def list_jobs(
        self, key_id: str, status: str | None, report_id: str | None, limit: int, offset: int
    ) -> list[tuple[Job, str]]:
        with self.session(write=False) as session:
            query = (
                select(Job, ReportOwner.name)
                .join(
                    ReportOwner, (ReportOwner.report_id == Job.report_id) & (ReportOwner.key_id == Job.key_id)
                )
                .where(Job.key_id == key_id)
            )
            if status:
                query = query.where(Job.status == status)
            if report_id:
                query = query.where(Job.report_id == report_id)
            rows = session.execute(query.order_by(Job.created_at.desc(), Job.id).limit(limit).offset(offset))
            return [(row[0], row[1]) for row in rows]

    def result_for(self, key_id: str, report_id: str, job_id: str | None) -> tuple[Job, str]:
        """The extraction JSON of the given job, or of the key's latest completed job."""
        with self.session(write=False) as session:
            self._owned(session, key_id, report_id)
            query = select(Job).where(Job.report_id == report_id, Job.key_id == key_id)
            if job_id:
                job = session.scalars(query.where(Job.id == job_id)).first()
                if job is None:
                    raise NotFoundError(f"no job {job_id} on report {report_id} for this key")
            else:
                job = session.scalars(
                    query.where(Job.status == "completed").order_by(Job.finished_at.desc())
                ).first()
                if job is None:
                    job = session.scalars(query.order_by(Job.created_at.desc())).first()
            if job is None:
                raise NotReadyError(
                    f"report {report_id} has no extraction job; POST /v1/reports/{report_id}/jobs"
                )
            if job.status in ("queued", "running"):
                raise NotReadyError(f"job {job.id} is {job.status}; poll GET /v1/jobs/{job.id}")
            if job.status == "failed":
                raise NotReadyError(f"job {job.id} failed: {job.error}")
            result = session.get(Result, job.id)
            if result is None:
                raise NotReadyError(f"job {job.id} has no stored result")
            return job, result.payload

    # -- the worker's side ---------------------------------------------------

    def claim_next(self, worker: str) -> tuple[Job, Report] | None:
        """Take the oldest queued job (compare-and-set, safe with several workers)."""
        with self.session() as session:
            candidates = session.scalars(
                select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id).limit(5)
            ).all()
            now = utcnow()
            for job_id in candidates:
                claimed = cast(CursorResult[Any], session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "queued")
                    .values(
                        status="running",
                        worker=worker,
                        started_at=now,
                        heartbeat_at=now,
                        attempts=Job.attempts + 1,
                    )
                ))
                if claimed.rowcount == 1:
                    job = session.get(Job, job_id, populate_existing=True)
                    report = session.get(Report, job.report_id) if job else None
                    if job is not None and report is not None:
                        return job, report
            return None

    def finish(self, job_id: str, worker: str, payload: str | None, findings: int, error: str | None) -> bool:
        """Record a job's outcome, unless it was taken from this worker meanwhile."""
        with self.session() as session:
            values: dict[str, Any] = {
                "status": "failed" if payload is None else "completed",
                "finished_at": utcnow(),
                "error": error,
            }
            done = cast(CursorResult[Any], session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running", Job.worker == worker)
                .values(**values)
            ))
            if done.rowcount != 1:
                return False
            if payload is not None:
                report_id = session.scalar(select(Job.report_id).where(Job.id == job_id))
                session.add(Result(job_id=job_id, report_id=report_id, payload=payload, findings=findings))
            return True

    def heartbeat(self, worker: str) -> None:
        with self.session() as session:
            session.execute(
                update(Job).where(Job.status == "running", Job.worker == worker).values(heartbeat_at=utcnow())
            )

    def running_jobs(self) -> list[Job]:
        with self.session(write=False) as session:
            return list(session.scalars(select(Job).where(Job.status == "running")))

    def requeue_or_fail(self, job_id: str, worker: str | None, reason: str) -> str | None:
        """Put an interrupted job back in the queue, or fail it once it has used
        its attempts. Returns the new status (None if the job had moved on)."""
        with self.session() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "running" or job.worker != worker:
                return None
            limit = self.settings.job_max_attempts
            if job.attempts >= limit:
                job.status = "failed"
                job.finished_at = utcnow()
                job.error = f"interrupted {job.attempts} times, not retried again: {reason}"
            else:
                job.status = "queued"
                job.note = f"resumed after an interrupted run (attempt {job.attempts} of {limit}): {reason}"
            job.worker = None
            return job.status

    def counts(self) -> dict[str, int]:
        with self.session(write=False) as session:
            rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
            return {status: count for status, count in rows}
