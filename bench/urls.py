"""The product's URLs plus the baselines benchmarks compare with.

- `/bench/bare/`: what Django costs with no query and no template (every page's baseline).
- `/bench/upload/`: a bare upload: the same multipart body as a report, every file read,
  answered 201 (the baseline of a report's acceptance, `bench/report_surge.py`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


def bare_view(request: HttpRequest) -> HttpResponse:
    """What Django costs with no query and no template: the same middleware, a tiny body."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bare_upload_view(request: HttpRequest) -> HttpResponse:
    """Parse the multipart body and read every file: what any upload costs before its work."""
    read = sum(len(upload.read()) for upload in request.FILES.getlist("photos"))
    return HttpResponse(str(read), status=201, content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_view),
    path("bench/upload/", bare_upload_view),
    path("", include("config.urls")),
]
