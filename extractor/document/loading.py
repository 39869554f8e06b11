"""Reading a report file: size, emptiness, binary content and encoding checks."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from charset_normalizer import from_bytes

from extractor.document.pdf_layout import lay_out
from extractor.document.pdf_read import pages_without_text, read_pdf, undecodable_share
from extractor.document.source import SourceText
from extractor.errors import (
    BinaryReportError,
    EmptyReportError,
    EncodingError,
    ReportNotFoundError,
    ReportTooLargeError,
)
from extractor.settings import Settings

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP archive (DOCX/XLSX?)",
    b"\xd0\xcf\x11\xe0": "an OLE document (DOC/XLS?)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
_UNDECODABLE = 0.01  # more characters than this share without Unicode meaning is worth a warning
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def load_report(path: Path, settings: Settings) -> SourceText:
    """Read and decode the report at ``path``.

    Raises a subclass of :class:`~extractor.errors.InputError` with a message
    that says what to do when the file cannot be used.
    """
    if not path.exists():
        raise ReportNotFoundError(f"{path}: no such file. Check the path and try again.")
    if not path.is_file():
        raise ReportNotFoundError(f"{path}: not a file. Pass a report file or a folder of them.")
    size = path.stat().st_size
    if size > settings.max_report_bytes:
        raise ReportTooLargeError(
            f"{path}: {size / 1048576:.1f} MiB is over the {settings.max_report_mb:g} MiB limit; "
            "raise EXTRACTOR_MAX_REPORT_MB if the report is genuine (README: cost per MiB)."
        )
    return read_report(path.read_bytes(), path.name, settings)


def read_report(data: bytes, name: str, settings: Settings) -> SourceText:
    """A report from its bytes: a PDF is read from its text layer, anything else decoded as text."""
    if is_pdf(data):
        return read_pdf_report(data, name, settings)
    return decode_report(data, name)


def is_pdf(data: bytes) -> bool:
    """True when the bytes are a PDF (its signature within the first kilobyte, as readers allow)."""
    return b"%PDF-" in data[:1024]


def read_pdf_report(data: bytes, name: str, settings: Settings) -> SourceText:
    """The text of a PDF report, laid out for the parsers (tables as tab-separated rows),
    with the page and box of every character in ``SourceText.geometry``."""
    started = time.monotonic()
    pages = read_pdf(data, name, settings)
    laid, geometry = lay_out(pages, name, started + settings.pdf_timeout_seconds)
    text = "\n".join(line.text for line in laid)
    source = SourceText.from_text(name, text, hashlib.sha256(data).hexdigest(), "pdf")
    source.geometry = geometry
    undecodable = undecodable_share(pages)
    if undecodable > _UNDECODABLE:
        source.warnings.append(
            f"{undecodable:.0%} of the characters have no Unicode meaning (fonts without a map back to "
            "text): the text is partly unreadable; run OCR on the PDF (e.g. `ocrmypdf --force-ocr -l chi_sim`)"
        )
    scanned = pages_without_text(pages)
    if scanned:
        source.warnings.append(
            f"page(s) {', '.join(map(str, scanned))} have no text layer (scanned?); "
            "their content is missing: run OCR first, e.g. `ocrmypdf -l chi_sim`"
        )
    return source


def decode_report(data: bytes, name: str) -> SourceText:
    """Decode report bytes (UTF-8, or GB18030/GBK) into a :class:`SourceText`."""
    if not data.strip():
        raise EmptyReportError(f"{name}: the file is empty. Extract the report's text first.")
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise BinaryReportError(
                f"{name}: this is {kind}, not text. Convert it to text first (e.g. `pdftotext -layout`)."
            )
    if b"\x00" in data[:65536]:
        raise BinaryReportError(
            f"{name}: the file holds NUL bytes, so it is binary or UTF-16; save it as UTF-8 text."
        )
    text, encoding, warnings = _decode(data, name)
    controls = len(_CONTROL.findall(text, 0, 65536))
    if controls > max(16, len(text[:65536]) // 100):
        raise BinaryReportError(f"{name}: the file looks binary ({controls} control characters).")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sha256 = hashlib.sha256(data).hexdigest()
    source = SourceText.from_text(name, text, sha256, encoding)
    source.warnings.extend(warnings)
    return source


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """The text, its encoding, and what had to be repaired to read it."""
    body, encoding = (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (data, "utf-8")
    for candidate in (encoding, "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            return body.decode(candidate), candidate, []
        except UnicodeDecodeError as error:
            cut = _cut_inside_character(body, candidate, error)
            if cut is not None:
                return cut, candidate, [
                    f"the file ends inside a character ({len(body) - error.start} byte(s) dropped): "
                    "it was cut off; what follows in the original report is missing"
                ]
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise EncodingError(
            f"{name}: cannot tell the text encoding (tried UTF-8 and GB18030). Save the file as UTF-8."
        )
    return str(best), best.encoding, []


def _cut_inside_character(body: bytes, encoding: str, error: UnicodeDecodeError) -> str | None:
    """The text before a multi-byte character the end of the file cut in two, when that
    is the only fault (a truncated download or copy); None for any other error."""
    if len(body) - error.start > 3:  # a character is at most 4 bytes in UTF-8 and GB18030
        return None
    try:
        return body[: error.start].decode(encoding)
    except UnicodeDecodeError:
        return None
