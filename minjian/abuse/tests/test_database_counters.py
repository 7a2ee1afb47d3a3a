"""The database as the counting store (the embedded default, and Redis's stand-in during an
outage): rows that say nothing about anyone, atomic raises, waits, and sweeping."""

from __future__ import annotations

from typing import Any

import pytest

from minjian.abuse import ratelimit
from minjian.abuse.counters import DatabaseCounters, counters, sweep_expired
from minjian.abuse.models import Counter, UsedProof

pytestmark = pytest.mark.django_db

HOUR = 3600
START = 1_000 * HOUR


@pytest.fixture(autouse=True)
def database_store(settings: Any) -> None:
    """The database store, in both runs (the PostgreSQL run's cache is Redis)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MINJIAN_RATE_LIMITS = {"test": (3, HOUR)}
    settings.MINJIAN_BACKOFFS = {"test_backoff": (1, 10, 40, HOUR)}
    assert isinstance(counters(), DatabaseCounters)


def test_a_counter_is_one_row_that_names_nobody_and_ends_with_its_window() -> None:
    for _ in range(3):
        ratelimit.hit("test", "address:203.0.113.7", now=START + 10)

    [row] = Counter.objects.all()
    assert row.count == 3
    assert row.expires_at == START + HOUR
    assert "203.0.113.7" not in row.key
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("test", "address:203.0.113.7", now=START + 20)


def test_an_expired_row_with_the_same_key_counts_from_one_again() -> None:
    store = DatabaseCounters()
    store.increment("k", expires_at=START + 60, now=START)
    store.increment("k", expires_at=START + 60, now=START)

    assert store.count("k", now=START + 61) == 0
    assert store.increment("k", expires_at=START + 120, now=START + 61) == 1
    assert Counter.objects.get(key="k").expires_at == START + 120


def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_the_longest() -> None:
    waits = [ratelimit.record_failure("test_backoff", "pseudonym:x", now=START) for _ in range(5)]

    assert waits == [0, 10, 20, 40, 40]
    assert ratelimit.seconds_to_wait("test_backoff", "pseudonym:x", now=START + 5) == 35
    assert ratelimit.seconds_to_wait("test_backoff", "pseudonym:x", now=START + 40) == 0
    assert ratelimit.seconds_to_wait("test_backoff", "pseudonym:y", now=START) == 0


def test_a_wait_begun_at_the_end_of_a_window_holds_into_the_next() -> None:
    end_of_window = START + HOUR - 5
    ratelimit.record_failure("test_backoff", "pseudonym:x", now=end_of_window)
    ratelimit.record_failure("test_backoff", "pseudonym:x", now=end_of_window)

    # The failures count anew in the next window, but the wait begun before it still holds.
    assert ratelimit.seconds_to_wait("test_backoff", "pseudonym:x", now=START + HOUR + 1) == 4


def test_sweeping_deletes_what_expired_and_keeps_what_holds() -> None:
    ratelimit.hit("test", "address:1", now=START)
    ratelimit.hit("test", "address:1", now=START + 2 * HOUR)
    UsedProof.objects.create(signature="a" * 64, expires_at=START + 60)

    assert sweep_expired(START + HOUR + 1) == 2
    assert Counter.objects.get().expires_at == START + 3 * HOUR
    assert not UsedProof.objects.exists()
