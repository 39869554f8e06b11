"""A run over several reports (``extractor extract FOLDER``, ``extractor batch``).

With the rules backend reports are extracted one after another (the work is
pure CPU). With a model backend several are extracted at once, each in a
thread, all sharing one backend and so one queue of model calls
(:mod:`extractor.llm.call_queue`): while one report waits for its last
answers, the next ones' calls fill the free slots, and ``concurrency`` bounds
the calls in flight across the whole run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import TypeVar

from extractor.backends import Backend, run_backend
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
        pool = ThreadPoolExecutor(width, thread_name_prefix="report")
        try:
            # Submitted a window at a time: a long run holds a few reports' results, not all.
            waiting = iter(items)
            running: dict[Future[Outcome], Item] = {
                pool.submit(work, item, backend): item for item in islice(waiting, 2 * width)
            }
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    for following in islice(waiting, 1):
                        running[pool.submit(work, following, backend)] = following
                    yield item, future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
