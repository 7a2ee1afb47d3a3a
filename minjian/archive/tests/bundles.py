"""What the bundle tests share: an instance to export, emptying it, comparing two bags."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import override_settings

from minjian.archive.bundle_tables import exported_models, table_name
from minjian.core.models import PublicChange
from minjian.topics.tests.factories import ensure_default_topics

PASSPHRASE = "correct horse battery staple 民间"


def load_demo_instance() -> None:
    ensure_default_topics()
    call_command("load_regions", stdout=StringIO())
    with override_settings(MINJIAN_DEMO_PASSWORD=""):
        call_command("load_demo", stdout=StringIO())


def row_counts() -> dict[str, int]:
    return {table_name(model): model._base_manager.count() for model in exported_models()}


def empty_the_instance(settings: Any, media_root: Path) -> None:
    """Every exported table emptied, regions and topics too, and a new media folder: as a
    new instance would be after its setup (the import replaces the regions and topics)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        for model in reversed(exported_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        PublicChange.objects.all().delete()
    settings.MEDIA_ROOT = media_root
    ensure_default_topics()


def bag_payload(bag: Path) -> dict[str, bytes]:
    """Every table file and media file of a bag, by its path."""
    data = bag / "data"
    return {
        path.relative_to(data).as_posix(): path.read_bytes()
        for folder in ("tables", "media")
        for path in sorted((data / folder).rglob("*"))
        if path.is_file()
    }


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def named_media(root: Path) -> dict[str, bytes]:
    """The media files some row names (an upload already prepared is left in storage,
    named by no row, and is in no bundle)."""
    names = {
        name
        for model in exported_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        for name in model._base_manager.values_list(field.attname, flat=True)
        if name
    }
    return {name: content for name, content in media_files(root).items() if name in names}
