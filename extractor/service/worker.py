"""The job worker: threads inside the server process that take queued jobs
from the database and store the results; the extraction itself runs in a
pool of child processes, because it is CPU-bound and would otherwise hold the
GIL against the event loop (and use one core of several).

Jobs survive restarts because their state lives only in the database. A
running job carries the worker's identity (host:pid:instance) and a heartbeat;
on start, and periodically after, jobs whose process is gone (same host, pid
dead) or whose heartbeat is stale are put back in the queue, or failed with
the reason once they have used ``job_max_attempts`` runs.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import Any

from extractor.errors import ExtractorError, MemoryLimitError
from extractor.memory import memory_exceeded
from extractor.service.extraction import child_init, ready, run_extraction
from extractor.service.models import Job, Report, utcnow
from extractor.service.storage import Store, as_utc
from extractor.settings import Overrides, Settings, apply_overrides

log = logging.getLogger("extractor.service.worker")

PROCESS_START_SECONDS = 120


def job_overrides(options: dict[str, Any]) -> Overrides:
    """A job's stored options (``backend``, ``<name>_prompt`` versions) as settings overrides."""
    prompts = {
        name.removesuffix("_prompt"): version
        for name, version in options.items()
        if name.endswith("_prompt") and version
    }
    return Overrides(backend=options.get("backend") or None, prompts=prompts)


def job_settings(base: Settings, options: dict[str, Any]) -> Settings:
    """The server's settings with one job's options (backend, prompt versions) applied."""
    return apply_overrides(base, job_overrides(options))


def pid_alive(pid: int) -> bool:
    """True if the process exists and is not a zombie (a killed child not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


class JobWorker:
    """Worker threads plus one housekeeping thread (heartbeats, orphan recovery)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.identity = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Recover orphaned jobs, then start the threads (none if service_workers is 0)."""
        self.recover()
        if self.settings.service_workers == 0:
            return
        for index in range(self.settings.service_workers):
            thread = threading.Thread(target=self._run, name=f"extractor-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        keeper = threading.Thread(target=self._housekeeping, name="extractor-housekeeping", daemon=True)
        keeper.start()
        self._threads.append(keeper)

    def stop(self, timeout: float = 10.0) -> None:
        """Let running jobs finish for up to ``timeout`` seconds; requeue the rest."""
        self._stop.set()
        self.wake()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for job in self.store.running_jobs():
            if job.worker == self.identity:
                self.store.requeue_or_fail(job.id, job.worker, "the server was stopped while the job ran")
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            if any(thread.is_alive() for thread in self._threads):
                self._discard(pool)  # a job still runs: end its process (the job was requeued)
            else:
                pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        """Tell idle threads a job was queued."""
        with self._wake:
            self._wake.notify_all()

    @property
    def alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    # -- recovery --------------------------------------------------------------

    def recover(self) -> dict[str, int]:
        """Requeue (or fail) running jobs whose worker is gone. Returns counts by new status."""
        outcome: dict[str, int] = {}
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_seconds)
        for job in self.store.running_jobs():
            reason = self._orphan_reason(job, stale_before)
            if reason is None:
                continue
            status = self.store.requeue_or_fail(job.id, job.worker, reason)
            if status:
                log.warning("job %s %s: %s", job.id, "requeued" if status == "queued" else "failed", reason)
                outcome[status] = outcome.get(status, 0) + 1
        if outcome:
            self.wake()
        return outcome

    def _orphan_reason(self, job: Job, stale_before: Any) -> str | None:
        if job.worker == self.identity:
            return None
        host, _, rest = (job.worker or "").partition(":")
        pid_text = rest.partition(":")[0]
        if host == self.host and pid_text.isdigit():
            pid = int(pid_text)
            # In a container the new server may get the dead one's pid.
            if pid == self.pid or not pid_alive(pid):
                return f"the server process running it (pid {pid}) stopped before the job ended"
        heartbeat = as_utc(job.heartbeat_at)
        if heartbeat is None or heartbeat < stale_before:
            return f"no heartbeat from its worker {job.worker} for over {self.settings.job_stale_seconds:g} s"
        return None

    # -- threads -----------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                claimed = self.store.claim_next(self.identity)
            except Exception:  # the database may be briefly unavailable; keep the thread alive
                log.exception("could not claim a job")
                claimed = None
                self._stop.wait(1.0)
            if claimed is None:
                with self._wake:
                    self._wake.wait(timeout=1.0)
                continue
            self._execute(*claimed)

    def _execute(self, job: Job, report: Report) -> None:
        payload: str | None = None
        findings = 0
        error: str | None = None
        try:
            options = json.loads(job.options or "{}")
            _, name = self.store.get_job(job.key_id, job.id)
            data = self.store.read_upload(report.sha256)
            payload, findings = self._extract(data, name, job_settings(self.settings, options))
        except BrokenProcessPool:
            # Killed under it (out of memory, or a pool reset for another job's timeout):
            # an interruption like a crash, so requeued until the attempts are used.
            status = self.store.requeue_or_fail(
                job.id,
                self.identity,
                "the extraction process died (out of memory? the report may be too large)",
            )
            log.warning("job %s: extraction process died; %s", job.id, status)
            return
        except FuturesTimeout:
            error = (
                f"the extraction took longer than {self.settings.job_timeout_seconds:g} s and was stopped "
                "(EXTRACTOR_JOB_TIMEOUT_SECONDS)"
            )
        except FileNotFoundError:
            error = "the uploaded file is missing from the server's storage; upload the report again"
        except ExtractorError as exc:
            error = str(exc)
        except Exception as exc:  # a bug in one report's extraction must not stop the worker
            log.exception("job %s failed", job.id)
            error = f"internal error ({type(exc).__name__}: {exc}); please report it with the file"
        try:
            if not self.store.finish(job.id, self.identity, payload, findings, error):
                log.warning("job %s was taken from this worker before it finished; result dropped", job.id)
        except Exception:
            log.exception("could not record the outcome of job %s; it will be recovered", job.id)

    def _extract(self, data: bytes, name: str, settings: Settings) -> tuple[str, int]:
        with self._pool_lock:
            if self._pool is None:
                # spawn, not fork: forking a process that runs threads can copy held locks.
                self._pool = ProcessPoolExecutor(
                    max_workers=self.settings.service_workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=child_init,
                    initargs=(os.getpid(), self.settings),
                )
            pool = self._pool
        try:
            try:
                # A process is spawned (and imports the pipeline) on first use; that start-up
                # is not the job's time, so wait for a ready process before the clock runs.
                pool.submit(ready).result(PROCESS_START_SECONDS)
            except FuturesTimeout:
                raise BrokenProcessPool(
                    f"no extraction process started in {PROCESS_START_SECONDS} s"
                ) from None
            return pool.submit(run_extraction, data, name, settings).result(self.settings.job_timeout_seconds)
        except MemoryLimitError:
            # The job fails with its reason; the process that ran out is not trusted with another.
            self._discard(pool)
            raise
        except MemoryError:
            # Out of memory outside the extraction itself (passing the bytes in or the JSON
            # back): the same bound, the same reason.
            self._discard(pool)
            raise memory_exceeded(settings) from None
        except (BrokenProcessPool, FuturesTimeout):
            # A process cannot be stopped alone: the pool goes (other jobs in it are
            # requeued) and the next job gets a fresh one.
            self._discard(pool)
            raise

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Retire a pool and end its processes now."""
        with self._pool_lock:
            if self._pool is pool:
                self._pool = None
        # No public way to kill a pool's processes before Python 3.14 (kill_workers).
        processes = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        pool.shutdown(wait=True, cancel_futures=True)

    def _housekeeping(self) -> None:
        interval = max(0.5, min(10.0, self.settings.job_stale_seconds / 4))
        while not self._stop.wait(interval):
            try:
                self.store.heartbeat(self.identity)
                self.recover()
            except Exception:
                log.exception("housekeeping failed; retrying")
