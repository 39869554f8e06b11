"""Reading a PDF's text layer: every glyph with its box, every ruling line, per page.

pypdfium2 (PDFium, Apache-2.0/BSD) reads the file; nothing here knows about tables or
reports. Coordinates are PDF points with the origin at the page's *top-left* corner
(y grows downwards), the way a reader looks at the page.
"""

from __future__ import annotations

import ctypes
import re
import time
from dataclasses import dataclass, field

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from extractor.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    PdfTimeoutError,
    ScannedPdfError,
    TooManyPagesError,
)
from extractor.settings import Settings

# (x0, top, x1, bottom) in points, top-left origin.
Box = tuple[float, float, float, float]

_MIN_RULE = 3.0  # shorter strokes are glyph decoration or noise, not table rules
_THIN = 2.5  # a filled rectangle at most this thick is drawn as a rule
_ALIGNED = 0.8  # a stroke within this of horizontal / vertical counts as such
_EDGE_BAND = 0.15  # text within this share of the page's size from an edge may be clipped away
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")
_TRAILER_WINDOW = 2048  # %%EOF must appear within the file's last bytes
_SCANNED_SHARE = 0.3  # a page without text whose images cover this share of it is a scan


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character drawn on a page."""

    char: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class Rule:
    """An axis-aligned ruling line: horizontal when ``y0 == y1``, else vertical."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y0 == self.y1


@dataclass
class PdfPage:
    """What one page draws: glyphs in content order and ruling lines."""

    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    image_area: float = 0.0  # square points covered by images (a scanned page is one image)


def read_pdf(data: bytes, name: str, settings: Settings) -> list[PdfPage]:
    """The pages of the PDF in ``data``, glyphs and rules read.

    Raises a :class:`~extractor.errors.PdfError` subclass for a truncated, corrupt or
    password-protected file, one with more pages than ``settings.max_pages``, one whose
    reading exceeds ``settings.pdf_timeout_seconds``, and one without a text layer.
    """
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise CorruptPdfError(
            f"{name}: the PDF is truncated (it has no end-of-file marker); download or copy it again."
        )
    started = time.monotonic()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError(
                f"{name}: the PDF is password-protected; save an unprotected copy "
                "(e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and extract that."
            ) from error
        if not _PAGE_OBJECT.search(data) and b"/ObjStm" not in data:
            # PDFium refuses a document without pages as malformed; say what is wrong with it.
            raise CorruptPdfError(
                f"{name}: the PDF cannot be read: no page was found in it (an empty or damaged file)."
            ) from error
        raise CorruptPdfError(f"{name}: the PDF cannot be read ({error}); it is damaged or not a PDF.") from error
    try:
        count = len(document)
        if count == 0:
            raise CorruptPdfError(f"{name}: the PDF has no pages; there is nothing to extract.")
        if count > settings.max_pages:
            raise TooManyPagesError(
                f"{name}: {count} pages is over the {settings.max_pages}-page limit; "
                "raise EXTRACTOR_MAX_PAGES if the report is genuine."
            )
        pages = []
        for index in range(count):
            if time.monotonic() - started > settings.pdf_timeout_seconds:
                raise PdfTimeoutError(
                    f"{name}: reading stopped at page {index + 1} of {count} after "
                    f"{settings.pdf_timeout_seconds:g} s; raise EXTRACTOR_PDF_TIMEOUT_SECONDS if the file is genuine."
                )
            try:
                pages.append(_read_page(document, index))
            except pdfium.PdfiumError as error:
                raise CorruptPdfError(
                    f"{name}: page {index + 1} cannot be read ({error}); the PDF is damaged. "
                    "Download or export it again."
                ) from error
    finally:
        document.close()
    if not any(_has_text(page) for page in pages):
        raise ScannedPdfError(
            f"{name}: the PDF has no text layer (a scan or images of pages). Run OCR first, e.g. "
            "`ocrmypdf -l chi_sim in.pdf out.pdf`, then extract the OCRed PDF."
        )
    return pages


def pages_without_text(pages: list[PdfPage]) -> list[int]:
    """Numbers of the pages that show an image over much of the page and no text:
    scanned pages among text ones (blank pages are not counted)."""
    return [
        page.number
        for page in pages
        if not _has_text(page) and page.image_area >= _SCANNED_SHARE * page.width * page.height
    ]


def _has_text(page: PdfPage) -> bool:
    return any(not glyph.char.isspace() for glyph in page.glyphs)


def _read_page(document: pdfium.PdfDocument, index: int) -> PdfPage:
    page = document[index]
    try:
        width, height = page.get_size()
        result = PdfPage(number=index + 1, width=width, height=height)
        result.rules, hidden, result.image_area = _scan_objects(page, width, height)
        textpage = page.get_textpage()
        try:
            result.glyphs = _glyphs(textpage, width, height, hidden)
        finally:
            textpage.close()
        return result
    finally:
        page.close()


def _glyphs(textpage: pdfium.PdfTextPage, width: float, height: float, hidden: set[int]) -> list[Glyph]:
    """The page's drawn characters; those outside the page or clipped away are left out."""
    handle = textpage.raw
    rect = pdfium_c.FS_RECTF()
    pointer = ctypes.byref(rect)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    generated = pdfium_c.FPDFText_IsGenerated
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    text_object = pdfium_c.FPDFText_GetTextObject
    glyphs: list[Glyph] = []
    for i in range(textpage.count_chars()):
        code = get_unicode(handle, i)
        # Generated characters are PDFium's guesses at spaces and line ends, not drawn.
        if code in (0, 0xFFFE, 0xFFFF, 10, 13) or generated(handle, i) == 1:
            continue
        if not loose_box(handle, i, pointer):
            continue
        cx, cy = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
        if not (0 <= cx <= width and 0 <= cy <= height):
            continue
        if hidden and (ctypes.cast(text_object(handle, i), ctypes.c_void_p).value or 0) in hidden:
            continue
        char = chr(code) if code < 0xD800 or code > 0xDFFF else "\ufffd"
        glyphs.append(Glyph(char, rect.left, height - rect.top, rect.right, height - rect.bottom))
    return glyphs


def _scan_objects(page: pdfium.PdfPage, width: float, height: float) -> tuple[list[Rule], set[int], float]:
    """The page's ruling lines, the area its images cover, and the addresses of the text objects a clipping path
    hides (text drawn in the margin and clipped away, as some writers leave the previous
    page's tail there). One pass over the page objects through PDFium's C API: the
    Python wrappers cost more than the reading itself on pages of many objects."""
    rules: list[Rule] = []
    hidden: set[int] = set()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = [ctypes.byref(v) for v in (left, bottom, right, top)]
    band_x, band_y = width * _EDGE_BAND, height * _EDGE_BAND
    get_object = pdfium_c.FPDFPage_GetObject
    get_type = pdfium_c.FPDFPageObj_GetType
    get_bounds = pdfium_c.FPDFPageObj_GetBounds
    text_type, path_type = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH
    image_type = pdfium_c.FPDF_PAGEOBJ_IMAGE
    image_area = 0.0
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = get_object(page.raw, index)
        kind = get_type(obj)
        if kind not in (text_type, path_type, image_type) or not get_bounds(obj, *bounds):
            continue
        box = (left.value, bottom.value, right.value, top.value)
        if kind == image_type:
            shown_width = max(0.0, min(box[2], width) - max(box[0], 0.0))
            image_area += shown_width * max(0.0, min(box[3], height) - max(box[1], 0.0))
        elif kind == path_type:
            _path_rules(obj, box, height, rules)
        elif not (band_x < box[0] and box[2] < width - band_x and band_y < box[1] and box[3] < height - band_y):
            if _clipped_away(obj, box):
                hidden.add(ctypes.cast(obj, ctypes.c_void_p).value or 0)
    return rules, hidden, image_area


def _clipped_away(obj: ctypes.c_void_p, box: tuple[float, float, float, float]) -> bool:
    """True when the object's centre lies outside every path of its clipping path."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return False
    x = ctypes.c_float()
    y = ctypes.c_float()
    xs: list[float] = []
    ys: list[float] = []
    for path in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        for index in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, path)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, path, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            xs.append(x.value)
            ys.append(y.value)
    if not xs:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return not (min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys))


def _path_rules(obj: ctypes.c_void_p, box: tuple[float, float, float, float], height: float, rules: list[Rule]) -> None:
    """Axis-aligned strokes and thin filled rectangles of one path object."""
    left, bottom, right, top = box
    if right - left < _MIN_RULE and top - bottom < _MIN_RULE:
        return
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not stroke.value:
        # A filled shape is a rule only when thin; wider fills are shading or backgrounds.
        if fill.value and top - bottom <= _THIN and right - left >= _MIN_RULE:
            middle = height - (top + bottom) / 2
            rules.append(Rule(left, middle, right, middle))
        elif fill.value and right - left <= _THIN and top - bottom >= _MIN_RULE:
            middle = (left + right) / 2
            rules.append(Rule(middle, height - top, middle, height - bottom))
        return
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x = ctypes.c_float()
    y = ctypes.c_float()
    previous: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or previous is None:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _add_stroke(rules, previous, point)
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_stroke(rules, point, start)


def _add_stroke(rules: list[Rule], a: tuple[float, float], b: tuple[float, float]) -> None:
    (xa, ya), (xb, yb) = a, b
    if abs(ya - yb) <= _ALIGNED and abs(xa - xb) >= _MIN_RULE:
        middle = (ya + yb) / 2
        rules.append(Rule(min(xa, xb), middle, max(xa, xb), middle))
    elif abs(xa - xb) <= _ALIGNED and abs(ya - yb) >= _MIN_RULE:
        middle = (xa + xb) / 2
        rules.append(Rule(middle, min(ya, yb), middle, max(ya, yb)))
