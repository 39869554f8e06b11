"""Where a value stands in the source report."""

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A stretch of the *original* decoded text (before normalisation).

    Lines are 1-based and inclusive; characters are 0-based offsets into the
    whole decoded text, end exclusive, so ``text[char_start:char_end]`` is the
    source of the value. A value whose cell is broken across lines spans all of
    them.

    A report read from a PDF also gives the ``page`` (1-based) and ``bbox`` where the
    value is drawn: ``(x0, top, x1, bottom)`` in PDF points, origin at the page's
    top-left corner (y grows downwards), the union of the glyph boxes of the span's
    characters on its first page. Both are None, and left out of the JSON, for text input.
    """

    model_config = ConfigDict(frozen=True)

    line_start: int = Field(ge=1)
    line_end: int = Field(ge=1)
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    page: int | None = Field(default=None, ge=1, exclude_if=lambda value: value is None)
    bbox: tuple[float, float, float, float] | None = Field(default=None, exclude_if=lambda value: value is None)

    def merge(self, other: "Span") -> "Span":
        """The smallest span covering both (the page and box are set again from the
        characters when the source is a PDF)."""
        return Span(
            line_start=min(self.line_start, other.line_start),
            line_end=max(self.line_end, other.line_end),
            char_start=min(self.char_start, other.char_start),
            char_end=max(self.char_end, other.char_end),
        )
