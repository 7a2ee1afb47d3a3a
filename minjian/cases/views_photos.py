"""A case's photos: every address of a photo is answered here, after its case's door."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from minjian.cases.access import access_photo_by_key
from minjian.cases.models import CasePhoto
from minjian.core.storage import stored_file_response


@require_safe
def photo(request: HttpRequest, key: str, size: str) -> HttpResponseBase:
    if size not in CasePhoto.Size.values:
        raise Http404
    found = access_photo_by_key(request.user, key, grant=request.GET.get("grant", ""))
    return stored_file_response(
        request,
        found.stored_name(size),
        etag=f"{found.key}-{size}",
        public=found.case.is_public,
    )
