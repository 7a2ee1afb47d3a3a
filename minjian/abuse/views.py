"""The challenge endpoint of the proof of work."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from minjian.abuse import proof_of_work


@never_cache
@require_safe
def altcha_challenge(request: HttpRequest) -> JsonResponse:
    """A fresh signed challenge as JSON, fetched by the widget when a form is sent.

    Making one costs the server a single key derivation of `MINJIAN_ALTCHA_COST`
    rounds (under a millisecond at the default), less than rendering a page.
    """
    return JsonResponse(proof_of_work.new_challenge())
