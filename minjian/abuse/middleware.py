"""Response headers every page gets, and the page a person sees when a rate limit refuses."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minjian.abuse.ratelimit import RateLimited


class PermissionsPolicyMiddleware:
    """Sends `settings.MINJIAN_PERMISSIONS_POLICY`: no camera or microphone for any page,
    geolocation only for pages of this site, never for a frame from elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.MINJIAN_PERMISSIONS_POLICY)
        return response


class RateLimitedMiddleware:
    """A `RateLimited` that escapes a page view becomes a 429 page in the reader's language,
    saying when to try again, with a Retry-After header.

    It sits after DomainErrorMiddleware in MIDDLEWARE, so it sees the exception first.
    The API answers in JSON through its own exception handler (minjian/api.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited) or request.path.startswith("/api/"):
            return None
        response = render(request, "abuse/rate_limited.html", {"error": exception}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
