"""The one exception tree of the CMS; each error carries its contract code."""

from __future__ import annotations


class CMSError(Exception):
    """An error whose message is safe to show to the caller."""

    code = "INTERNAL"

    def __init__(self, message: str, *, extensions: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions or {}


class InvalidInput(CMSError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, extensions={"field": field} if field else None)
        self.field = field


class NotFound(CMSError):
    code = "NOT_FOUND"


class Unauthenticated(CMSError):
    code = "UNAUTHENTICATED"


class Forbidden(CMSError):
    code = "FORBIDDEN"


class Conflict(CMSError):
    code = "CONFLICT"


class RateLimited(CMSError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, extensions={"retryAfter": retry_after_s})
        self.retry_after_s = retry_after_s


class QueryTooComplex(CMSError):
    code = "QUERY_TOO_COMPLEX"
