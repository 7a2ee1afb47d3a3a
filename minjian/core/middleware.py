"""Turn a DomainError that escapes a page view into the page a person should see."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minjian.core.errors import DomainError


class DomainErrorMiddleware:
    """NotFound becomes a 404 page, PermissionDenied a 403, any other refusal a 400.

    The API has its own handlers (minjian/api.py) and answers in JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "core/refused.html",
            {"error": exception},
            status=exception.status,
        )
