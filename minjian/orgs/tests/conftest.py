from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.orgs.models import Membership, Organisation, OrganisationEvent

Snapshot = tuple[list[Any], ...]


def _snapshot() -> Snapshot:
    """Every row this app owns, so a test can show that a refusal changed nothing."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Organisation.topics.through.objects.order_by("pk").values()),
        list(Organisation.regions.through.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(OrganisationEvent.objects.order_by("pk").values()),
    )


@pytest.fixture
def snapshot(db: Any) -> Callable[[], Snapshot]:
    return _snapshot
