"""The error hierarchy. Every message says what went wrong and what to do."""


class ExtractorError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ExtractorError):
    """The report given cannot be read as a disclosure report."""


class ReportNotFoundError(InputError):
    """The path does not exist or is not a file."""


class EmptyReportError(InputError):
    """The file holds no text."""


class BinaryReportError(InputError):
    """The file is binary (a PDF, an image, an archive), not extracted text."""


class EncodingError(InputError):
    """The bytes decode as neither UTF-8 nor GB18030/GBK."""


class ReportTooLargeError(InputError):
    """The file is larger than the configured limit."""


class ConfigError(ExtractorError):
    """A setting is missing or inconsistent."""


class LLMError(ExtractorError):
    """A language-model call failed for good (after retries)."""


class OutputError(ExtractorError):
    """An output file could not be written."""


class PdfError(InputError):
    """A PDF that cannot be read: its message says why and what to do."""


class ScannedPdfError(PdfError):
    """The PDF has no text layer (a scan): it needs OCR first."""


class EncryptedPdfError(PdfError):
    """The PDF needs a password to open."""


class CorruptPdfError(PdfError):
    """The PDF is truncated, damaged, or has no pages."""


class TooManyPagesError(PdfError):
    """The PDF has more pages than ``EXTRACTOR_MAX_PAGES``."""


class PdfTimeoutError(PdfError):
    """Reading the PDF took longer than ``EXTRACTOR_PDF_TIMEOUT_SECONDS``."""


class NotAReportError(InputError):
    """The text reads, but holds nothing of a disclosure report (status ``not_a_report``)."""

    status = "not_a_report"


class MemoryLimitError(ExtractorError):
    """One extraction needed more memory than ``EXTRACTOR_MAX_MEMORY_MB`` allows."""
