"""Light on a slow link: text answers compressed, static files under hashed names kept by
browsers for a year, a favicon served by us."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region


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
def test_the_same_page_is_compressed_to_different_lengths_against_breach(
    client: Client, regions: dict[str, Region]
) -> None:
    """Django's mitigation ("Heal the Breach"): random bytes in each gzip header."""
    lengths = {len(client.get("/cases/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(12)}
    assert len(lengths) > 1


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
    """`collectstatic` as `make demo` runs it (the embedded default's settings, which
    production inherits) writes hashed names with gzip and Brotli copies; WhiteNoise lets
    browsers keep them a year or more without asking again."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MINJIAN_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    subprocess.run(
        [
            *(sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"),
            # The large vendored bundles no page of ours refers to: their Brotli copies
            # alone take most of a minute.
            *("-i", "swagger*", "-i", "redoc*", "-i", "*-src.*", "-i", "*.esm.*"),
        ],
        cwd=settings.BASE_DIR,
        env=environment | {"MINJIAN_DATA_DIR": str(tmp_path)},
        check=True,
    )
    static_root = tmp_path / "static"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["core/site.css"]
    assert hashed != "core/site.css" and hashed.startswith("core/site.")
    assert (static_root / f"{hashed}.br").exists() and (static_root / f"{hashed}.gz").exists()

    # WhiteNoise answers a name the manifest hashed with "max-age=315360000, public,
    # immutable" (ten years: whitenoise.middleware.WhiteNoiseMiddleware.immutable_file_test).
    assert {Path(name).name for name in manifest["paths"].values()} >= {
        Path(hashed).name,
        Path(manifest["paths"]["core/favicon.svg"]).name,
    }


@pytest.mark.django_db
def test_every_page_names_a_favicon_and_the_site_root_answers_for_it(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("core/favicon.svg")

    icon = client.get("/favicon.ico")

    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert Path(settings.WHITENOISE_ROOT, "favicon.ico").stat().st_size < 8 * 1024
