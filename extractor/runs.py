"""A run over several reports (``extractor extract FOLDER``, ``extractor batch``).

With the rules backend reports are extracted one after another (the work is
pure CPU). With a model backend several are extracted at once, each in a
thread, all sharing one backend and so one queue of model calls
(:mod:`extractor.llm.call_queue`): while one report waits for its last
answers, the next ones' calls fill the free slots, and ``concurrency`` bounds
the calls in flight across the whole run.

The reports' own CPU work (parsing before the model, reconciliation after)
takes turns: one report at a time holds the turn, and gives it up while it
waits for the model. Under the GIL threads gain nothing by computing at once;
taking turns brings the first report to its model calls sooner and leaves
the queue's event loop fewer threads to contend with.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import TypeVar

from extractor.backends import Backend, BackendJob, BackendResult, run_backend
from extractor.settings import Settings

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


def reports_at_once(settings: Settings) -> int:
    """Reports a run extracts at the same time: one for the rules backend; for a
    model backend as many as calls may be in flight, so that every slot can
    have a report with calls to make."""
    return 1 if settings.backend == "rules" else settings.llm.concurrency


def for_each_report(
    items: Sequence[Item], work: Callable[[Item, Backend], Outcome], settings: Settings
) -> Iterator[tuple[Item, Outcome]]:
    """``work(item, backend)`` for every item, with the run's one backend; the
    outcomes in the order they finish. An exception ``work`` raises is raised
    here; leaving the loop early cancels the reports not yet started and the
    model calls still queued."""
    with run_backend(settings) as backend:
        width = reports_at_once(settings)
        if width == 1:
            for item in items:
                yield item, work(item, backend)
            return
        turn = threading.Lock()
        shared = _TakingTurns(backend, turn)

        def in_turn(item: Item) -> Outcome:
            with turn:
                return work(item, shared)

        pool = ThreadPoolExecutor(width, thread_name_prefix="report")
        try:
            # Submitted a window at a time: a long run holds a few reports' results, not all.
            waiting = iter(items)
            running: dict[Future[Outcome], Item] = {
                pool.submit(in_turn, item): item for item in islice(waiting, 2 * width)
            }
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    for following in islice(waiting, 1):
                        running[pool.submit(in_turn, following)] = following
                    yield item, future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


class _TakingTurns:
    """The run's backend, read outside the turn: a report waiting for the model
    lets the next report compute."""

    def __init__(self, backend: Backend, turn: threading.Lock) -> None:
        self.name = backend.name
        self._backend = backend
        self._turn = turn

    def read(self, job: BackendJob) -> BackendResult:
        self._turn.release()  # held by this thread: work runs in its turn
        try:
            return self._backend.read(job)
        finally:
            self._turn.acquire()
