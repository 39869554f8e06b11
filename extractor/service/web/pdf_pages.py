"""A PDF report's pages for the review page: their sizes, PNG renderings
(cached under ``HOME/review-cache``), and the PDF annotated with a box on
every finding's location and a legend page (pypdfium2, no other renderer)."""

from __future__ import annotations

import ctypes
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from extractor.document.pdfium_lock import PDFIUM_LOCK
from extractor.errors import InputError

SEVERITY_RGB = {"error": (200, 30, 30), "warning": (214, 140, 0), "info": (40, 100, 170)}
DISMISSED_RGB = (150, 150, 150)
MAX_SCALE = 3.0


@dataclass(frozen=True)
class PageBox:
    """A box on a page in PDF points, origin top-left (the spans' ``bbox``)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    finding_id: str | None
    severity: str
    label: str
    dismissed: bool = False


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"the stored PDF cannot be opened ({exc}); upload it again") from exc


def page_png(cache_dir: Path, data: bytes, sha256: str, number: int, scale: float) -> bytes:
    """Page ``number`` (1-based) rendered at ``scale`` (1.0 = 72 dpi), from the cache when there."""
    scale = min(max(scale, 0.5), MAX_SCALE)
    target = cache_dir / sha256 / f"page-{number}@{scale:g}.png"
    if target.exists():
        return target.read_bytes()
    with PDFIUM_LOCK:  # PDFium is not thread-safe; requests run in a thread pool
        png = _render(data, number, scale)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".page.", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(png)
    os.replace(tmp, target)
    return png


def _render(data: bytes, number: int, scale: float) -> bytes:
    document = _open(data)
    try:
        if not 1 <= number <= len(document):
            raise InputError(f"the report has {len(document)} pages; page {number} does not exist")
        page = document[number - 1]
        bitmap = page.render(scale=scale)
        buffer = BytesIO()
        bitmap.to_pil().save(buffer, format="PNG", compress_level=1)  # fast to encode; the cache keeps it
        # Closed here, under the lock, not later by the garbage collector in another thread.
        bitmap.close()
        page.close()
        return buffer.getvalue()
    finally:
        document.close()


def _wide(text: str) -> ctypes.Array[ctypes.c_char]:
    return ctypes.create_string_buffer(text.encode("utf-16-le") + b"\x00\x00")


def _add_text(
    document: pdfium.PdfDocument, page: pdfium.PdfPage, font: object, text: str, x: float, y: float, size: float,
    rgb: tuple[int, int, int],
) -> None:
    obj = pdfium_c.FPDFPageObj_CreateTextObj(document.raw, font, ctypes.c_float(size))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(_wide(text), pdfium_c.FPDF_WIDESTRING))
    pdfium_c.FPDFPageObj_SetFillColor(obj, *rgb, 255)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def _ascii(text: str) -> str:
    # The legend uses a standard PDF font (no CJK glyphs): other characters are shown as '?'.
    return text.encode("ascii", "replace").decode("ascii")


def annotated_pdf(data: bytes, boxes: list[PageBox], legend: Sequence[tuple[str, str, str]]) -> bytes:
    """The PDF with a numbered box on every location in ``boxes`` and a last page
    listing ``legend`` entries (label, severity, text)."""
    with PDFIUM_LOCK:  # PDFium is not thread-safe; requests run in a thread pool
        return _annotated(data, boxes, legend)


def _annotated(data: bytes, boxes: list[PageBox], legend: Sequence[tuple[str, str, str]]) -> bytes:
    document = _open(data)
    try:
        font = pdfium_c.FPDFText_LoadStandardFont(document.raw, b"Helvetica")
        by_page: dict[int, list[PageBox]] = {}
        for box in boxes:
            by_page.setdefault(box.page, []).append(box)
        for number, page_boxes in by_page.items():
            if not 1 <= number <= len(document):
                continue
            page = document[number - 1]
            height = page.get_height()
            for box in page_boxes:
                rgb = DISMISSED_RGB if box.dismissed else SEVERITY_RGB.get(box.severity, DISMISSED_RGB)
                width, tall = max(box.x1 - box.x0, 1.0), max(box.bottom - box.top, 1.0)
                rect = pdfium_c.FPDFPageObj_CreateNewRect(
                    ctypes.c_float(box.x0 - 1), ctypes.c_float(height - box.bottom - 1),
                    ctypes.c_float(width + 2), ctypes.c_float(tall + 2),
                )
                pdfium_c.FPDFPageObj_SetStrokeColor(rect, *rgb, 255)
                pdfium_c.FPDFPageObj_SetStrokeWidth(rect, ctypes.c_float(1.2))
                pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_NONE, True)
                pdfium_c.FPDFPage_InsertObject(page.raw, rect)
                _add_text(document, page, font, box.label, box.x1 + 2, height - box.top - 5, 6.5, rgb)
            pdfium_c.FPDFPage_GenerateContent(page.raw)
        _legend_pages(document, font, legend)
        buffer = BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    finally:
        document.close()


def _legend_pages(document: pdfium.PdfDocument, font: object, legend: Sequence[tuple[str, str, str]]) -> None:
    width, height, per_page = 595.0, 842.0, 60
    chunks = [legend[i : i + per_page] for i in range(0, len(legend), per_page)] or [[]]
    for index, chunk in enumerate(chunks):
        page = document.new_page(width, height)
        title = "Findings marked by extractor" + (f" (continued {index + 1})" if index else "")
        _add_text(document, page, font, title, 40, height - 50, 14, (0, 0, 0))
        _add_text(
            document, page, font, "red: error   orange: warning   blue: info   grey: dismissed",
            40, height - 68, 9, (60, 60, 60),
        )
        y = height - 92
        for label, severity, text in chunk:
            rgb = SEVERITY_RGB.get(severity, DISMISSED_RGB) if severity != "dismissed" else DISMISSED_RGB
            _add_text(document, page, font, _ascii(f"[{label}] {text}")[:110], 40, y, 8.5, rgb)
            y -= 12
        pdfium_c.FPDFPage_GenerateContent(page.raw)
