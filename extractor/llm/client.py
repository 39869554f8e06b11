"""The language-model client: ``openai`` for transport, ``instructor`` for
structured answers.

Two kinds of retry, kept apart:

* an answer that fails validation goes back to the model with the error
  (instructor's reask), at most ``max_reasks`` times;
* a transport failure (429 honouring Retry-After, 5xx, timeouts, dropped
  connections) is retried here with tenacity, exponential backoff with
  jitter, at most ``max_retries`` times and ``retry_budget`` seconds; the
  openai client's own retries are off so these are the only ones.

An answer cut off by the length limit and a refusal are not retried: the
caller splits the chunk or records the failure. A server that rejects the
structured-output mode (no ``json_schema`` response format, no tools) makes
the client fall back, for the rest of the run: json_schema -> json ->
md_json (prompt and repair), tools -> json -> md_json.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from extractor.errors import ConfigError, LLMError
from extractor.llm.metering import RateLimiter, UsageMeter, estimate_tokens
from extractor.settings import LLMMode, LLMSettings

Model = TypeVar("Model", bound=BaseModel)
logger = logging.getLogger(__name__)

_MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
_FALLBACK: dict[str, LLMMode | None] = {
    "json_schema": "json",
    "tools": "json",
    "json": "md_json",
    "md_json": None,
}
_MODE_WORDS = ("response_format", "json_schema", "json_object", "tool", "function")
_TRANSIENT_STATUS = {408, 409, 425, 429}
_TOO_LONG_WORDS = ("context length", "context_length", "maximum context", "too many tokens", "too long")


class RefusalError(LLMError):
    """The model refused to answer (message.refusal or a content filter)."""


class TruncatedAnswerError(LLMError):
    """The answer was cut off by the length limit (finish_reason=length)."""


class InvalidAnswerError(LLMError):
    """The answer still failed validation after every reask."""


class TransportError(LLMError):
    """The server could not be reached or kept failing after every retry."""


class PromptTooLongError(LLMError):
    """The server refused the prompt as longer than the model's context."""


class ModeUnsupportedError(LLMError):
    """The server rejected the structured-output mode of the request."""


@dataclass
class Answer:
    """A validated answer and the tokens its call used (reasks included)."""

    value: BaseModel
    prompt_tokens: int
    completion_tokens: int
    attempts: int


class LLMClient:
    """One client per run (or per batch of reports sharing the concurrency
    bound); ``mode`` may fall back during its life. Usage is counted into the
    meter each call names, so reports sharing a client keep their own counts."""

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.model:
            raise ConfigError(
                "no model configured: set EXTRACTOR_LLM_MODEL (or OPENAI_MODEL); docs/llm.md shows the "
                "settings for OpenAI, DeepSeek, Qwen, Ollama, vLLM and llama.cpp"
            )
        key = settings.api_key.get_secret_value() if settings.api_key else None
        if key is None and settings.base_url is None:
            raise ConfigError(
                "no API key: set EXTRACTOR_LLM_API_KEY (or OPENAI_API_KEY), or EXTRACTOR_LLM_BASE_URL "
                "for a local server that needs none (docs/llm.md)"
            )
        self.settings = settings
        self.model = settings.model
        self.mode: LLMMode = settings.mode
        self._openai = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=key or "not-needed",  # local servers (Ollama, vLLM, llama.cpp) ignore it
            timeout=settings.timeout,
            max_retries=0,
        )
        self._slots = asyncio.Semaphore(settings.concurrency)
        # Calls being prepared or in flight. Instructor prepares a request in
        # a few milliseconds of CPU; admitting every chunk at once would run
        # all those preparations before the first request even leaves.
        self._admission = asyncio.Semaphore(2 * settings.concurrency)
        self._limiter = RateLimiter(settings.requests_per_minute, settings.tokens_per_minute)

    async def close(self) -> None:
        await self._openai.close()

    @property
    def parameters(self) -> dict[str, Any]:
        """The sampling parameters that decide an answer (part of the cache key)."""
        return {"temperature": self.settings.temperature, "max_tokens": self.settings.max_tokens}

    async def structured(
        self,
        response_model: type[Model],
        system: str,
        user: str,
        meter: UsageMeter,
    ) -> Answer:
        """Ask for ``response_model``; count every attempt into ``meter``; raise
        an LLMError subclass when no valid answer can be had."""
        async with self._admission:
            while True:
                mode = self.mode
                try:
                    return await self._structured(mode, response_model, system, user, meter)
                except ModeUnsupportedError:
                    following = _FALLBACK[mode]
                    if following is None:
                        raise
                    if self.mode == mode:  # another call may have fallen back already
                        self.mode = following

    async def _structured(
        self,
        mode: LLMMode,
        response_model: type[Model],
        system: str,
        user: str,
        meter: UsageMeter,
    ) -> Answer:
        tally = UsageMeter()  # this call alone (what the cache records)
        meters = (meter, tally)
        create = instructor.patch(create=self._sender(meters), mode=_MODES[mode])
        hooks = Hooks()
        hooks.on("parse:error", lambda *args, **kwargs: _count(meters, failed_calls=1))
        try:
            value = await create(
                response_model=_prepared(response_model),
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                model=self.model,
                temperature=self.settings.temperature,
                max_tokens=self.settings.max_tokens,
                # no context=: instructor would render the messages as Jinja templates with it
                max_retries=self.settings.max_reasks,
                strict=False,
                hooks=hooks,
            )
        except IncompleteOutputException as error:  # instructor's own length check
            raise TruncatedAnswerError(_truncation_message(self.settings)) from error
        except InstructorRetryException as error:
            raise _unwrap(error, tally) from error
        return Answer(value, tally.prompt_tokens, tally.completion_tokens, tally.calls)

    def _sender(self, meters: tuple[UsageMeter, ...]) -> Callable[..., Awaitable[Any]]:
        """The create function instructor calls once per attempt; transport
        retries, limits and counting happen inside it."""

        async def send(**kwargs: Any) -> Any:
            estimate = 0
            if self._limiter.active:
                estimate = estimate_tokens(json.dumps(kwargs.get("messages", []), ensure_ascii=False))
            retrying = AsyncRetrying(
                stop=stop_after_attempt(self.settings.max_retries + 1)
                | stop_before_delay(self.settings.retry_budget),
                wait=self._backoff,
                retry=retry_if_exception(_transient),
                before_sleep=_log_retry,
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    return await self._send_once(kwargs, estimate, meters)
            raise TransportError("no attempt was made")  # unreachable: tenacity reraises

        return send

    async def _send_once(self, kwargs: dict[str, Any], estimate: int, meters: tuple[UsageMeter, ...]) -> Any:
        await self._limiter.acquire(estimate)
        async with self._slots:
            _count(meters, calls=1)
            try:
                response = await self._openai.chat.completions.create(**kwargs)
            except openai.APIError as error:
                _count(meters, failed_calls=1)
                if _too_long(error):
                    raise PromptTooLongError(
                        f"prompt longer than the model's context: {_short(error)}"
                    ) from error
                if _mode_rejected(error):
                    raise ModeUnsupportedError(f"server rejected the output mode: {_short(error)}") from error
                raise
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        _count(meters, prompt_tokens=prompt, completion_tokens=completion)
        logger.debug(
            "model call: %s, finish %s, %d prompt + %d completion tokens",
            self.model,
            response.choices[0].finish_reason if getattr(response, "choices", None) else "?",
            prompt,
            completion,
        )
        self._limiter.settle(estimate, prompt + completion)
        choice = response.choices[0] if getattr(response, "choices", None) else None
        if choice is not None:
            refusal = getattr(choice.message, "refusal", None)
            if refusal or choice.finish_reason == "content_filter":
                _count(meters, failed_calls=1)
                raise RefusalError(f"the model refused: {refusal or 'content filter'}")
            if choice.finish_reason == "length":
                _count(meters, failed_calls=1)
                raise TruncatedAnswerError(_truncation_message(self.settings))
        return response

    def _backoff(self, state: RetryCallState) -> float:
        """Retry-After when the server gives one, else exponential with full jitter."""
        error = state.outcome.exception() if state.outcome else None
        after = _retry_after(error)
        if after is not None:  # honoured as given; stop_before_delay ends a wait past the budget
            return min(after, self.settings.retry_budget)
        jitter = wait_random_exponential(
            multiplier=self.settings.backoff_initial, max=self.settings.backoff_max
        )
        return float(jitter(state))


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    sleep = state.next_action.sleep if state.next_action else 0.0
    logger.warning("model call failed (%s); retry %d in %.1f s", _short(error), state.attempt_number, sleep)


def _count(meters: tuple[UsageMeter, ...], **increments: int) -> None:
    for meter in meters:
        for name, value in increments.items():
            setattr(meter, name, getattr(meter, name) + value)


@lru_cache(maxsize=32)
def _prepared(response_model: type[Model]) -> type[Model]:
    """The response model wrapped as instructor's schema class once, not on
    every call (instructor would otherwise rebuild the class and its JSON
    schema per request)."""
    return instructor.openai_schema(response_model)  # type: ignore[no-any-return]


def _transient(error: BaseException) -> bool:
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in _TRANSIENT_STATUS or error.status_code >= 500
    return False


def _too_long(error: openai.APIError) -> bool:
    if not isinstance(error, openai.APIStatusError) or error.status_code not in (400, 413, 422):
        return False
    text = str(error).lower()
    return error.status_code == 413 or any(word in text for word in _TOO_LONG_WORDS)


def _mode_rejected(error: openai.APIError) -> bool:
    if not isinstance(error, openai.APIStatusError) or error.status_code not in (400, 404, 422, 501):
        return False
    text = str(error).lower()
    return any(word in text for word in _MODE_WORDS)


def _retry_after(error: BaseException | None) -> float | None:
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) * scale, 0.0)
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
    return None


def _truncation_message(settings: LLMSettings) -> str:
    return f"answer cut off by the length limit (max_tokens={settings.max_tokens})"


def _unwrap(error: InstructorRetryException, tally: UsageMeter) -> LLMError:
    """The LLMError that says why instructor gave up."""
    cause = error.__cause__
    if isinstance(cause, LLMError):
        return cause
    if isinstance(cause, (ValidationError, json.JSONDecodeError)) or error.failed_attempts:
        last = error.failed_attempts[-1].exception if error.failed_attempts else cause
        return InvalidAnswerError(f"answer still invalid after {tally.calls} attempts: {_short(last)}")
    if isinstance(cause, openai.APITimeoutError):
        return TransportError(f"timed out after {tally.calls} attempts")
    if isinstance(cause, openai.APIStatusError):
        return TransportError(f"HTTP {cause.status_code} after {tally.calls} attempts: {_short(cause)}")
    if isinstance(cause, openai.APIConnectionError):
        return TransportError(f"connection failed after {tally.calls} attempts: {_short(cause)}")
    return LLMError(f"{type(cause or error).__name__}: {_short(cause or error)}")


def _short(error: object, limit: int = 300) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
