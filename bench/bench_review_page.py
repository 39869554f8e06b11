"""Load time of the review page for the largest reports of the corpus (the largest
text report and the largest PDF), against a real ``extractor serve`` started here.

Prints, per report: the page's HTML size, its findings and marks, the server's time
to build the page (its ``Server-Timing`` header; fastest and median of N requests,
after one warm-up that fills the PDF caches), and, when Chromium is installed, the
browser's time to first paint and to the load event (fastest and median of N loads).

    python bench/bench_review_page.py            # N = 5
    python bench/bench_review_page.py -n 10
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("EXTRACTOR_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def largest(pattern: str) -> Path:
    return max(ROOT.glob(pattern), key=lambda path: path.stat().st_size)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    from extractor.service.keys import create_key
    from extractor.service.storage import Store
    from extractor.settings import Settings

    store = Store(Settings(home=home))
    store.create_schema()
    _, key = create_key(store, "bench")
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env["EXTRACTOR_HOME"] = str(home)
    command = [sys.executable, "-m", "extractor", "serve", "--port", str(port), "--log-level", "warning"]
    with (home / "server.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url, key
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start; see {home / 'server.log'}")


def extract(url: str, key: str, path: Path) -> str:
    """Upload through the API, wait for the job; returns the report id."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as api:
        accepted = api.post("/v1/extractions", files={"file": (path.name, path.read_bytes())}).json()
        while (job := api.get(f"/v1/jobs/{accepted['job_id']}").json())["status"] in ("queued", "running"):
            time.sleep(0.2)
        if job["status"] != "completed":
            raise SystemExit(f"{path.name}: {job['error']}")
        return str(accepted["report_id"])


def sign_in(client: httpx.Client, key: str) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no sign-in form")
    client.post("/login", data={"key": key, "csrf": token.group(1)})


def server_times(client: httpx.Client, path: str, runs: int) -> tuple[list[float], int, str]:
    client.get(path)  # warm-up: a PDF's text and page sizes are read once, then cached
    times, size, html = [], 0, ""
    for _ in range(runs):
        answer = client.get(path)
        answer.raise_for_status()
        timing = re.search(r"dur=([0-9.]+)", answer.headers.get("server-timing", ""))
        times.append(float(timing.group(1)) if timing else float("nan"))
        size, html = len(answer.content), answer.text
    return times, size, html


def browser_times(url: str, key: str, path: str, runs: int) -> tuple[list[float], list[float]] | None:
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    paints, loads = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/login")
        page.fill("#key", key)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{url}/reports")
        page.goto(f"{url}{path}")  # warm-up
        for _ in range(runs):
            page.close()
            page = context.new_page()  # a fresh page: its paint timings are its own
            page.goto(f"{url}{path}", wait_until="load")
            page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
            paint = page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
            )
            load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            paints.append(float(paint) if paint is not None else float("nan"))
            loads.append(float(load))
        browser.close()
    return paints, loads


def summary(values: list[float]) -> str:
    return f"fastest {min(values):7.1f} ms, median {statistics.median(values):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=5)
    args = parser.parse_args()
    reports = [largest("samples/*.txt"), largest("samples/**/*.pdf")]
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        process, url, key = start_server(Path(tmp))
        try:
            with httpx.Client(base_url=url, headers={"Accept": "text/html"}, timeout=300) as client:
                sign_in(client, key)
                for report in reports:
                    report_id = extract(url, key, report)
                    path = f"/reports/{report_id}"
                    times, size, html = server_times(client, path, args.runs)
                    print(f"{report.relative_to(ROOT)} ({report.stat().st_size / 1e6:.2f} MB)")
                    findings, locations = html.count("data-finding-id="), html.count("data-location-for=")
                    values, pages = html.count('class="val'), html.count('<figure class="page"')
                    print(
                        f"  page {size / 1e6:.2f} MB HTML: {findings} findings, {locations} location marks, "
                        f"{values} value marks, {pages} page images"
                    )
                    print(f"  server time (Server-Timing):   {summary(times)}")
                    measured = browser_times(url, key, path, args.runs)
                    if measured is None:
                        print(f"  browser: no Chromium at {CHROMIUM} (apt-get install -y chromium)")
                        continue
                    paints, loads = measured
                    print(f"  first contentful paint:        {summary(paints)}")
                    print(f"  load event (page images lazy): {summary(loads)}")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
