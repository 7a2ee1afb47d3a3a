"""A case's photos: every address of a photo is answered here, after its case's door;
and the preview of a photo the reporter has chosen but not sent, which her browser
cannot show itself (HEIC on most browsers but Safari)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minjian.abuse import ratelimit
from minjian.cases.access import access_photo_by_key
from minjian.cases.models import CasePhoto
from minjian.cases.photos import check_photo
from minjian.core.errors import DomainError
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
        # A held photo, which only moderators see, is never kept by a shared cache.
        public=found.case.is_public and not found.held,
    )


@require_POST
def photo_preview(request: HttpRequest) -> HttpResponse:
    """A small upright JPEG of one photo the report form is about to send, made by the
    same check the report makes (`photos.check_photo`), so that the reporter sees it and
    can draw her blur boxes on it (cases/blur-boxes.js). Nothing is kept. A refusal is
    its message as plain text, in her language."""
    upload = request.FILES.get("photo")
    try:
        ratelimit.limit_requester(request, "photo_preview", user=request.user)
        if upload is None:
            raise DomainError("photo_required", _("Choose a photo."), field="photo")
        checked = check_photo(
            upload, name=upload.name or "", size=upload.size or 0, with_preview=True
        )
    except DomainError as refused:
        response = HttpResponse(
            str(refused.message), status=refused.status, content_type="text/plain; charset=utf-8"
        )
    else:
        response = HttpResponse(checked.preview, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response
