"""The analyst's pages in a real browser: Playwright drives the system's Chromium
against a real ``extractor serve`` started here (own EXTRACTOR_HOME, 127.0.0.1).

Flows: sign in, upload (file picker and drag and drop), live job status, the
review page (select a finding: its locations carry aria-current), dismiss with a
note, the decision in the XLSX export and kept across a re-run, a hostile report
rendered inert, another key's report answering 404, CSRF refusals.

Every page visited is saved as a PNG under ``out/screenshots/`` (or
``$EXTRACTOR_SCREENSHOTS``). Without a browser the tests skip, saying how to get one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from extractor.service.decisions import finding_ids
from schemas import ExtractionResult
from tests.helpers.service import SAMPLE_002, SAMPLE_004, SAMPLES, ServiceProcess, create_keys, run_cli

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)

INSTALL_HINT = (
    "no Chromium found for the browser tests: install Debian's browser and CJK fonts with "
    "`apt-get install -y chromium fonts-noto-cjk` (or point EXTRACTOR_TEST_CHROMIUM at a Chromium binary)"
)
SCREENSHOTS = Path(
    os.environ.get("EXTRACTOR_SCREENSHOTS", Path(__file__).resolve().parent.parent / "out" / "screenshots")
)
SAMPLE_PDF = SAMPLES / "shanghai" / "putuo_czj_2025_budget.pdf"
HOSTILE_LINES = (
    "<script>window.__pwned = 'script';</script>\n"
    '<img src="x" onerror="window.__pwned = \'onerror\'">\n'
    '<a href="javascript:window.__pwned=\'link\'">点击</a> " onmouseover="window.__pwned=1" \n'
)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("EXTRACTOR_TEST_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-home")


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, str]:
    return create_keys(home, "alice", "bob")


@pytest.fixture(scope="module")
def server(home: Path, keys: dict[str, str]) -> Iterator[ServiceProcess]:
    process = ServiceProcess(home).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def signed_in(browser: Any, server: ServiceProcess, key: str, name: str) -> Any:
    """A fresh browser context signed in through the login form; returns its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server.url}/reports")
    assert page.url.startswith(f"{server.url}/login"), page.url  # pages need a session
    shot(page, f"login-{name}")
    page.fill("#key", key)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{server.url}/reports")
    return page


def wait_completed(page: Any, name: str, timeout_ms: int = 90_000) -> str:
    """Wait, without reloading, until the list shows the report's job completed; returns its id."""
    row = page.locator("tr[data-report-id]", has_text=name)
    row.locator(".status-completed").wait_for(timeout=timeout_ms)
    return str(row.get_attribute("data-report-id"))


@pytest.fixture(scope="module")
def alice_page(browser: Any, server: ServiceProcess, keys: dict[str, str]) -> Iterator[Any]:
    page = signed_in(browser, server, keys["alice"], "alice")
    yield page
    page.context.close()


def test_session_cookie_is_httponly_and_strict(alice_page: Any) -> None:
    cookies = {c["name"]: c for c in alice_page.context.cookies()}
    session = cookies["extractor_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    assert alice_page.evaluate("document.cookie") == ""  # out of reach of scripts


def test_upload_review_dismiss_export_and_rerun(alice_page: Any, server: ServiceProcess, tmp_path: Path) -> None:
    page = alice_page
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    page.set_input_files("#files", [str(SAMPLE_002), str(SAMPLE_PDF), str(damaged)])
    page.click("#upload button[type=submit]")
    # One message per file (kept across the list's reload): two queued, the damaged PDF refused.
    page.locator("#messages li", has_text="damaged.pdf").wait_for()
    assert page.locator("#messages li", has_text=SAMPLE_002.name).inner_text() == f"{SAMPLE_002.name}: queued"
    assert page.locator("#messages li", has_text=SAMPLE_PDF.name).inner_text() == f"{SAMPLE_PDF.name}: queued"
    assert "damaged.pdf" in page.locator("#messages li", has_text="damaged.pdf").inner_text()
    assert page.locator("tr[data-report-id]", has_text="damaged.pdf").count() == 0
    page.wait_for_url(f"{server.url}/reports")
    report_id = wait_completed(page, SAMPLE_002.name)
    shot(page, "reports")

    page.click(f"a[href='/reports/{report_id}']")
    page.wait_for_selector("[data-finding-id]")
    assert page.locator("[data-finding-id]").count() == 15
    assert page.locator("#L700").inner_text().startswith("住房保障（类）支出 71.4 万元")
    finding = page.locator("[data-finding-id]", has_text="printed 3.1%")
    finding_id = finding.get_attribute("data-finding-id")
    marks = page.locator(f'[data-location-for="{finding_id}"]')
    assert marks.count() >= 3
    assert page.locator('[aria-current="true"]').count() == 0

    finding.locator("button.select").click()
    current = page.locator('#source [aria-current="true"]')
    assert current.count() == marks.count()
    assert page.locator(f'[aria-current="true"]:not([data-location-for="{finding_id}"])').count() == 0
    # The marked places are the three figures the rule compared, in the order of the text.
    assert "".join(current.all_inner_texts()) == "一般公共预算拨款 2385.56 万元住房保障（类）支出 71.4 万元占 3.1%"
    assert current.first.is_visible()  # scrolled into view
    shot(page, "review-text")

    # By keyboard: k / j move to the previous / next finding and select it.
    page.keyboard.press("k")
    previous = page.locator("[data-finding-id].selected")
    assert previous.get_attribute("data-finding-id") != finding_id
    page.keyboard.press("j")
    assert page.locator("[data-finding-id].selected").get_attribute("data-finding-id") == finding_id
    assert current.count() == marks.count()

    finding.locator("input[name=note]").fill("份额按一般公共预算拨款计，属口径差异")
    finding.locator("button[value=dismissed]").click()
    decision = finding.locator("[data-decision-for]")
    decision.locator("strong", has_text="dismissed").wait_for()
    assert "by alice" in decision.inner_text()
    page.reload()
    finding = page.locator(f'[data-finding-id="{finding_id}"]')
    assert finding.get_attribute("data-status") == "dismissed"
    assert "份额按一般公共预算拨款计" in finding.locator("[data-decision-for]").inner_text()
    assert page.locator(f'[data-location-for="{finding_id}"].dismissed').count() == marks.count()
    # The decision filter shows it alone.
    page.select_option("#status-filter", "dismissed")
    assert page.locator("[data-finding-id]:visible").count() == 1
    page.select_option("#status-filter", "")

    with page.expect_download() as download_info:
        page.click("a[href*='download.xlsx']")
    download = download_info.value
    assert download.suggested_filename == SAMPLE_002.stem + ".xlsx"
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(handle)
    review = list(workbook["review"].iter_rows(values_only=True))
    header = review[0]
    row = dict(zip(header, next(r for r in review if r[0] == finding_id), strict=True))
    assert row["rule_id"] == "narrative.share_pct"
    assert row["decision"] == "dismissed"
    assert row["note"] == "份额按一般公共预算拨款计，属口径差异"
    assert row["decided_by"] == "alice"
    assert sum(1 for r in review[1:] if r[7] == "open") == 14
    assert {"report", "indicators", "statements", "findings"} <= set(workbook.sheetnames)

    # Re-run the report: the new run's finding is the same finding, so the decision holds.
    first_job = page.locator(".review-head .meta code").inner_text()
    page.goto(f"{server.url}/reports")
    row_el = page.locator(f"tr[data-report-id='{report_id}']")
    row_el.locator("select[name=backend]").select_option("rules")
    with page.expect_navigation():  # the list comes back with the new job queued
        row_el.locator("button", has_text="Re-run").click()
    wait_completed(page, SAMPLE_002.name)
    page.goto(f"{server.url}/reports/{report_id}")
    assert page.locator(".review-head .meta code").inner_text() != first_job
    finding = page.locator(f'[data-finding-id="{finding_id}"]')
    assert finding.get_attribute("data-status") == "dismissed"
    assert "by alice" in finding.locator("[data-decision-for]").inner_text()

    page.click("a[href*='/data']")
    page.wait_for_selector("#tables")
    assert page.locator("#tables table").count() > 0
    link = page.locator("#tables a", has_text="1995.86").first
    assert "#L" in str(link.get_attribute("href"))
    shot(page, "data")


def test_pdf_review_pages_boxes_and_annotated_download(
    alice_page: Any, server: ServiceProcess, keys: dict[str, str]
) -> None:
    page = alice_page
    page.goto(f"{server.url}/reports")
    report_id = wait_completed(page, SAMPLE_PDF.name)
    with server.client(keys["alice"]) as api:
        result = ExtractionResult.model_validate_json(api.get(f"/v1/reports/{report_id}/extraction").text)
    # The finding to select: the first whose places all carry a page and a box (what the
    # page shows is checked against the extraction, whichever findings the PDF gives).
    chosen = next(
        (finding_id, finding)
        for finding_id, finding in zip(finding_ids(result), result.findings, strict=True)
        if finding.locations and all(loc.span and loc.span.bbox for loc in finding.locations)
    )
    finding_id, expected = chosen
    spans = [loc.span for loc in expected.locations if loc.span]
    page.goto(f"{server.url}/reports/{report_id}")
    assert page.locator("figure.page").count() == 24  # the PDF's pages, verified with pdfinfo
    finding = page.locator(f'[data-finding-id="{finding_id}"]')
    finding.locator("button.select").click()
    boxes = page.locator(f'rect[data-location-for="{finding_id}"][aria-current="true"]')
    assert boxes.count() == len(spans)
    for span in spans:
        assert span.page and span.bbox
        box = page.locator(f'#P{span.page} rect[data-location-for="{finding_id}"][x="{span.bbox[0] - 1}"]')
        assert box.count() >= 1
        assert float(str(box.first.get_attribute("width"))) == pytest.approx(span.bbox[2] - span.bbox[0] + 2)
    first_page = page.locator(f"#P{spans[0].page} img")
    first_page.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first_page.element_handle())
    boxes.first.scroll_into_view_if_needed()
    assert boxes.first.is_visible()
    page.wait_for_timeout(300)  # the page image paints
    shot(page, "review-pdf-pages")
    page.click(".view-switch button[data-view=source]")
    finding.locator("button.select").click()
    marks = page.locator(f'#source mark[data-location-for="{finding_id}"][aria-current="true"]')
    assert marks.count() >= len(spans)
    assert marks.first.is_visible()
    shot(page, "review-pdf-text")

    with page.expect_download() as download_info:
        page.click("a[href*='annotated.pdf']:not([href*='omit'])")
    import pypdfium2 as pdfium  # the annotated PDF is read back as a reader would

    annotated = pdfium.PdfDocument(download_info.value.path())
    try:
        assert len(annotated) == 25  # the 24 pages and the legend
        legend = annotated[24].get_textpage().get_text_range()
        assert "Findings marked by extractor" in legend
        pages = ", ".join(str(n) for n in sorted({span.page for span in spans if span.page}))
        assert f"{expected.rule_id} (p. {pages}) open" in legend
        assert legend.count("[") == len(result.findings)
    finally:
        annotated.close()


def test_drag_and_drop_upload(alice_page: Any, server: ServiceProcess) -> None:
    page = alice_page
    page.goto(f"{server.url}/reports")
    text = SAMPLE_004.read_text(encoding="utf-8")
    transfer = page.evaluate_handle(
        """([text, name]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/plain" }));
            return transfer;
        }""",
        [text, "拖放-" + SAMPLE_004.name],
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": transfer})
    page.wait_for_url(f"{server.url}/reports")
    page.locator("tr[data-report-id]", has_text="拖放-").wait_for()
    wait_completed(page, "拖放-")


def test_hostile_report_renders_inert(alice_page: Any, server: ServiceProcess) -> None:
    page = alice_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server.url}/reports")
    lines = SAMPLE_002.read_text(encoding="utf-8").splitlines(keepends=True)
    hostile = "".join(lines[:5]) + HOSTILE_LINES + "".join(lines[5:])
    transfer = page.evaluate_handle(
        """([text, name]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/plain" }));
            return transfer;
        }""",
        [hostile, '<img src=x onerror="window.__pwned=1">.txt'],
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": transfer})
    page.wait_for_url(f"{server.url}/reports")
    report_id = wait_completed(page, "<img src=x")
    page.goto(f"{server.url}/reports/{report_id}")
    page.wait_for_selector("#source")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#source script, #source img, #source a, main img").count() == 0
    assert page.locator("#L6").inner_text() == "<script>window.__pwned = 'script';</script>"
    assert "onerror=" in page.locator("#L7").inner_text()
    # (browsers send the quotes of a file name as %22 in the multipart header)
    assert page.locator("h1").inner_text().startswith("<img src=x onerror=")
    page.locator("#L8").hover()
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    shot(page, "review-hostile")


def test_other_key_gets_404_and_forms_need_csrf(
    browser: Any, alice_page: Any, server: ServiceProcess, keys: dict[str, str]
) -> None:
    alice_page.goto(f"{server.url}/reports")
    report_ids = [
        str(row.get_attribute("data-report-id")) for row in alice_page.locator("tr[data-report-id]").all()
    ]
    pdf_id = alice_page.locator("tr[data-report-id]", has_text=SAMPLE_PDF.name).get_attribute("data-report-id")
    assert pdf_id in report_ids and alice_page.request.get(f"{server.url}/reports/{pdf_id}/pages/1.png").ok
    report_id = report_ids[0]
    bob = signed_in(browser, server, keys["bob"], "bob")
    try:
        assert bob.locator("tr[data-report-id]").count() == 0
        paths = ("", "/data", "/download.xlsx", "/download.json", "/download.csv", "/annotated.pdf", "/pages/1.png")
        for other in report_ids:
            for path in paths:
                answer = bob.request.get(f"{server.url}/reports/{other}{path}")
                assert answer.status == 404, path
        page_answer = bob.goto(f"{server.url}/reports/{report_id}")
        assert page_answer is not None and page_answer.status == 404
        shot(bob, "not-found")
        csrf = bob.locator("input[name=csrf]").first.input_value()
        refused = bob.request.post(
            f"{server.url}/reports/{report_id}/delete", form={"csrf": csrf}, max_redirects=0
        )
        assert refused.status == 404  # bob's valid token, alice's report: not found, not deleted
    finally:
        bob.context.close()
    # alice's own session without the form token: refused, nothing deleted.
    refused = alice_page.request.post(f"{server.url}/reports/{report_id}/delete", form={}, max_redirects=0)
    assert refused.status == 403
    wrong = alice_page.request.post(
        f"{server.url}/reports/{report_id}/delete", form={"csrf": "0" * 64}, max_redirects=0
    )
    assert wrong.status == 403
    alice_page.goto(f"{server.url}/reports/{report_id}")
    assert alice_page.locator("#source").count() == 1


def test_pages_send_a_csp_without_inline_script(alice_page: Any, server: ServiceProcess) -> None:
    answer = alice_page.goto(f"{server.url}/reports")
    assert answer is not None
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert alice_page.locator("script:not([src])").count() == 0


def test_eval_runs_list_run_and_comparison(alice_page: Any, server: ServiceProcess, home: Path) -> None:
    runs = []
    for label in ("baseline", "again"):
        done = run_cli(home, "eval", "run", "--backend", "rules", "--label", label, "--json")
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.strip().splitlines()[-1])["run_id"])
    page = alice_page
    page.goto(f"{server.url}/reports")
    page.click("nav a[href='/evals']")
    page.wait_for_url(f"{server.url}/evals")
    assert page.locator("table.grid tbody tr").count() == 2
    shot(page, "evals")
    page.click(f"a[href='/evals/{runs[0]}']")
    page.wait_for_url(f"{server.url}/evals/{runs[0]}")
    assert page.locator("h1").inner_text() == "Extraction evaluation"
    assert page.locator("img").count() >= 1  # the plots, served inline as data: images
    shot(page, "eval-run")
    page.goto(f"{server.url}/evals")
    page.select_option("#run-a", runs[0])
    page.select_option("#run-b", runs[1])
    page.click("form.compare button[type=submit]")
    page.wait_for_url(f"{server.url}/evals/compare?**")
    assert page.locator("h2", has_text=f"Comparison: B = {runs[1]} vs A = {runs[0]}").count() == 1
    shot(page, "eval-compare")
    assert page.request.get(f"{server.url}/evals/no-such-run").status == 404
