"""Upgrading an instance (0002): a drive's one title moves to the language it is written
in, and every item starts with a smallest line of one unit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from minjian.places.models import Region

BEFORE = [("aid", "0001_initial")]
AFTER = [("aid", "0002_drive_titles_per_language_and_minimum_lines")]


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
def test_a_drives_title_moves_to_its_language_and_items_start_at_one_unit(
    regions: dict[str, Region], back_to_the_latest_schema: None
) -> None:
    old = _migrate(BEFORE)
    drive_model = old.get_model("aid", "Drive")
    wuhan = old.get_model("places", "Region").objects.get(code="420100")
    now = timezone.now()
    for title in ("武汉口罩 Masks for Wuhan", "Goggles for Hubei"):
        drive = drive_model.objects.create(
            title=title, region=wuhan, starts_at=now, ends_at=now + timedelta(days=1)
        )
        old.get_model("aid", "Item").objects.create(
            drive=drive, name_zh="口罩", name_en="Mask", unit_zh="只", unit_en="mask"
        )

    new = _migrate(AFTER)

    titles = set(new.get_model("aid", "Drive").objects.values_list("title_zh", "title_en"))
    assert titles == {("武汉口罩 Masks for Wuhan", ""), ("", "Goggles for Hubei")}
    minimums = new.get_model("aid", "Item").objects.values_list("min_line_quantity", flat=True)
    assert set(minimums) == {1}
