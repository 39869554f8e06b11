"""Page and box on every span of an extraction read from a PDF.

Parsers record spans of the text; once the result is complete, each span is given
the page and box its characters are drawn at (:class:`PdfGeometry`), wherever it
sits: table cells, form fields, statements, finding locations.
"""

from __future__ import annotations

from pydantic import BaseModel

from extractor.document.pdf_geometry import PdfGeometry
from schemas import Span


def place_spans(model: BaseModel, geometry: PdfGeometry) -> None:
    """Set ``page`` and ``bbox`` on every :class:`~schemas.Span` inside ``model``, in place."""
    placed: dict[tuple[int, int], Span] = {}  # spans are shared and repeated: place each range once

    def place(span: Span) -> Span:
        key = (span.char_start, span.char_end)
        found = placed.get(key)
        if found is None or found.line_start != span.line_start or found.line_end != span.line_end:
            where = geometry.locate(span.char_start, span.char_end)
            found = span if where is None else span.model_copy(update={"page": where[0], "bbox": where[1]})
            placed[key] = found
        return found

    def visit(value: object) -> object:
        if isinstance(value, Span):
            return place(value)
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                current = getattr(value, name)
                if isinstance(current, (BaseModel, list, dict)):
                    updated = visit(current)
                    if updated is not current:
                        setattr(value, name, updated)
            return value
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (BaseModel, list, dict)):
                    updated = visit(item)
                    if updated is not item:
                        value[index] = updated
            return value
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (BaseModel, list, dict)):
                    updated = visit(item)
                    if updated is not item:
                        value[key] = updated
            return value
        return value

    visit(model)
