"""Load test of the HTTP service: N concurrent clients each upload a distinct
report, poll its job to the end and fetch the extraction, against one real
server on 127.0.0.1 (started here, with its own EXTRACTOR_HOME, unless --url).

Prints requests per second, p50/p95 latency of uploads, polls and result
fetches, the end-to-end time per report, and checks nothing was lost.

    python bench/load_service.py               # 50 clients, server with 2 workers
    python bench/load_service.py -n 20 --workers 1
    python bench/load_service.py --url http://127.0.0.1:8000 --key ext_...
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("0*.txt"))
POLL_SECONDS = 0.2
DEADLINE_SECONDS = 600.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, workers: int, clients: int) -> tuple[subprocess.Popen[bytes], str, str]:
    from extractor.service.keys import create_key
    from extractor.service.storage import Store
    from extractor.settings import Settings

    store = Store(Settings(home=home))
    store.create_schema()
    _, key = create_key(store, "bench")
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env.update(
        EXTRACTOR_HOME=str(home),
        EXTRACTOR_SERVICE_WORKERS=str(workers),
        EXTRACTOR_MAX_QUEUED_JOBS_PER_KEY=str(max(100, clients)),
    )
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "extractor",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url, key
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start; see {home / 'server.log'}")


class Timings:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[float]] = {"upload": [], "poll": [], "extraction": [], "end_to_end": []}
        self.requests = 0
        self.errors: dict[str, int] = {}

    async def timed(self, kind: str, call: object) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await call  # type: ignore[misc]
        except httpx.TransportError as exc:
            name = f"{kind}: {type(exc).__name__} {exc}".strip()
            self.errors[name] = self.errors.get(name, 0) + 1
            raise
        self.by_kind[kind].append(time.perf_counter() - started)
        self.requests += 1
        return response


async def one_client(client: httpx.AsyncClient, number: int, timings: Timings, deadline: float) -> dict:
    """Upload one distinct report, wait for its job, fetch and check the result."""
    sample = SAMPLES[number % len(SAMPLES)]
    data = sample.read_bytes() + f"\n附注 load-{number}\n".encode()
    started = time.perf_counter()
    answer = await timings.timed(
        "upload",
        client.post("/v1/extractions", files={"file": (f"load-{number:03d}.txt", data, "text/plain")}),
    )
    if answer.status_code != 202:
        return {"number": number, "status": f"upload {answer.status_code}: {answer.text[:200]}"}
    job_id, report_id = answer.json()["job_id"], answer.json()["report_id"]
    status = "queued"
    while status in ("queued", "running"):
        if time.perf_counter() > deadline:
            return {"number": number, "status": "timed out"}
        await asyncio.sleep(POLL_SECONDS)
        job = (await timings.timed("poll", client.get(f"/v1/jobs/{job_id}"))).json()
        status = job["status"]
    if status != "completed":
        return {"number": number, "status": f"failed: {job.get('error')}"}
    result = await timings.timed("extraction", client.get(f"/v1/reports/{report_id}/extraction"))
    timings.by_kind["end_to_end"].append(time.perf_counter() - started)
    if result.json()["document"]["sha256"] != hashlib.sha256(data).hexdigest():
        return {"number": number, "status": "wrong result"}
    return {"number": number, "status": "ok", "report_id": report_id}


async def run(url: str, key: str, clients: int) -> int:
    timings = Timings()
    # Expire idle connections before uvicorn does (5 s), so no request races a closing socket.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120, limits=limits
    ) as client:
        before = {r["report_id"] for r in (await client.get("/v1/reports", params={"limit": 1000})).json()}
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(one_client(client, n, timings, started + DEADLINE_SECONDS) for n in range(clients)),
            return_exceptions=True,
        )
        outcomes = [
            o if isinstance(o, dict) else {"number": n, "status": f"error: {o!r}"}
            for n, o in enumerate(outcomes)
        ]
        wall = time.perf_counter() - started
        listed = {r["report_id"] for r in (await client.get("/v1/reports", params={"limit": 1000})).json()}
    ok = [o for o in outcomes if o["status"] == "ok"]
    lost = {o["report_id"] for o in ok} - listed
    print(
        f"clients: {clients}; completed: {len(ok)}/{clients}; reports listed after: "
        f"{len(listed - before)} new; lost: {len(lost)}"
    )
    for outcome in outcomes:
        if outcome["status"] != "ok":
            print(f"  client {outcome['number']}: {outcome['status']}")
    for error, count in timings.errors.items():
        print(f"  transport error x{count}: {error}")
    print(
        f"wall time: {wall:.2f} s; HTTP requests: {timings.requests}; "
        f"requests/s: {timings.requests / wall:.1f}; reports extracted/s: {len(ok) / wall:.2f}"
    )
    print(f"{'latency (s)':<12} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}")
    for kind, values in timings.by_kind.items():
        if values:
            print(
                f"{kind:<12} {len(values):>5} {statistics.median(values):>8.3f} "
                f"{percentile(values, 0.95):>8.3f} {max(values):>8.3f}"
            )
    return 0 if len(ok) == clients and not lost else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--clients", type=int, default=50, help="concurrent uploads (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--url", help="an already running server (loopback) instead of starting one")
    parser.add_argument("--key", help="API key for --url")
    args = parser.parse_args()
    if args.url:
        if not args.key:
            raise SystemExit("--url needs --key")
        raise SystemExit(asyncio.run(run(args.url, args.key, args.clients)))
    with tempfile.TemporaryDirectory(prefix="extractor-load-") as home:
        process, url, key = start_server(Path(home), args.workers, args.clients)
        try:
            print(f"server {url}, {args.workers} worker processes, {os.cpu_count()} CPUs")
            code = asyncio.run(run(url, key, args.clients))
        finally:
            process.terminate()
            process.wait(timeout=30)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
