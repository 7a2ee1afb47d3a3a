"""The public moderation log's registry: each app's newest entries, merged newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from minjian.core import moderation_log
from minjian.core.moderation_log import LogEntry

START = datetime(2026, 5, 1, tzinfo=UTC)


def _entries(name: str, hours: list[int]) -> moderation_log.Source:
    def source(limit: int) -> list[LogEntry]:
        made = [
            LogEntry(at=START + timedelta(hours=hour), action=name, subject="", url="", reason="")
            for hour in sorted(hours, reverse=True)
        ]
        return made[:limit]

    return source


@pytest.fixture
def sources() -> Iterator[None]:
    kept = dict(moderation_log._sources)
    moderation_log._sources.clear()
    yield
    moderation_log._sources.clear()
    moderation_log._sources.update(kept)


def test_entries_of_every_source_come_newest_first_up_to_the_limit(sources: None) -> None:
    moderation_log.register("a", _entries("a", [1, 5, 9]))
    moderation_log.register("b", _entries("b", [3, 7]))
    newest = moderation_log.recent_entries(limit=4)
    assert [(entry.action, entry.at.hour) for entry in newest] == [
        ("a", 9),
        ("b", 7),
        ("a", 5),
        ("b", 3),
    ]


def test_registering_a_name_again_replaces_its_source(sources: None) -> None:
    moderation_log.register("a", _entries("a", [1]))
    moderation_log.register("a", _entries("a", [2]))
    assert [entry.at.hour for entry in moderation_log.recent_entries()] == [2]
