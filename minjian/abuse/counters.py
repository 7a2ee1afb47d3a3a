"""The one store of rate-limit counters and waits that every process of an instance shares.

- With Redis as the cache (`REDIS_URL`), Redis: `INCR` is atomic and keys expire by
  themselves.
- Otherwise (the embedded default), the database: one `Counter` row per key, raised by a
  single `INSERT … ON CONFLICT DO UPDATE … RETURNING` (PostgreSQL, and SQLite since 3.35),
  so two processes can never both read 9 and both write 10. Django's database and file
  caches cannot do this: their `incr` is a read followed by a write. Expired rows are
  deleted by the process that writes, at most once a minute.
- While Redis cannot be reached, the database, with a warning in the log. Why not fail
  open (let everything through)? A Redis outage must not turn reporters away, and it does
  not: the database is there, or the report could not be stored either. But failing open
  would switch spam control off whenever Redis is down, which anyone able to overload
  Redis could arrange. Counting in the database keeps the limits, at the price of a few
  writes per request during the outage. A process that found Redis unreachable stays on
  the database for `REDIS_RETRY_SECONDS` before trying again, so that a request does not
  wait for a connection timeout at every count. Counts made in Redis before the outage
  are not seen by the database, and the other way round: around an outage a client may
  get up to twice its allowance, once.

Callers pass `now` (a Unix time) so that windows can be tested without waiting for them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from redis.commands.core import Script
from redis.exceptions import RedisError

from minjian.abuse.models import Counter, UsedProof

logger = logging.getLogger(__name__)

# How long a process counts in the database after Redis failed, before trying Redis again.
REDIS_RETRY_SECONDS = 10.0
# How often a process deletes expired counters from the database (on its next write).
SWEEP_EVERY_SECONDS = 60.0

T = TypeVar("T")


class Counters(Protocol):
    def increment(self, key: str, *, expires_at: float, now: float) -> int:
        """Add one to the counter `key` (made, valid until `expires_at`, if absent).
        Returns the new count."""
        ...

    def count(self, key: str, *, now: float) -> int: ...

    def delete(self, key: str) -> None: ...

    def hold(self, key: str, *, until: float, now: float) -> None:
        """Note that `key` holds until `until` (a wait); a later `until` wins."""
        ...

    def held_until(self, key: str, *, now: float) -> float | None:
        """Until when `key` holds, or None if it does not (any more)."""
        ...


def _seconds(until: float, now: float) -> int:
    return max(1, math.ceil(until - now))


# One statement each, so atomic: an expired row with the same key starts afresh (keys
# rotate with their window, so this is rare), a live one is raised by one.
_INCREMENT = """
INSERT INTO "abuse_counter" ("key", "count", "expires_at") VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "abuse_counter"."expires_at" <= %s THEN 1
        ELSE "abuse_counter"."count" + 1 END,
    "expires_at" = CASE WHEN "abuse_counter"."expires_at" <= %s THEN excluded."expires_at"
        ELSE "abuse_counter"."expires_at" END
RETURNING "count"
"""
# A wait: the later end wins.
_HOLD = """
INSERT INTO "abuse_counter" ("key", "count", "expires_at") VALUES (%s, 0, %s)
ON CONFLICT ("key") DO UPDATE SET "expires_at" = CASE
    WHEN excluded."expires_at" > "abuse_counter"."expires_at" THEN excluded."expires_at"
    ELSE "abuse_counter"."expires_at" END
"""


class DatabaseCounters:
    """Counters in the `Counter` table: atomic across processes, on both databases."""

    def increment(self, key: str, *, expires_at: float, now: float) -> int:
        moment = math.floor(now)
        with connection.cursor() as cursor:
            cursor.execute(_INCREMENT, [key, math.ceil(expires_at), moment, moment])
            row = cursor.fetchone()
        sweep_now_and_then(now)
        assert row is not None  # RETURNING always gives the row written
        return int(row[0])

    def count(self, key: str, *, now: float) -> int:
        found = (
            Counter.objects.filter(key=key, expires_at__gt=math.floor(now))
            .values_list("count", flat=True)
            .first()
        )
        return found or 0

    def delete(self, key: str) -> None:
        Counter.objects.filter(key=key).delete()

    def hold(self, key: str, *, until: float, now: float) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_HOLD, [key, math.ceil(until)])
        sweep_now_and_then(now)

    def held_until(self, key: str, *, now: float) -> float | None:
        found = (
            Counter.objects.filter(key=key, expires_at__gt=math.floor(now))
            .values_list("expires_at", flat=True)
            .first()
        )
        return float(found) if found is not None else None


_sweep_lock = threading.Lock()
_last_sweep = -math.inf


def sweep_now_and_then(now: float) -> None:
    """Delete what expired, at most once a minute per process, from a process that is
    writing anyway. `now` is the caller's clock, so a test's earlier windows are its own."""
    global _last_sweep
    clock = time.monotonic()
    with _sweep_lock:
        if clock - _last_sweep < SWEEP_EVERY_SECONDS:
            return
        _last_sweep = clock
    sweep_expired(now)


def sweep_expired(now: float) -> int:
    """Delete every counter and used proof that expired before `now`; how many rows went."""
    moment = math.floor(now)
    counters, _ = Counter.objects.filter(expires_at__lte=moment).delete()
    proofs, _ = UsedProof.objects.filter(expires_at__lte=moment).delete()
    return counters + proofs


# Creates the counter with its expiry unless it exists, then raises it: atomic, as a
# script runs alone, and one command (EVALSHA) where a MULTI of SET NX and INCR took four
# commands and their answers: a report's count was a sixth of the web's CPU for its
# request beyond the report itself.
_RAISE = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
return redis.call('INCR', KEYS[1])
"""


class CacheCounters:
    """Counters in Django's Redis cache: created with their expiry and raised in one
    script, one round trip (every report counts one)."""

    def __init__(self, cache: RedisCache) -> None:
        self.cache = cache
        self._raise: Script | None = None

    def increment(self, key: str, *, expires_at: float, now: float) -> int:
        redis_key = self.cache.make_and_validate_key(key)
        # Django's `add` then `incr` took three round trips (its `incr` asks first whether
        # the key exists), and a counter could expire between them. An integer is stored
        # as itself by the cache's serializer, so `get` reads it as the script wrote it.
        client = self.cache._cache.get_client(redis_key, write=True)  # type: ignore[attr-defined]  # Django's client, not in the stubs
        if self._raise is None:
            self._raise = client.register_script(_RAISE)
        count = self._raise(keys=[redis_key], args=[_seconds(expires_at, now)], client=client)
        return int(count)

    def count(self, key: str, *, now: float) -> int:
        return int(self.cache.get(key, 0))

    def delete(self, key: str) -> None:
        self.cache.delete(key)

    def hold(self, key: str, *, until: float, now: float) -> None:
        current = self.held_until(key, now=now)
        if current is None or until > current:
            self.cache.set(key, until, timeout=_seconds(until, now))

    def held_until(self, key: str, *, now: float) -> float | None:
        until = self.cache.get(key)
        return float(until) if until is not None and until > now else None


class RedisWithDatabaseFallback:
    """Redis, or the database while Redis cannot be reached (see the module's docstring)."""

    _unreachable_until: dict[str, float] = {}

    def __init__(self, redis: CacheCounters, location: str) -> None:
        self.redis = redis
        self.database = DatabaseCounters()
        self.location = location

    def _use(self, action: Callable[[Counters], T]) -> T:
        if time.monotonic() < self._unreachable_until.get(self.location, -math.inf):
            return action(self.database)
        try:
            return action(self.redis)
        except RedisError as error:
            self._unreachable_until[self.location] = time.monotonic() + REDIS_RETRY_SECONDS
            logger.warning(
                "Redis cannot be reached (%s): rate limits are counted in the database "
                "for the next %d seconds.",
                error,
                REDIS_RETRY_SECONDS,
            )
            return action(self.database)

    def increment(self, key: str, *, expires_at: float, now: float) -> int:
        return self._use(lambda store: store.increment(key, expires_at=expires_at, now=now))

    def count(self, key: str, *, now: float) -> int:
        return self._use(lambda store: store.count(key, now=now))

    def delete(self, key: str) -> None:
        self._use(lambda store: store.delete(key))

    def hold(self, key: str, *, until: float, now: float) -> None:
        self._use(lambda store: store.hold(key, until=until, now=now))

    def held_until(self, key: str, *, now: float) -> float | None:
        return self._use(lambda store: store.held_until(key, now=now))


def counters() -> Counters:
    """The store for the current settings: Redis (falling back to the database) when the
    default cache is Redis, else the database."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return RedisWithDatabaseFallback(
            CacheCounters(cache), location=str(settings.CACHES["default"]["LOCATION"])
        )
    return DatabaseCounters()
