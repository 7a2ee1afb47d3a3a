"""The one error type of the domain.

Services raise `DomainError`; the API turns it into `{"code", "message", "details"}`
with its HTTP status, and the web turns it into a message next to the form.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import HttpResponse
from django.utils.functional import Promise


class DomainError(Exception):
    """A refused operation: a stable machine `code` and a message for people.

    `message` is usually a lazy translation, so it is rendered in the language
    of whoever reads it.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        status: int = 400,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.details = details or {}


class ServiceUnavailable(DomainError):
    """The server cannot do it now, through no fault of the request (its database is
    restarting, its disk is full): HTTP 503, with the seconds after which to try again."""

    def __init__(self, code: str, message: str | Promise, *, retry_after: int) -> None:
        super().__init__(code, message, status=503, details={"retry_after": retry_after})
        self.retry_after = retry_after


class PermissionDenied(DomainError):
    def __init__(self, message: str | Promise, *, code: str = "forbidden") -> None:
        super().__init__(code, message, status=403)


class NotFound(DomainError):
    def __init__(self, message: str | Promise, *, code: str = "not_found") -> None:
        super().__init__(code, message, status=404)


Response = TypeVar("Response", bound=HttpResponse)


def with_retry_after(response: Response, error: DomainError) -> Response:
    """`response` to `error`, saying in its Retry-After header too when to come back if
    the refusal is a wait (a rate limit, a full disk)."""
    if "retry_after" in error.details:
        response["Retry-After"] = str(error.details["retry_after"])
    return response
