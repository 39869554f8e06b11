"""The memory bound of one extraction process (``EXTRACTOR_MAX_MEMORY_MB``).

The CLI bounds its own process, the service each of its extraction processes:
a report that would need more fails with a reason instead of exhausting the
machine (bench/bench_scaling.py measures what a report needs per MiB).
"""

from __future__ import annotations

import sys

from extractor.errors import MemoryLimitError
from extractor.settings import Settings

MIB = 1024 * 1024


def cap_memory(settings: Settings) -> None:
    """Limit this process's address space to ``settings.max_memory_mb`` (never raise a lower limit)."""
    if not sys.platform.startswith("linux"):  # RLIMIT_AS is enforced on Linux only
        return
    import resource

    wanted = int(settings.max_memory_mb * MIB)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def memory_exceeded(settings: Settings) -> MemoryLimitError:
    """The error for an extraction stopped by the bound, saying what to do."""
    return MemoryLimitError(
        f"the extraction needed more than {settings.max_memory_mb:g} MiB of memory and was stopped; "
        "split the report, or raise EXTRACTOR_MAX_MEMORY_MB if the machine has the memory "
        "(README: cost per MiB of input)"
    )
