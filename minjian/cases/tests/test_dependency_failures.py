"""No report is lost or half-written when the database goes away or the disk is full:
the reporter gets a clear 503 with Retry-After and can send again."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from PIL import Image

from minjian.abuse.tests.processes import Browser, Gunicorn, free_port
from minjian.cases.models import Case, CaseEvent, CasePhoto, DraftPhoto
from minjian.cases.signals import case_events_written
from minjian.cases.tests.images import jpeg_upload, upload
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.open311.services import open311_key_issue
from minjian.places.models import Region

REPORT = {
    "title": "造纸厂夜里排污",
    "description": "排污口在桥下，每天夜里两点开始。",
    "topic": "environment",
    "region": "340321",
}


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def database_dies_in_the_middle_of_a_report() -> Iterator[None]:
    """Ends this request's PostgreSQL session from outside, as a server restart does,
    once the report's case, its photos' files and rows and its first event are written,
    before the transaction commits."""

    def terminate(sender: Any, events: Sequence[CaseEvent], **kwargs: Any) -> None:
        if not any(event.kind == CaseEvent.Kind.SUBMITTED for event in events):
            return
        pid = connection.connection.info.backend_pid
        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    case_events_written.connect(terminate, dispatch_uid="terminate-backend")
    try:
        yield
    finally:
        case_events_written.disconnect(dispatch_uid="terminate-backend")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("interface", ["api", "web", "open311"])
def test_database_restart_in_the_middle_of_a_report_is_a_503_and_leaves_nothing(
    interface: str,
    regions: dict[str, Region],
    settings: Any,
    database_dies_in_the_middle_of_a_report: None,
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    client = OpenAPICheckingClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    photo = jpeg_upload()
    if interface == "api":
        response = client.post("/api/v1/cases", REPORT | {"photos": [photo]})
        assert response.json()["code"] == "database_unavailable"
    elif interface == "web":
        response = client.post("/cases/report/", REPORT | {"photos": [photo]})
        assert "Back in a moment" in response.text
    else:
        _, api_key = open311_key_issue(name="city app")
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": "environment",
                "description": REPORT["description"],
                "attribute[region]": REPORT["region"],
            },
        )
        assert response.json()[0]["code"] == 503
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    # Nothing half-written: no row, no event, no file but what the web form kept of the
    # reporter's photos in a draft, whole, before filing (row and file: she sends it again
    # with them, or the draft is deleted after some hours).
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    kept = {Path(photo.upload.path) for photo in DraftPhoto.objects.all()}
    assert len(kept) == (1 if interface == "web" else 0)
    assert set(_files_under(Path(settings.MEDIA_ROOT))) == kept


def test_database_out_of_reach_is_a_503_on_every_surface(tmp_path: Path) -> None:
    """Minjian under gunicorn with its database on a port where nothing listens."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MINJIAN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": os.urandom(32).hex(),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/minjian",
    }
    server = Gunicorn(environ, tmp_path / "gunicorn.log")
    try:
        browser = Browser(server.url)
        page = browser.get("/cases/")
        # The default language: Chinese.
        assert page.status == 503 and "请稍候" in page.text
        assert int(page.headers["Retry-After"]) > 0
        api = browser.get("/api/v1/cases")
        assert api.status == 503 and '"code": "database_unavailable"' in api.text
        open311 = browser.get("/open311/v2/requests.xml")
        assert open311.status == 503 and "<code>503</code>" in open311.text
    finally:
        server.stop()


# A full disk, for real: the media folder is a tmpfs of a few kilobytes.


def _noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: larger than the tiny disk."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def full_media_disk(settings: Any, tmp_path: Path) -> Iterator[Path]:
    media = tmp_path / "tiny-disk"
    media.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(media)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(f"mounting a tmpfs needs root, as `make test` runs: {mounted.stderr}")
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=True)


@pytest.mark.django_db
@pytest.mark.parametrize("interface", ["api", "web"])
def test_full_disk_refuses_the_report_clearly_and_leaves_no_partial_file(
    interface: str, regions: dict[str, Region], full_media_disk: Path
) -> None:
    large = upload("large.png", _noise_png(200, 200), "image/png")
    client = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="en")
    if interface == "api":
        response = client.post("/api/v1/cases", REPORT | {"photos": [large]})
        assert response.json()["code"] == "storage_full"
    else:
        response = client.post("/cases/report/", REPORT | {"photos": [large]})
        assert "no room to store photos" in response.text
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert _files_under(full_media_disk) == []
