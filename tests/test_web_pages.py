"""The web pages without a browser: finding keys, the marked source, sign-in
rules (CSRF, bad keys, open redirects, revoked keys) and downloads that carry
the decisions, against a real ``extractor serve`` process."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from extractor.service.decisions import finding_ids, finding_key
from extractor.service.web.source_html import Highlight, render_source
from schemas import ExtractionResult
from schemas.findings import Finding, Location
from tests.helpers.service import SAMPLE_002, SAMPLES, ServiceProcess, create_keys, revoke, wait_for_jobs


def _finding(message: str, ref: str, line: int = 3) -> Finding:
    return Finding(
        rule_id="table.row_sum",
        family="table",
        severity="error",
        classification="report_error",
        message=message,
        locations=[Location(kind="table", ref=ref, line_start=line, line_end=line)],
    )


def test_finding_key_follows_rule_and_places_not_message() -> None:
    first = _finding("1 vs 2", "公开01表 / 合计 / 本年收入")
    assert finding_key(first) == finding_key(_finding("1.00 vs 2.00 (reworded)", "公开01表 / 合计 / 本年收入"))
    assert finding_key(first) != finding_key(_finding("1 vs 2", "公开01表 / 合计 / 本年支出"))
    assert finding_key(first) != finding_key(_finding("1 vs 2", "公开01表 / 合计 / 本年收入", line=4))
    assert re.fullmatch(r"[0-9a-f]{16}", finding_key(first))


def test_finding_ids_stay_unique_when_a_rule_repeats_itself() -> None:
    finding = _finding("x", "a / b")
    result = ExtractionResult.model_validate(
        {
            "document": {"source_name": "r.txt", "sha256": "0" * 64, "encoding": "utf-8"},
            "findings": [finding.model_dump()] * 3,
            "run": {"extractor_version": "test"},
        }
    )
    key = finding_key(finding)
    assert finding_ids(result) == [key, f"{key}-2", f"{key}-3"]


def test_render_source_escapes_text_and_marks_every_piece() -> None:
    text = '<b onmouseover="x">\n收入 12.50 万元'
    value = Highlight(23, 28, "公开01表 · 收入 = 12.50")  # "12.50"
    location = Highlight(20, 26, "rule: ref", finding_id="abc", css="sev-error")  # "收入 12.": overlaps the value
    html = str(render_source(text, [value, location]))
    lines = html.split("\n")
    assert lines[0] == '<div class="line" id="L1" data-n="1">&lt;b onmouseover=&#34;x&#34;&gt;</div>'
    assert lines[1] == (
        '<div class="line" id="L2" data-n="2">'
        '<mark class="loc sev-error" data-location-for="abc" title="rule: ref">收入 </mark>'
        '<mark class="loc sev-error" data-location-for="abc" title="rule: ref">'
        '<span class="val" title="公开01表 · 收入 = 12.50">12.</span></mark>'
        '<span class="val" title="公开01表 · 收入 = 12.50">50</span> 万元</div>'
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-pages-home")


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, str]:
    return create_keys(home, "alice", "mallory")


@pytest.fixture(scope="module")
def server(home: Path, keys: dict[str, str]) -> Iterator[ServiceProcess]:
    process = ServiceProcess(home).start()
    yield process
    process.stop()


def _page_client(server: ServiceProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Accept": "text/html"}, timeout=30.0)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@contextmanager
def sign_in(server: ServiceProcess, key: str) -> Iterator[httpx.Client]:
    """A client signed in through the login form, as a browser would."""
    with _page_client(server) as client:
        form = client.get("/login")
        answer = client.post("/login", data={"key": key, "csrf": _csrf(form.text), "next": "/reports"})
        assert answer.status_code == 303 and answer.headers["location"] == "/reports"
        yield client


def test_pages_need_a_session(server: ServiceProcess) -> None:
    with _page_client(server) as client:
        answer = client.get("/reports/0123/data")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=%2Freports%2F0123%2Fdata"


def test_sign_in_refuses_bad_keys_missing_tokens_and_foreign_redirects(
    server: ServiceProcess, keys: dict[str, str]
) -> None:
    with _page_client(server) as client:
        token = _csrf(client.get("/login").text)
        missing = client.post("/login", data={"key": keys["alice"], "next": "/reports"})
        assert missing.status_code == 403 and "extractor_session" not in missing.headers.get("set-cookie", "")
        token = _csrf(client.get("/login").text)
        wrong = client.post("/login", data={"key": "ext_nope", "csrf": token})
        assert wrong.status_code == 401 and "not valid" in wrong.text
        token = _csrf(client.get("/login").text)
        answer = client.post("/login", data={"key": keys["alice"], "csrf": token, "next": "//evil.example/x"})
        assert answer.status_code == 303 and answer.headers["location"] == "/reports"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "extractor_session=" in cookie
        assert client.get("/reports").status_code == 200
    with _page_client(server) as client:
        token = _csrf(client.get("/login").text)
        tabbed = client.post("/login", data={"key": keys["alice"], "csrf": token, "next": "/\t/evil.example"})
        assert tabbed.status_code == 303 and tabbed.headers["location"] == "/reports"


def test_a_revoked_key_loses_its_session(server: ServiceProcess, home: Path) -> None:
    extra = create_keys(home, "temp")["temp"]
    with sign_in(server, extra) as client:
        assert client.get("/reports").status_code == 200
        revoke(home, "temp")
        assert client.get("/reports").status_code == 303


def test_downloads_carry_the_decisions(server: ServiceProcess, keys: dict[str, str]) -> None:
    with server.client(keys["alice"]) as api:
        accepted = api.post(
            "/v1/extractions", files={"file": (SAMPLE_002.name, SAMPLE_002.read_bytes(), "text/plain")}
        ).json()
        wait_for_jobs(api, [accepted["job_id"]])
        result = ExtractionResult.model_validate_json(api.get(f"/v1/reports/{accepted['report_id']}/extraction").text)
    report_id = accepted["report_id"]
    ids = finding_ids(result)
    target = next(i for i, f in zip(ids, result.findings, strict=True) if f.rule_id == "narrative.share_pct")
    with sign_in(server, keys["alice"]) as client:
        page = client.get(f"/reports/{report_id}")
        assert page.status_code == 200
        assert len(re.findall(r"data-finding-id=", page.text)) == len(result.findings) == 15
        token = _csrf(page.text)
        form = {"csrf": token, "finding_id": target, "decision": "accepted", "note": "确认：3.1% 应为 3.0%"}
        decided = client.post(f"/reports/{report_id}/decisions", data=form)
        assert decided.status_code == 303
        assert decided.headers["location"] == f"/reports/{report_id}?selected={target}#f-{target}"
        unknown = client.post(f"/reports/{report_id}/decisions", data={**form, "finding_id": "feedbeef"})
        assert unknown.status_code == 404
        no_token = client.post(f"/reports/{report_id}/decisions", data={**form, "csrf": ""})
        assert no_token.status_code == 403

        rows = list(csv.reader(io.StringIO(client.get(f"/reports/{report_id}/download.csv").text.lstrip("\ufeff"))))
        header, body = rows[0], rows[1:]
        decided_rows = [dict(zip(header, r, strict=True)) for r in body if r[header.index("decision")] != "open"]
        assert len(body) == 15 and len(decided_rows) == 1
        assert decided_rows[0]["finding_id"] == target
        assert decided_rows[0]["decision"] == "accepted"
        assert decided_rows[0]["note"] == "确认：3.1% 应为 3.0%"
        assert decided_rows[0]["decided_by"] == "alice"

        document = json.loads(client.get(f"/reports/{report_id}/download.json").text)
        assert document["review"][0]["finding_id"] == target
        assert document["review"][0]["decision"] == "accepted"
        assert len(document["findings"]) == 15

        # Taken back: the finding is open again everywhere.
        client.post(f"/reports/{report_id}/decisions", data={**form, "decision": "open"})
        assert json.loads(client.get(f"/reports/{report_id}/download.json").text)["review"] == []

    with sign_in(server, keys["mallory"]) as other:
        assert other.get(f"/reports/{report_id}").status_code == 404
        assert other.get(f"/reports/{report_id}/download.csv").status_code == 404
        token = _csrf(other.get("/reports").text)
        steal = other.post(f"/reports/{report_id}/decisions", data={**form, "csrf": token})
        assert steal.status_code == 404


def test_annotated_pdf_greys_or_leaves_out_dismissed_findings(server: ServiceProcess, keys: dict[str, str]) -> None:
    import pypdfium2 as pdfium  # the annotated PDF is read back as a reader would

    # putuo_czj_2024_final's findings are its own errors (tests/test_shanghai.py), boxed on their pages
    pdf = SAMPLES / "shanghai" / "putuo_czj_2024_final.pdf"
    with server.client(keys["alice"]) as api:
        accepted = api.post("/v1/extractions", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")}).json()
        wait_for_jobs(api, [accepted["job_id"]])
        result = ExtractionResult.model_validate_json(api.get(f"/v1/reports/{accepted['report_id']}/extraction").text)
    report_id = accepted["report_id"]
    ids = finding_ids(result)
    boxed = [
        i for i, f in zip(ids, result.findings, strict=True) if any(loc.span and loc.span.bbox for loc in f.locations)
    ]
    assert boxed  # (the checks below hold whichever findings the PDF gives)

    def legend(client: httpx.Client, dismissed: str) -> tuple[int, str]:
        answer = client.get(f"/reports/{report_id}/annotated.pdf", params={"dismissed": dismissed})
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        document = pdfium.PdfDocument(answer.content)
        try:
            return len(document), document[len(document) - 1].get_textpage().get_text_range()
        finally:
            document.close()

    with sign_in(server, keys["alice"]) as client:
        token = _csrf(client.get(f"/reports/{report_id}").text)
        form = {"csrf": token, "finding_id": boxed[0], "decision": "dismissed", "note": "not an error"}
        assert client.post(f"/reports/{report_id}/decisions", data=form).status_code == 303
        rule = result.findings[ids.index(boxed[0])].rule_id
        pages, greyed = legend(client, "grey")
        assert greyed.count("[") == len(result.findings) and f"{rule} (p." in greyed and ") dismissed" in greyed
        original = pdfium.PdfDocument(pdf.read_bytes())
        assert pages == len(original) + 1
        original.close()
        _, omitted = legend(client, "omit")
        assert omitted.count("[") == len(result.findings) - 1
        assert "dismissed" not in omitted.split("grey: dismissed", 1)[1]
        assert client.get(f"/reports/{report_id}/annotated.pdf", params={"dismissed": "x"}).status_code == 422
        page_one = client.get(f"/reports/{report_id}/pages/1.png")
        assert page_one.status_code == 200 and page_one.content.startswith(b"\x89PNG")
        assert client.get(f"/reports/{report_id}/pages/999.png").status_code == 422


def test_data_page_lists_projects_with_their_links(server: ServiceProcess, keys: dict[str, str]) -> None:
    with server.client(keys["alice"]) as api:
        accepted = api.post(
            "/v1/extractions", files={"file": (SAMPLE_002.name, SAMPLE_002.read_bytes(), "text/plain")}
        ).json()
        wait_for_jobs(api, [accepted["job_id"]])
    with sign_in(server, keys["alice"]) as client:
        page = client.get(f"/reports/{accepted['report_id']}/data")
    assert page.status_code == 200
    assert "Projects (28)" in page.text
    # 002 prints the project 卧钢退休人员工资 on its form (line 546) and 卧岗… in the 项目支出表 (line 339)
    row = re.search(r"<td>table_row</td><td>卧岗退休人员工资</td>\s*<td>one_character \(0\.80\)</td>", page.text)
    assert row, "the one-character link is shown with its method and confidence"
    assert "P9 卧钢退休人员工资" in page.text
