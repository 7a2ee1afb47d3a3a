"""Shared test set-up: which database and cache this run uses, and the common fixtures."""

from __future__ import annotations

import copy
import os
import uuid
from typing import Any

import pytest
from django.conf import settings

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.places.models import Region
from minjian.places.tests.factories import make_region_tree


def pytest_report_header(config: pytest.Config) -> str:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"minjian: database={engine} cache={cache} CI={os.environ.get('CI', '')}"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """Each test gets a cache namespace of its own: nothing carries over from another
    test (rate-limit counters, used proofs of work), and no test flushes the Redis
    database under a test running in another xdist worker."""
    caches = copy.deepcopy(settings.CACHES)
    namespace = f"test-{uuid.uuid4().hex}"
    caches["default"]["KEY_PREFIX"] = namespace
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        caches["default"]["LOCATION"] = namespace
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Each test stores media in a folder of its own, so it can check what was left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def regions(db: Any) -> dict[str, Region]:
    """A small piece of China's tree: two provinces, their prefectures and counties."""
    return make_region_tree()


@pytest.fixture
def user(db: Any) -> User:
    return make_user("river-watcher")


@pytest.fixture
def staff(db: Any) -> User:
    return make_user("moderator", is_staff=True)
