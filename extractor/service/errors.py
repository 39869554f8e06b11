"""Errors of the service, each with the HTTP status and the short code it answers with."""

from __future__ import annotations

from extractor.errors import ExtractorError


class ServiceError(ExtractorError):
    """A request the service refuses; ``status`` and ``code`` go into the JSON body."""

    status = 400
    code = "bad_request"


class UnauthorizedError(ServiceError):
    status = 401
    code = "unauthorized"


class NotFoundError(ServiceError):
    status = 404
    code = "not_found"


class ConflictError(ServiceError):
    status = 409
    code = "conflict"


class NotReadyError(ConflictError):
    code = "not_ready"


class UploadTooLargeError(ServiceError):
    status = 413
    code = "upload_too_large"


class QueueFullError(ServiceError):
    status = 429
    code = "too_many_queued_jobs"
