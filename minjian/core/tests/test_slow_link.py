"""Light on a slow link: text answers compressed, static files under hashed names kept by
browsers for a year, a favicon served by us."""

from __future__ import annotations

import gzip
import os
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from minjian.abuse.tests.processes import Browser, Gunicorn
from minjian.accounts.models import User
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

ONE_YEAR = 365 * 24 * 60 * 60


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/", "/cases/", "/api/v1/cases", "/feeds/"])
def test_pages_and_api_answers_are_gzipped_for_a_client_that_accepts_it(
    regions: dict[str, Region], address: str
) -> None:
    make_case(regions["340321"], title="淮河排污" * 20)

    plain = Client().get(address)
    compressed = Client().get(address, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    # The same answer (a page's CSRF token is masked anew each time: its start is alike).
    assert gzip.decompress(compressed.content)[:200] == plain.content[:200]
    assert len(compressed.content) < len(plain.content) / 2


@pytest.mark.django_db
def test_a_readers_own_page_is_compressed_to_different_lengths_against_breach(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    """Django's mitigation ("Heal the Breach"): random bytes in each gzip header of a page
    that can hold a secret of its reader's (her form token). An anonymous page is the same
    for everyone, holds no one's secret, and is compressed once, when it is stored."""
    anonymous = {len(client.get("/cases/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(6)}
    client.force_login(staff)
    her_own = {len(client.get("/cases/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(12)}
    assert len(anonymous) == 1
    assert len(her_own) > 1


@pytest.mark.django_db
def test_photos_are_not_compressed_again(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(regions["340321"], photos=[jpeg_upload(size=(640, 480))])
    photo = case.photos.get()

    answer = client.get(photo.thumbnail_url, HTTP_ACCEPT_ENCODING="gzip")

    assert answer.status_code == 200 and "Content-Encoding" not in answer


def test_the_embedded_default_and_production_serve_static_files_under_hashed_names(
    tmp_path: Path,
) -> None:
    """Under gunicorn with the embedded default's settings (production inherits them) and
    the files `collectstatic` leaves, a page names its stylesheet by a hashed name, which
    browsers may keep a year or more without asking again, compressed as they accept."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MINJIAN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": os.urandom(32).hex(),
    }
    server = Gunicorn(environ, tmp_path / "gunicorn.log")
    try:
        login_page = Browser(server.url).get("/accounts/login/")
        stylesheet = re.search(r'href="(/static/core/site\.[0-9a-f]{12}\.css)"', login_page.text)
        assert stylesheet is not None, login_page.text[:2000]
        request = urllib.request.Request(
            server.url + stylesheet.group(1), headers={"Accept-Encoding": "gzip, br"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            headers = answer.headers
    finally:
        server.stop()

    assert headers["Content-Encoding"] == "br"
    directives = dict(
        part.strip().partition("=")[::2] for part in headers["Cache-Control"].split(",")
    )
    assert int(directives["max-age"]) >= ONE_YEAR and "immutable" in directives


@pytest.mark.django_db
def test_every_page_names_a_favicon_and_the_site_root_answers_for_it(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("core/favicon.svg")

    icon = client.get("/favicon.ico")

    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert Path(settings.WHITENOISE_ROOT, "favicon.ico").stat().st_size < 8 * 1024
