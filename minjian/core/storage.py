"""Answering with a stored file once a view has decided who may have it.

Nothing in media storage is reachable at an address of its own: a view checks access
on every request, then hands the file over the fastest way the deployment offers
(`MINJIAN_MEDIA_SERVING`):

- "django": Minjian streams the file (the embedded default; gunicorn uses sendfile).
- "x-accel-redirect": the answer names an internal location of nginx, which sends the
  file itself (`MINJIAN_MEDIA_INTERNAL_PREFIX`, see docs/deploy.md).
- "x-sendfile": the same for Apache's mod_xsendfile and lighttpd, by path.
- "signed-redirect" (S3): a redirect to a signed address of the private bucket that
  expires after `MINJIAN_MEDIA_URL_SECONDS`.

The file's own address is never cached by a shared cache; a browser keeps a public
file `SHARED_FILE_SECONDS` and a private one not at all.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags

# How long a browser may reuse a file anyone may see without asking again. Only that
# browser: `private` keeps proxies from holding a copy once the file is withdrawn.
SHARED_FILE_SECONDS = 600


def stored_file_response(
    request: HttpRequest, name: str, *, etag: str, public: bool
) -> HttpResponseBase:
    """The answer that gives `name` from default storage to this request.

    `etag` identifies the content (stored files here never change under a name);
    `public` says whether anyone may see the file, or only this viewer.
    """
    cache_control = f"private, max-age={SHARED_FILE_SECONDS}" if public else "private, no-store"
    quoted_etag = f'"{etag}"'
    response: HttpResponseBase
    if quoted_etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    else:
        response = _file_response(name)
    response["ETag"] = quoted_etag
    response["Cache-Control"] = (
        "private, no-store" if isinstance(response, HttpResponseRedirect) else cache_control
    )
    return response


def _file_response(name: str) -> HttpResponseBase:
    mode = settings.MINJIAN_MEDIA_SERVING
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if mode == "django":
        try:
            stored = default_storage.open(name, "rb")
        except FileNotFoundError:
            # A row names a file the storage lost (a disk restored without it, a generated
            # instance's photo): there is nothing to give, which is not the server failing.
            raise Http404(name) from None
        return FileResponse(stored, content_type=content_type)
    if mode == "signed-redirect":
        return HttpResponseRedirect(
            default_storage.url(name, expire=settings.MINJIAN_MEDIA_URL_SECONDS)  # type: ignore[call-arg]  # S3Storage.url takes `expire`; Storage's stub does not
        )
    response = HttpResponse(content_type=content_type)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.MINJIAN_MEDIA_INTERNAL_PREFIX + quote(name)
    elif mode == "x-sendfile":
        response["X-Sendfile"] = default_storage.path(name)
    else:
        raise ImproperlyConfigured(
            f"MINJIAN_MEDIA_SERVING is {mode!r}; use django, x-accel-redirect or x-sendfile."
        )
    return response
