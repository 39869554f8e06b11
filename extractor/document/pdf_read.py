"""Reading a PDF's text layer: every glyph with its box, every ruling line, per page.

pypdfium2 (PDFium, Apache-2.0/BSD) reads the file; nothing here knows about tables or
reports. Coordinates are PDF points with the origin at the page's *top-left* corner
(y grows downwards), the way a reader looks at the page.
"""

from __future__ import annotations

import ctypes
import re
import time
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from extractor.document.pdfium_lock import PDFIUM_LOCK
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
_EDGE_BAND = 0.15  # text within this share of the page's height from its top or bottom may be clipped away
# Word and WPS often map a character's glyph to its Kangxi radical or a compatibility
# ideograph (⽀ U+2F40 for 支): read as the unified ideograph, the way the text says it.
_COMPATIBLE = {
    code: folded
    for block in (range(0x2E80, 0x2FE0), range(0xF900, 0xFB00))
    for code in block
    if len(folded := unicodedata.normalize("NFKC", chr(code))) == 1 and folded != chr(code)
}
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
    with PDFIUM_LOCK:  # PDFium is not thread-safe (pdfium_lock)
        started = time.monotonic()  # the time limit counts the reading, not the wait for the lock
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
                        f"{settings.pdf_timeout_seconds:g} s; raise EXTRACTOR_PDF_TIMEOUT_SECONDS if the file "
                        "is genuine."
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


def undecodable_share(pages: list[PdfPage]) -> float:
    """The share of drawn characters without a Unicode meaning (private-use codes, U+FFFD):
    glyphs of a font that carries no map back to text."""
    drawn = [glyph.char for page in pages for glyph in page.glyphs if not glyph.char.isspace()]
    if not drawn:
        return 0.0
    return sum(1 for char in drawn if char == "\ufffd" or "\ue000" <= char <= "\uf8ff") / len(drawn)


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
        rotation = page.get_rotation() % 360
        shown_width, shown_height = page.get_size()  # as displayed, i.e. after /Rotate
        width, height = (shown_height, shown_width) if rotation in (90, 270) else (shown_width, shown_height)
        result = PdfPage(number=index + 1, width=width, height=height)
        result.rules, result.image_area = _scan_objects(page, width, height)
        textpage = page.get_textpage()
        try:
            result.glyphs = _glyphs(textpage, width, height)
        finally:
            textpage.close()
        return _rotated(result, rotation) if rotation in (90, 180, 270) else result
    finally:
        page.close()


def _rotated(page: PdfPage, rotation: int) -> PdfPage:
    """The page as a reader sees it when the PDF asks for it turned (``/Rotate``): PDFium
    gives glyphs and paths in the unturned page's coordinates."""
    width, height = page.width, page.height

    def turn(x: float, top: float) -> tuple[float, float]:
        if rotation == 90:  # clockwise
            return height - top, x
        if rotation == 180:
            return width - x, height - top
        return top, width - x

    def box(x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = turn(x0, top), turn(x1, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    turned = PdfPage(
        number=page.number,
        width=height if rotation in (90, 270) else width,
        height=width if rotation in (90, 270) else height,
        image_area=page.image_area,
    )
    turned.glyphs = [Glyph(g.char, *box(g.x0, g.top, g.x1, g.bottom)) for g in page.glyphs]
    for rule in page.rules:
        x0, y0, x1, y1 = box(rule.x0, rule.y0, rule.x1, rule.y1)
        # A rule stays a line: collapse the thin side exactly, as Rule.horizontal expects.
        turned.rules.append(Rule(x0, y0, x1, y0) if y1 - y0 < x1 - x0 else Rule(x0, y0, x0, y1))
    return turned


def _glyphs(textpage: pdfium.PdfTextPage, width: float, height: float) -> list[Glyph]:
    """The page's drawn characters; those outside the page or clipped away are left out."""
    handle = textpage.raw
    rect = pdfium_c.FS_RECTF()
    pointer = ctypes.byref(rect)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    generated = pdfium_c.FPDFText_IsGenerated
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    band_top, band_bottom = height * _EDGE_BAND, height * (1 - _EDGE_BAND)
    glyphs: list[Glyph] = []
    in_band: list[tuple[int, int]] = []  # (glyph, character index) near the top or bottom edge
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
        if cy < band_top or cy > band_bottom:
            in_band.append((len(glyphs), i))
        char = _COMPATIBLE.get(code) or (chr(code) if code < 0xD800 or code > 0xDFFF else "\ufffd")
        glyphs.append(Glyph(char, rect.left, height - rect.top, rect.right, height - rect.bottom))
    hidden = _clipped_glyphs(handle, in_band)
    return [glyph for index, glyph in enumerate(glyphs) if index not in hidden] if hidden else glyphs


def _clipped_glyphs(handle: ctypes.c_void_p, in_band: list[tuple[int, int]]) -> set[int]:
    """Which of the glyphs near the page's top or bottom edge a clipping path hides (text drawn
    in the margin and clipped away, as some writers leave the previous page's tail there).
    Only text near those edges is checked: clipping to the body's frame is what hides text."""
    verdicts: dict[int, bool] = {}  # text object address -> clipped away
    hidden: set[int] = set()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = [ctypes.byref(v) for v in (left, bottom, right, top)]
    for glyph, char in in_band:
        obj = pdfium_c.FPDFText_GetTextObject(handle, char)
        address = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if address not in verdicts:
            verdicts[address] = bool(address) and bool(pdfium_c.FPDFPageObj_GetBounds(obj, *bounds)) and (
                _clipped_away(obj, (left.value, bottom.value, right.value, top.value))
            )
        if verdicts[address]:
            hidden.add(glyph)
    return hidden


def _scan_objects(page: pdfium.PdfPage, width: float, height: float) -> tuple[list[Rule], float]:
    """The page's ruling lines and the area its images cover. One pass over the page objects
    through PDFium's C API: the Python wrappers cost more than the reading itself on pages
    of many objects."""
    rules: list[Rule] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = [ctypes.byref(v) for v in (left, bottom, right, top)]
    get_object = pdfium_c.FPDFPage_GetObject
    get_type = pdfium_c.FPDFPageObj_GetType
    get_bounds = pdfium_c.FPDFPageObj_GetBounds
    path_type, image_type = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE
    form_type = pdfium_c.FPDF_PAGEOBJ_FORM
    image_area = 0.0
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = get_object(page.raw, index)
        kind = get_type(obj)
        if kind == form_type:
            _form_rules(obj, _matrix(obj), height, rules, 1)
            continue
        if kind not in (path_type, image_type) or not get_bounds(obj, *bounds):
            continue
        box = (left.value, bottom.value, right.value, top.value)
        if kind == image_type:
            shown_width = max(0.0, min(box[2], width) - max(box[0], 0.0))
            image_area += shown_width * max(0.0, min(box[3], height) - max(box[1], 0.0))
        elif box[2] - box[0] >= _MIN_RULE or box[3] - box[1] >= _MIN_RULE:  # dots and glyph bits are no rules
            _path_rules(obj, _matrix(obj), height, rules)
    return rules, image_area


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


Matrix = tuple[float, float, float, float, float, float]  # PDF's [a b c d e f]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FORM_DEPTH = 4  # form XObjects nested deeper than this are not searched for rules


def _matrix(obj: ctypes.c_void_p) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    return matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """``inner`` applied first, then ``outer``."""
    ao, bo, co, do, eo, fo = outer
    ai, bi, ci, di, ei, fi = inner
    return (
        ao * ai + co * bi, bo * ai + do * bi, ao * ci + co * di, bo * ci + do * di,
        ao * ei + co * fi + eo, bo * ei + do * fi + fo,
    )


def _form_rules(form: ctypes.c_void_p, outer: Matrix, height: float, rules: list[Rule], depth: int) -> None:
    """Rules drawn inside a form XObject (some writers wrap a whole page in one)."""
    for index in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_rules(obj, _compose(outer, _matrix(obj)), height, rules)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH:
            _form_rules(obj, _compose(outer, _matrix(obj)), height, rules, depth + 1)


def _path_rules(obj: ctypes.c_void_p, matrix: Matrix, height: float, rules: list[Rule]) -> None:
    """Axis-aligned strokes and thin filled rectangles of one path object, in page space
    through ``matrix`` (top-left origin)."""
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not fill.value and not stroke.value:
        return  # drawn invisibly (a clipping or construction path)
    a, b, c, d, e, f = matrix
    x = ctypes.c_float()
    y = ctypes.c_float()
    points: list[tuple[float, float]] = []
    strokes: list[tuple[tuple[float, float], tuple[float, float]]] = []
    previous: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        points.append(point)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or previous is None:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            strokes.append((previous, point))
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            strokes.append((point, start))
    if not points:
        return
    if stroke.value:
        for first, second in strokes:
            _add_stroke(rules, first, second)
        return
    # A filled shape is a rule only when thin; wider fills are shading or backgrounds.
    left, right = min(p[0] for p in points), max(p[0] for p in points)
    top, bottom = min(p[1] for p in points), max(p[1] for p in points)
    if bottom - top <= _THIN and right - left >= _MIN_RULE:
        middle = (top + bottom) / 2
        rules.append(Rule(left, middle, right, middle))
    elif right - left <= _THIN and bottom - top >= _MIN_RULE:
        middle = (left + right) / 2
        rules.append(Rule(middle, top, middle, bottom))


def _add_stroke(rules: list[Rule], a: tuple[float, float], b: tuple[float, float]) -> None:
    (xa, ya), (xb, yb) = a, b
    if abs(ya - yb) <= _ALIGNED and abs(xa - xb) >= _MIN_RULE:
        middle = (ya + yb) / 2
        rules.append(Rule(min(xa, xb), middle, max(xa, xb), middle))
    elif abs(xa - xb) <= _ALIGNED and abs(ya - yb) >= _MIN_RULE:
        middle = (xa + xb) / 2
        rules.append(Rule(middle, min(ya, yb), middle, max(ya, yb)))
