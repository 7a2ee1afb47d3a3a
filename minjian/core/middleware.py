"""Middleware of the core: clean input at the edge, turn a DomainError that escapes a
page view into the page a person should see, and compress text answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError, NotFound, with_retry_after
from minjian.core.text import clean_text, has_unwanted_characters

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_json(error: DomainError) -> JsonResponse:
    """The API's error body, `{"code", "message", "details"}`, for refusals made before
    the API's own handlers (minjian/api.py) are reached."""
    details = dict(error.details)
    if error.field:
        details.setdefault("field", error.field)
    return JsonResponse(
        {"code": error.code, "message": str(error.message), "details": details},
        status=error.status,
        json_dumps_params={"ensure_ascii": False},
    )


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal in the form its reader expects: JSON for the API, a page for people."""
    if is_api_request(request):
        return error_json(error)
    return render(request, "core/refused.html", {"error": error}, status=error.status)


def _cleaned(data: _ImmutableQueryDict) -> _ImmutableQueryDict:
    if not any(
        has_unwanted_characters(key) or "\r" in key or any(_needs_cleaning(v) for v in values)
        for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)


def _needs_cleaning(value: str) -> bool:
    return "\r" in value or has_unwanted_characters(value)


def unreadable_input_refusal(error: Exception) -> DomainError:
    """The refusal of what was sent when Django cannot read it: too many files or fields,
    too large, or a malformed form."""
    if isinstance(error, TooManyFilesSent):
        return DomainError(
            "too_many_files",
            _("Too many files were sent at once. A report takes at most 10 photos."),
            field="photos",
        )
    if isinstance(error, TooManyFieldsSent):
        return DomainError("too_many_fields", _("Too many fields were sent at once."))
    if isinstance(error, RequestDataTooBig):
        return DomainError(
            "request_too_large", _("What was sent is too large to be read."), status=413
        )
    return DomainError("unreadable_form", _("The form data sent could not be read."))


class CleanInputMiddleware:
    """Text from outside passes `minjian.core.text.clean_text` before any view reads it.

    Every query string parameter and form field (names and values) is cleaned, so
    the web, the API's query and form input and Open311 share one rule; JSON bodies
    are cleaned by the API's input schemas (`minjian.core.schemas.InputSchema`). A
    path with such characters names no page (404). A request whose query string or
    form cannot be read (more than DATA_UPLOAD_MAX_NUMBER_FILES files, too many fields,
    too large, malformed multipart) is refused here with a stable code: JSON for the
    API, the refusal page for people; Django would otherwise answer a bare 400 or a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_unwanted_characters(request.path_info):
            return refusal_response(request, NotFound(_("Not found.")))
        try:
            query = request.GET
            post = request.POST
        except (
            TooManyFilesSent,
            TooManyFieldsSent,
            RequestDataTooBig,
            MultiPartParserError,
        ) as error:
            # Nothing that was sent is kept: a view (or the page) must not see half of it.
            request.GET = QueryDict()
            request._post = QueryDict()  # type: ignore[attr-defined]  # HttpRequest's cache
            request._files = MultiValueDict()  # type: ignore[attr-defined]  # of the parsed form
            return refusal_response(request, unreadable_input_refusal(error))
        request.GET = _cleaned(query)
        request.POST = _cleaned(post)
        return self.get_response(request)


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
        return with_retry_after(
            render(request, "core/refused.html", {"error": exception}, status=exception.status),
            exception,
        )


# What is worth compressing: text. Photos are JPEG already, and gzip over a streamed
# photo would cost CPU and drop its Content-Length for nothing.
_COMPRESSED_TYPES = frozenset(
    {"application/json", "application/xml", "application/javascript", "image/svg+xml"}
)


def is_compressible(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in _COMPRESSED_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class CompressedTextMiddleware(GZipMiddleware):
    """Pages, feeds, API answers and downloads are sent gzipped to a client that accepts it.

    Static files are not this middleware's: WhiteNoise answers them before it, from the
    gzip and Brotli copies `collectstatic` made. Django's own GZipMiddleware does the
    work, because it mitigates BREACH (docs/deploy.md, "Compression"): each answer's
    gzip header carries up to 100 random bytes ("Heal the Breach"), so that the length
    an eavesdropper sees no longer tells whether a guess matched a secret on the page.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_compressible(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
