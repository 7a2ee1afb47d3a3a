from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.coalitions.models import (
    Coalition,
    CoalitionEvent,
    CoalitionMember,
    Post,
    Proposal,
    Statement,
    Thread,
    Vote,
)
from minjian.coalitions.tests.factories import Made, make_coalition
from minjian.core.models import PublicChange

Snapshot = tuple[list[Any], ...]


def _snapshot() -> Snapshot:
    """Every row an action of a coalition could write, the versions of stored pages
    included: a refusal leaves all of them as they were."""
    rows = tuple(
        list(model.objects.order_by("pk").values())
        for model in (
            Coalition,
            CoalitionMember,
            CoalitionEvent,
            Proposal,
            Vote,
            Statement,
            Thread,
            Post,
        )
    )
    return (*rows, list(PublicChange.objects.order_by("tag").values()))


@pytest.fixture
def snapshot(db: Any) -> Callable[[], Snapshot]:
    return _snapshot


@pytest.fixture
def made(db: Any) -> Made:
    return make_coalition()
