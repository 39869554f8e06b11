"""One queue for every model call of a run.

A run over several reports (``extractor extract FOLDER``, ``extractor batch``)
extracts its reports in threads of their own; their model work (narrative
chunks, line-flow forms, follow-up questions) goes to one event loop, in a
thread of the queue's own, through one :class:`~extractor.llm.client.LLMClient`
whose semaphore admits ``concurrency`` calls at once. Calls are admitted in the
order they are asked, whatever report or stage they come from, so no stage
waits for another to drain: a report's follow-up question waits only for the
answer it is about, and the slot a slow call holds is the only one it holds.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

from extractor.errors import LLMError
from extractor.llm.client import LLMClient
from extractor.settings import LLMSettings

T = TypeVar("T")
_CLOSE_SECONDS = 30.0  # closing waits this long for the client's connections to close


class ModelQueue:
    """The run's event loop and client. Use as a context manager; :meth:`run`
    may be called from any thread but the queue's own."""

    def __init__(self, settings: LLMSettings) -> None:
        self.client = LLMClient(settings)  # raises ConfigError now, not in the loop
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="model-queue", daemon=True)
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def run(self, work: Callable[[LLMClient], Coroutine[Any, Any, T]]) -> T:
        """Run ``work(client)`` on the queue's loop; block this thread (only) until
        it is done. Raises :class:`~extractor.errors.LLMError` once the queue is closed."""
        if threading.current_thread() is self._thread:
            raise LLMError("ModelQueue.run was called from the queue's own thread: await the work there instead")
        with self._lock:  # a closed loop never runs what is handed to it: refuse instead of hanging
            if self._closed:
                raise LLMError("the run's model queue is closed: start a new run")
            future = asyncio.run_coroutine_threadsafe(work(self.client), self._loop)
        return future.result()

    def close(self) -> None:
        """Cancel the work still queued (its callers get CancelledError), close the
        client and stop the loop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._thread.is_alive():
            shutdown = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            try:
                shutdown.result(_CLOSE_SECONDS)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join()
        else:  # never entered: the client's connections still need closing
            self._loop.run_until_complete(self.client.close())
        self._loop.close()

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.client.close()
