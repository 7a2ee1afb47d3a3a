"""Fixtures of the search tests."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """`with committed(): ...` runs the jobs deferred inside as a commit would.

    A test runs in one transaction that never commits, so the reindexing that
    follows each case event runs only when the test says its work has committed.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
