"""What runs inside the service's extraction processes. Kept apart from the
worker so a new process imports the pipeline only, not the database layer."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from extractor.document import read_report
from extractor.memory import cap_memory, memory_exceeded
from extractor.pipeline import extract, require_report
from extractor.settings import Settings


def run_extraction(data: bytes, name: str, settings: Settings) -> tuple[str, int]:
    """Extract one upload; returns the JSON ``extractor extract`` writes and the findings count.
    A text that is not a report, or one that needs more than the memory bound, fails the job."""
    try:
        result = extract(read_report(data, name, settings), settings)
        require_report(result)
        return result.model_dump_json(indent=2), len(result.findings)
    except MemoryError:
        raise memory_exceeded(settings) from None


def child_init(server_pid: int, settings: Settings | None = None) -> None:
    """In each extraction process: bound its memory (EXTRACTOR_MAX_MEMORY_MB), die with the
    server (even on SIGKILL), leave Ctrl-C to it."""
    if settings is not None:
        cap_memory(settings)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != server_pid:  # the server died while this process was starting
        os._exit(1)


def ready() -> bool:
    """A no-op: answers once the process has started and imported the pipeline."""
    return True
