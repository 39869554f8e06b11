"""Broken PDFs, each built here: clear errors, exit 1, no output file, folders go on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.document import load_report, read_report
from extractor.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    PdfTimeoutError,
    ScannedPdfError,
    TooManyPagesError,
)
from extractor.settings import Settings
from tests.helpers.bad_pdfs import SHANGHAI, SMALL, empty_pdf, encrypted_pdf, scanned_pdf, truncated_pdf
from tests.helpers.cli import run_cli


def test_a_scan_without_a_text_layer_says_so_and_what_to_do() -> None:
    data = scanned_pdf()
    assert data.startswith(b"%PDF")
    with pytest.raises(ScannedPdfError) as error:
        read_report(data, "scan.pdf", Settings())
    assert "no text layer" in str(error.value) and "ocrmypdf -l chi_sim" in str(error.value)


def test_a_password_protected_pdf_is_refused_with_how_to_unlock_it() -> None:
    with pytest.raises(EncryptedPdfError) as error:
        read_report(encrypted_pdf(), "locked.pdf", Settings())
    assert "password-protected" in str(error.value) and "qpdf --decrypt" in str(error.value)


def test_a_truncated_copy_is_called_truncated() -> None:
    with pytest.raises(CorruptPdfError) as error:
        read_report(truncated_pdf(), "cut.pdf", Settings())
    assert "truncated" in str(error.value)


def test_a_damaged_pdf_is_refused() -> None:
    data = SMALL.read_bytes()
    zeroed = data[:2000] + b"\0" * (len(data) - 4000) + data[-2000:]  # header and trailer intact
    with pytest.raises(CorruptPdfError) as error:
        read_report(zeroed, "x.pdf", Settings())
    assert "page 3 cannot be read" in str(error.value) and "damaged" in str(error.value)
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    with pytest.raises(CorruptPdfError) as error:
        read_report(garbage, "x.pdf", Settings())
    assert "cannot be read" in str(error.value)


def test_a_pdf_with_no_pages_is_refused() -> None:
    with pytest.raises(CorruptPdfError) as error:
        read_report(empty_pdf(), "x.pdf", Settings())
    assert "no page was found" in str(error.value)


def test_more_pages_than_the_limit_are_refused() -> None:
    with pytest.raises(TooManyPagesError) as error:
        load_report(SMALL, Settings(max_pages=15))
    assert "16 pages" in str(error.value) and "EXTRACTOR_MAX_PAGES" in str(error.value)
    assert load_report(SMALL, Settings(max_pages=16)).geometry is not None


def test_the_time_limit_stops_the_reading() -> None:
    with pytest.raises(PdfTimeoutError) as error:
        load_report(SMALL, Settings(pdf_timeout_seconds=1e-9))
    assert "EXTRACTOR_PDF_TIMEOUT_SECONDS" in str(error.value)


def test_blank_pages_among_text_pages_are_no_scan_warning() -> None:
    # putuo_sfj_2026_budget.pdf prints page 3 blank: no text, no image.
    source = load_report(SHANGHAI / "putuo_sfj_2026_budget.pdf", Settings())
    assert source.warnings == []


def test_a_scanned_pdf_exits_1_without_an_output_file(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    out = tmp_path / "scan.json"
    done = run_cli("extract", str(scan), "-o", str(out), "--text-out", str(tmp_path / "scan.txt"), cwd=tmp_path)
    assert done.returncode == 1
    assert "no text layer" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not (tmp_path / "scan.txt").exists()


def test_a_folder_names_each_bad_pdf_and_still_extracts_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.pdf").write_bytes(SMALL.read_bytes())
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    (folder / "cut.pdf").write_bytes(truncated_pdf())
    out = tmp_path / "out"
    done = run_cli("extract", str(folder), "-o", str(out), "--text-out", str(tmp_path / "text"), cwd=tmp_path)
    assert done.returncode == 1
    assert "3 of 4 reports could not be extracted" in done.stderr
    for name in ("scan.pdf", "locked.pdf", "cut.pdf"):
        assert name in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["good.json"]
    assert json.loads((out / "good.json").read_text(encoding="utf-8"))["document"]["encoding"] == "pdf"
    assert sorted(p.name for p in (tmp_path / "text").iterdir()) == ["good.txt"]


def test_check_on_a_pdf_names_the_pages_of_its_findings(tmp_path: Path) -> None:
    from tests.conftest import CORPUS
    from tests.helpers.pdf_builders import Layout, ruled_report_pdf

    # 公开02表 of report 001 with one figure changed: 行政运行 6680.84 -> 6680.94 breaks the
    # sum of 20103 and the row's own sum; the table runs over two pages.
    lines = CORPUS["001"].read_text(encoding="utf-8").split("\n")[128:170]
    planted = [line.replace("2010301\t行政运行\t6680.84", "2010301\t行政运行\t6680.94") for line in lines]
    assert planted != lines
    pdf = tmp_path / "planted.pdf"
    pdf.write_bytes(ruled_report_pdf(planted, Layout(body_bottom=300)))
    done = run_cli("check", str(pdf), "--fail-on", "never", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "┃ page" in done.stdout and "Traceback" not in done.stderr
    source = load_report(pdf, Settings())
    number = next(line.number for line in source.lines if line.text.startswith("2010301\t行政运行"))
    assert source.geometry is not None
    page = source.geometry.line_pages[number - 1]
    assert re.search(rf"│ row_sum\s+│ {number}\s+│ {page}\s+│", done.stdout), done.stdout
