"""Broken PDFs built in the tests: a scan without a text layer, encrypted, empty, truncated."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from pypdf import PdfReader, PdfWriter

SHANGHAI = Path(__file__).resolve().parent.parent.parent / "samples" / "shanghai"
SMALL = SHANGHAI / "putuo_fuliyuan_2024_unit_budget.pdf"  # 16 pages


def scanned_pdf() -> bytes:
    """Page 1 of a real report rendered to an image and wrapped as a PDF: no text layer."""
    document = pdfium.PdfDocument(str(SMALL))
    try:
        image = document[0].render(scale=100 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=100.0)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(SMALL))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def empty_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    data = SMALL.read_bytes()
    return data[: len(data) // 2]
