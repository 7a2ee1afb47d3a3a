"""The Redis cache backend keeps one client per connection pool (minjian/core/cache.py)."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from minjian.core.cache import ReusedClientRedisCache


@pytest.mark.redis
def test_the_redis_cache_keeps_one_client_for_all_its_operations() -> None:
    cache = caches["default"]
    assert isinstance(cache, ReusedClientRedisCache)
    # Django's client of the backend: in its code, not in its stubs.
    clients = cache._cache  # type: ignore[attr-defined]  # see above
    client = clients.get_client()
    cache.set("one-client", 1)
    assert cache.get("one-client") == 1
    assert clients.get_client(write=True) is client
