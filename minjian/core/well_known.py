"""`/.well-known/minjian.json`: what another instance, a mirror or a reader needs to know
about this instance before trusting what it signs: where it is, its API and its public key."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from minjian.core import signing

# Short: a reader sees a replaced key within minutes, and the document costs nothing to make.
MAX_AGE_SECONDS = 300


@require_safe
@cache_control(public=True, max_age=MAX_AGE_SECONDS)
def instance_document(request: HttpRequest) -> JsonResponse:
    base_url = settings.MINJIAN_SITE_URL.rstrip("/") + "/"
    response = JsonResponse(
        {
            "base_url": base_url,
            "api": urljoin(base_url, reverse("api:api-root")),
            "signing_key": {
                "algorithm": signing.ALGORITHM,
                "key_id": signing.key_id(),
                "public_key": signing.public_key_base64url(),
                "public_key_pem": signing.public_key_pem(),
            },
        },
        json_dumps_params={"indent": 2},
    )
    # Another instance's pages may read it from the browser, as mirrors' checks do.
    response["Access-Control-Allow-Origin"] = "*"
    return response
