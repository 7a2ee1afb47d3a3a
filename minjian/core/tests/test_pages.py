"""Every public page: served from this host only, and light enough for a phone on a slow link."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

# Photos excluded, compressed as WhiteNoise serves them.
PAGE_BUDGET_BYTES = 100 * 1024
ASSET = re.compile(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"')
# Links a browser does not load with the page (feeds it offers to subscribe to).
NOT_LOADED = re.compile(r'<link\b[^>]*\brel="alternate"[^>]*>')


@pytest.fixture
def public_paths(regions: dict[str, Region]) -> list[str]:
    case = make_case(
        regions["340321"], latitude="32.94", longitude="117.36", photos=[jpeg_upload()]
    )
    return [
        "/",
        "/cases/",
        "/cases/map/",
        "/cases/report/",
        f"/cases/{case.pk}/",
        "/orgs/",
        "/places/",
        "/places/340000/",
        "/accounts/login/",
        "/accounts/signup/",
        "/api/v1/docs",
    ]


def test_no_page_refers_to_another_host(client: Client, public_paths: list[str]) -> None:
    for path in public_paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert ASSET.findall(text), path
        foreign = [url for url in ASSET.findall(text) if re.match(r"(https?:)?//", url)]
        assert foreign == [], (path, foreign)
        assert "@import" not in text and "fonts.googleapis" not in text


def _weight(url: str) -> int:
    if url.startswith("/cases/photos/"):
        return 0
    assert url.startswith("/static/"), url
    found = finders.find(url.removeprefix("/static/"))
    assert isinstance(found, str), url
    with open(found, "rb") as asset:
        return len(gzip.compress(asset.read()))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_first_load_of_each_page_is_under_100_kb_without_photos(
    client: Client, public_paths: list[str], language: str
) -> None:
    for path in public_paths:
        if path.startswith("/api/"):
            continue  # the API's documentation page is for developers, not readers
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content
        total = len(gzip.compress(html)) + sum(
            _weight(url) for url in set(ASSET.findall(NOT_LOADED.sub("", html.decode())))
        )
        assert total < PAGE_BUDGET_BYTES, (path, total)


def test_every_page_sends_security_headers(client: Client, public_paths: list[str]) -> None:
    response: Any = client.get(public_paths[0])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
