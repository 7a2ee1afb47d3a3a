"""Upgrading an instance: photos stored under countable names get a key and move (0005);
photos prepared before the small copy existed get one (0006)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image

from minjian.cases.models import CasePhoto
from minjian.cases.photos import SMALL_SIDE
from minjian.cases.tests.images import image_bytes
from minjian.places.models import Region

BEFORE = [("cases", "0004_organisation_events")]
AFTER = [("cases", "0005_photos_follow_their_case")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema() -> Any:
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_gives_old_photos_keys_and_moves_their_files(
    regions: dict[str, Region], settings: Any, back_to_the_latest_schema: None
) -> None:
    old = _migrate(BEFORE)
    case = old.get_model("cases", "Case").objects.create(
        title="t",
        description="d",
        topic=old.get_model("topics", "Topic").objects.get(slug="environment"),
        region=old.get_model("places", "Region").objects.get(code="340321"),
        state="published",
        published_at=timezone.now(),
    )
    names = [f"cases/2026/11/case-{case.pk}-0.jpg", f"cases/2026/11/thumbs/case-{case.pk}-0.jpg"]
    for name in names:
        default_storage.save(name, ContentFile(image_bytes("JPEG")))
    old.get_model("cases", "CasePhoto").objects.create(
        case=case, image=names[0], thumbnail=names[1], width=64, height=48
    )

    new = _migrate(AFTER)

    photo = new.get_model("cases", "CasePhoto").objects.get()
    assert photo.status == CasePhoto.Status.READY and len(photo.key) >= 22
    assert (photo.image.name, photo.thumbnail.name) == (
        f"photos/{photo.key}.jpg",
        f"photos/{photo.key}.thumb.jpg",
    )
    media = Path(settings.MEDIA_ROOT)
    kept = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    assert kept == sorted([photo.image.name, photo.thumbnail.name])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_gives_photos_prepared_before_a_small_copy_for_the_lists(
    regions: dict[str, Region], settings: Any, back_to_the_latest_schema: None
) -> None:
    old = _migrate([("cases", "0005_photos_follow_their_case")])
    case = old.get_model("cases", "Case").objects.create(
        title="t",
        description="d",
        topic=old.get_model("topics", "Topic").objects.get(slug="environment"),
        region=old.get_model("places", "Region").objects.get(code="340321"),
        state="published",
        published_at=timezone.now(),
    )
    photos = old.get_model("cases", "CasePhoto")
    with_thumbnail = photos.objects.create(
        case=case,
        key="with-a-thumbnail",
        image=default_storage.save("photos/with-a-thumbnail.jpg", ContentFile(b"unused")),
        thumbnail=default_storage.save(
            "photos/with-a-thumbnail.thumb.jpg", ContentFile(image_bytes("JPEG", size=(480, 360)))
        ),
        width=2048,
        height=1536,
    )
    lost_thumbnail = photos.objects.create(
        case=case, key="thumbnail-lost", image="photos/x.jpg", thumbnail="photos/gone.jpg"
    )

    new = _migrate([("cases", "0006_small_photos_and_duplicates")])

    small = new.get_model("cases", "CasePhoto").objects.get(pk=with_thumbnail.pk).small
    assert small.name == "photos/with-a-thumbnail.small.jpg"
    with default_storage.open(small.name) as stored, Image.open(stored) as picture:
        assert (picture.format, picture.size) == ("JPEG", (SMALL_SIDE, 144))
    # A thumbnail that cannot be read leaves the photo without: its thumbnail answers.
    assert new.get_model("cases", "CasePhoto").objects.get(pk=lost_thumbnail.pk).small.name == ""
