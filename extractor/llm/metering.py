"""Counting what the model costs and keeping under the provider's limits.

:class:`UsageMeter` counts every HTTP attempt (failed ones and reasks
included) and the tokens the server reports; :class:`RateLimiter` holds calls
back so that requests and tokens in any 60-second window stay under the
configured limits (a client-side limit: fewer 429s than waiting for the
server to refuse).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from extractor.settings import LLMSettings
from schemas import Usage

_WINDOW = 60.0


@dataclass
class UsageMeter:
    """Counters of one run."""

    calls: int = 0
    cached_calls: int = 0
    failed_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasks: int = 0  # statements asked again after a failed reconciliation check

    def add_tokens(self, prompt: int, completion: int) -> None:
        self.prompt_tokens += prompt
        self.completion_tokens += completion

    def usage(self, settings: LLMSettings) -> Usage:
        """The schema's Usage, with a cost where prices are configured."""
        cost: float | None = None
        if settings.price_prompt_per_1k is not None or settings.price_completion_per_1k is not None:
            cost = self.prompt_tokens / 1000 * (
                settings.price_prompt_per_1k or 0.0
            ) + self.completion_tokens / 1000 * (settings.price_completion_per_1k or 0.0)
            cost = round(cost, 6)
        return Usage(
            calls=self.calls,
            cached_calls=self.cached_calls,
            failed_calls=self.failed_calls,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cost=cost,
            reasks=self.reasks,
        )


def sum_usage(usages: Iterable[Usage]) -> Usage:
    """The sum of several usages (re-asks included); cost None unless one has a cost."""
    total = Usage()
    costs: list[float] = []
    for usage in usages:
        total.calls += usage.calls
        total.cached_calls += usage.cached_calls
        total.failed_calls += usage.failed_calls
        total.prompt_tokens += usage.prompt_tokens
        total.completion_tokens += usage.completion_tokens
        total.reasks += usage.reasks
        if usage.cost is not None:
            costs.append(usage.cost)
    total.cost = round(sum(costs), 6) if costs else None
    return total


class RateLimiter:
    """Requests per minute and tokens per minute over a sliding window."""

    def __init__(
        self,
        requests_per_minute: int | None,
        tokens_per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rpm = requests_per_minute
        self.tpm = tokens_per_minute
        self._clock = clock
        self._sleep = sleep
        self._requests: deque[float] = deque()
        self._tokens: deque[tuple[float, int]] = deque()
        self._lock = asyncio.Lock()

    @property
    def active(self) -> bool:
        return self.rpm is not None or self.tpm is not None

    async def acquire(self, tokens: int) -> None:
        """Wait until one more request of about ``tokens`` tokens fits the window."""
        if not self.active:
            return
        async with self._lock:
            while True:
                wait = self._wait_for(tokens)
                if wait <= 0:
                    now = self._clock()
                    self._requests.append(now)
                    self._tokens.append((now, tokens))
                    return
                await self._sleep(wait)

    def settle(self, estimated: int, actual: int) -> None:
        """Correct the window with the tokens the server reported."""
        if self.tpm is not None and actual != estimated:
            self._tokens.append((self._clock(), actual - estimated))

    def _wait_for(self, tokens: int) -> float:
        now = self._clock()
        while self._requests and now - self._requests[0] >= _WINDOW:
            self._requests.popleft()
        while self._tokens and now - self._tokens[0][0] >= _WINDOW:
            self._tokens.popleft()
        waits = [0.0]
        if self.rpm is not None and len(self._requests) >= self.rpm:
            waits.append(self._requests[0] + _WINDOW - now)
        if self.tpm is not None and self._tokens:
            used = sum(count for _, count in self._tokens)
            if used + tokens > self.tpm:
                waits.append(self._tokens[0][0] + _WINDOW - now)
        return max(waits)


def estimate_tokens(text: str) -> int:
    """A rough prompt size before the server says: CJK runs about one token per
    character, Latin text about one per four."""
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return (len(text) - ascii_chars) + ascii_chars // 4 + 1
