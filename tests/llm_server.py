"""A scripted OpenAI-compatible HTTP server for tests and benchmarks.

It listens on 127.0.0.1 at a free port and implements ``POST
/v1/chat/completions``. Each test queues the replies it wants (a good answer,
malformed JSON, a 429 with Retry-After, a stall past the client's timeout, a
refusal, a cut-off answer, a dropped connection, ...); when the queue is empty
the ``responder`` (a function of the request) answers, or the server replies
418 so an unscripted call shows up as a failure. Every request body is
recorded in ``requests``.

Answers adapt to the request: tool calls when the request carries ``tools``,
plain JSON content with ``response_format``, a fenced ```json block otherwise,
so one script serves every instructor mode.

``delay`` adds latency to every reply: a fixed number of seconds, or a
function of the request (:class:`LogNormalLatency`: a wide, seeded
distribution, as real endpoints show). ``max_in_flight`` records the most
requests the server held at once.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self

Request = dict[str, Any]


@dataclass
class Reply:
    """One HTTP reply. ``drop`` closes the connection without answering."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


Behaviour = Reply | Callable[[Request], Reply]
_ids = itertools.count(1)


def completion(
    request: Request,
    *,
    content: str | None = None,
    tool_arguments: str | None = None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    usage: tuple[int, int] = (100, 20),
) -> dict[str, Any]:
    """A chat.completion body answering ``request``."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_arguments is not None:
        name = request["tools"][0]["function"]["name"]
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids)}",
                "type": "function",
                "function": {"name": name, "arguments": tool_arguments},
            }
        ]
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": usage[0] + usage[1],
        },
    }


def answer_text(text: str, *, finish_reason: str = "stop", usage: tuple[int, int] = (100, 20)) -> Behaviour:
    """Answer with ``text`` as the JSON payload, shaped for the request's mode."""

    def behave(request: Request) -> Reply:
        if request.get("tools"):
            body = completion(request, tool_arguments=text, finish_reason=finish_reason, usage=usage)
        elif request.get("response_format"):
            body = completion(request, content=text, finish_reason=finish_reason, usage=usage)
        else:
            fenced = f"```json\n{text}\n```"
            body = completion(request, content=fenced, finish_reason=finish_reason, usage=usage)
        return Reply(body=body)

    return behave


def answer(payload: Any, *, usage: tuple[int, int] = (100, 20)) -> Behaviour:
    """Answer with ``payload`` serialised as JSON."""
    return answer_text(json.dumps(payload, ensure_ascii=False), usage=usage)


def truncated(payload: Any, *, usage: tuple[int, int] = (100, 2048)) -> Behaviour:
    """An answer cut off by the length limit (finish_reason=length)."""
    text = json.dumps(payload, ensure_ascii=False)
    return answer_text(text[: max(len(text) // 2, 1)], finish_reason="length", usage=usage)


def refusal(reason: str = "I can't help with that.") -> Behaviour:
    """An explicit refusal (message.refusal set, no content)."""
    return lambda request: Reply(body=completion(request, content=None, refusal=reason, usage=(100, 5)))


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An error reply in OpenAI's error format."""
    body = {"error": {"message": message, "type": "scripted", "param": None, "code": None}}
    return Reply(status=status, body=body, headers=headers or {})


def rate_limited(retry_after: float) -> Reply:
    """429 Too Many Requests with a Retry-After header (seconds)."""
    return error(429, "Rate limit reached", {"Retry-After": f"{retry_after:g}"})


def stall(seconds: float) -> Reply:
    """Answer nothing for ``seconds`` (longer than the client's timeout), then a 500."""
    return Reply(status=500, body={"error": {"message": "stalled"}}, delay=seconds)


def dropped() -> Reply:
    """Close the connection without a reply (a connection reset)."""
    return Reply(drop=True)


def _attempt_rng(seed: int, text: str, attempt: int) -> random.Random:
    """A generator seeded by the seed, a user message and how many times that
    message came before: what it draws does not depend on the order in which
    concurrent calls arrive."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return random.Random(f"{seed}|{digest}|{attempt}")


class LogNormalLatency:
    """Seconds a reply takes, drawn from a log-normal distribution with the given
    median and ``sigma`` (of the logarithm): sigma 1 puts one call in a hundred
    past ten times the median. Seeded per user message and attempt, so a run
    sees the same latencies whatever the order its calls arrive in."""

    def __init__(self, median: float, sigma: float, seed: int = 0) -> None:
        self.median = median
        self.sigma = sigma
        self.seed = seed
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def mean(self) -> float:
        """The distribution's mean (median · e^(σ²/2))."""
        return self.median * math.exp(self.sigma**2 / 2)

    def __call__(self, request: Request) -> float:
        text = user_text(request)
        with self._lock:
            attempt = self._seen[text]
            self._seen[text] += 1
        return _attempt_rng(self.seed, text, attempt).lognormvariate(math.log(self.median), self.sigma)


class ScriptedLLMServer:
    """The server. Use as a context manager; ``base_url`` ends in ``/v1``."""

    def __init__(
        self,
        responder: Callable[[Request], Reply] | None = None,
        delay: float | Callable[[Request], float] = 0.0,
    ) -> None:
        self.responder = responder
        self.delay = delay  # added to every reply (benchmarks): seconds, or seconds per request
        self.requests: list[Request] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request
        self.in_flight = 0
        self.max_in_flight = 0
        self.served: list[tuple[float, float]] = []  # (arrival, reply sent) per request
        self._script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *behaviours: Behaviour | Iterable[Behaviour]) -> None:
        """Queue replies, answered in order, one per request."""
        with self._lock:
            for behaviour in behaviours:
                self._script.append(behaviour)  # type: ignore[arg-type]

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def occupancy(self) -> tuple[float, float]:
        """Mean requests in flight between the first arrival and the last reply,
        and the mean time a request spent here (seconds)."""
        with self._lock:
            served = list(self.served)
        if not served:
            return 0.0, 0.0
        busy = sum(end - start for start, end in served)
        window = max(end for _, end in served) - min(start for start, _ in served)
        return busy / window if window else 0.0, busy / len(served)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.arrivals.append(time.monotonic())
            behaviour = self._script.popleft() if self._script else None
        if behaviour is None:
            if self.responder is None:
                return error(418, "no scripted reply left for this request")
            behaviour = self.responder
        return behaviour(request) if callable(behaviour) else behaviour

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body
            # waits for the client's delayed ACK (~40 ms per call).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(error(404, f"no route {self.path}"))
                    return
                try:
                    request = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(error(400, "request body is not JSON"))
                    return
                arrived = time.monotonic()
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server._next_reply(request)
                    added = server.delay(request) if callable(server.delay) else server.delay
                    pause = reply.delay + added
                    if pause:
                        time.sleep(pause)
                    if reply.drop:
                        self.close_connection = True
                        self.connection.close()
                        return
                    self._send(reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                        server.served.append((arrived, time.monotonic()))

            def _send(self, reply: Reply) -> None:
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout)

        return Handler


RequestKind = Literal["narrative", "form", "followup", "project"]
PROJECT_LABEL = "[project] "  # extractor.llm.project_summaries.CHUNK_LABEL
FOLLOWUP_SEPARATOR = "\n\n---\n"  # extractor.llm.recheck.SEPARATOR


def user_text(request: Request) -> str:
    """The first user message: the chunk, form block or follow-up question."""
    return str(next(m["content"] for m in request["messages"] if m["role"] == "user"))


def request_kind(request: Request) -> RequestKind:
    """What a request asks for: a narrative chunk (``[p12] text``), a line-flow
    form (``[L12] text``), a follow-up question (paragraph, ``---``, JSON) or
    per-project prose (``[project] text``)."""
    text = user_text(request)
    if followup_question(request) is not None:
        return "followup"
    if text.startswith(PROJECT_LABEL):
        return "project"
    return "form" if text.startswith("[L") else "narrative"


def followup_question(request: Request) -> dict[str, Any] | None:
    """The JSON part of a follow-up question (metric, answer, findings, fields), or None."""
    head, separator, tail = user_text(request).partition(FOLLOWUP_SEPARATOR)
    if not separator:
        return None
    try:
        question = json.loads(tail)
    except json.JSONDecodeError:
        return None
    if not isinstance(question, dict) or "fields" not in question:
        return None
    question["paragraph"] = head
    return question


def _paragraphs_of(prompt: str) -> list[Any]:
    """The ``[p12] text`` blocks of a prompt as paragraphs (one line, offsets = index)."""
    from extractor.narrative.paragraphs import Paragraph
    from schemas import NarrativeParagraph, Span

    paragraphs = []
    for block in prompt.split("\n\n["):
        label, _, text = block.lstrip("[").partition("] ")
        span = Span(line_start=1, line_end=1, char_start=0, char_end=len(text))
        model = NarrativeParagraph(id=label, text=text, span=span)
        paragraphs.append(Paragraph(model, [1], list(range(len(text))), [1] * len(text)))
    return paragraphs


def rules_responder(usage: tuple[int, int] | None = None) -> Callable[[Request], Reply]:
    """A stand-in model that answers with the deterministic reader's statements
    for the paragraphs in the prompt (``[p12] text`` blocks): a deterministic
    function of the prompt, for benchmarks and end-to-end tests. A follow-up
    question gets the deterministic reading of the fields asked (the same
    answer again where that reading is what failed the check); a form and
    per-project prose get an empty answer (the parsers' reading stays). Token counts default to the
    prompt's and the answer's length in characters."""
    from extractor.llm.answers import NarrativeAnswer, from_statement
    from extractor.narrative.statements import extract_statements

    def behave(request: Request) -> Reply:
        kind = request_kind(request)
        if kind == "form":
            text = "{}"
        elif kind == "project":
            text = '{"summaries": []}'  # the patterns' reading stays
        elif kind == "followup":
            question = followup_question(request) or {}
            [paragraph] = _paragraphs_of(question["paragraph"])
            same = [s for s in extract_statements([paragraph]) if s.metric == question.get("metric")]
            fields = [
                {"field": name, "value": getattr(same[0], name), "quote": same[0].evidence.get(name)}
                for name in question["fields"]
                if same and getattr(same[0], name) is not None and same[0].evidence.get(name)
            ]
            text = json.dumps({"fields": fields}, ensure_ascii=False)
        else:
            found = extract_statements(_paragraphs_of(user_text(request)))
            text = NarrativeAnswer(statements=[from_statement(s) for s in found]).model_dump_json(exclude_none=True)
        counted = usage or (sum(len(str(m.get("content") or "")) for m in request["messages"]), len(text))
        return answer_text(text, usage=counted)(request)

    return behave


Fault = Literal["ok", "http_500", "timeout", "malformed"]


class FaultyResponder:
    """A model that fails ``rate`` of the calls at random: an HTTP 500, a stall
    past the client's timeout (``stall_seconds``), or a malformed answer (not
    JSON, or JSON cut short); the other calls ``good`` answers.

    Each call's fate comes from a ``random.Random`` seeded with the seed, the
    request's user message and how many times that message came before, so a
    run's faults do not depend on the order in which concurrent calls arrive.
    ``log`` records (user message, fate) per call."""

    FAULTS: tuple[Fault, ...] = ("http_500", "timeout", "malformed")

    def __init__(
        self,
        rate: float,
        seed: int = 0,
        *,
        stall_seconds: float = 2.0,
        good: Callable[[Request], Reply] | None = None,
    ) -> None:
        self.rate = rate
        self.seed = seed
        self.stall_seconds = stall_seconds
        self.good = good or rules_responder()
        self.log: list[tuple[str, Fault, RequestKind]] = []
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        text = user_text(request)
        kind = request_kind(request)
        with self._lock:
            attempt = self._seen[text]
            self._seen[text] += 1
        rng = _attempt_rng(self.seed, text, attempt)
        fate: Fault = rng.choice(self.FAULTS) if rng.random() < self.rate else "ok"
        with self._lock:
            self.log.append((text, fate, kind))
        if fate == "http_500":
            return error(500, "injected fault")
        if fate == "timeout":
            return stall(self.stall_seconds)
        if fate == "malformed":
            broken = rng.choice(['{"statements": [{"paragraph": "p', "the answer is not JSON", '{"fields": [{'])
            return answer_text(broken)(request)
        return self.good(request)

    def fates(self, kind: RequestKind | None = None) -> dict[str, list[Fault]]:
        """Per user message (of ``kind``, or all), the fate of each of its calls in order."""
        found: dict[str, list[Fault]] = {}
        with self._lock:
            for text, fate, seen in self.log:
                if kind is None or seen == kind:
                    found.setdefault(text, []).append(fate)
        return found

    def never_answered(self, kind: RequestKind | None = None) -> set[str]:
        """User messages none of whose calls got a good answer."""
        return {text for text, fates in self.fates(kind).items() if "ok" not in fates}
