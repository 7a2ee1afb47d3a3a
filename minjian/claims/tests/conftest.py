from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.claims.models import Claim, ClaimAppearance, ClaimEvent
from minjian.claims.tests.factories import make_verifier
from minjian.core.models import PublicChange
from minjian.places.models import Region

Snapshot = tuple[list[Any], ...]


def _snapshot() -> Snapshot:
    """Every row a verdict could write, so that a test shows a refusal changed nothing
    (the versions of stored pages included: nothing public changed either)."""
    return (
        list(Claim.objects.order_by("pk").values()),
        list(ClaimAppearance.objects.order_by("pk").values()),
        list(ClaimEvent.objects.order_by("pk").values()),
        list(CaseEvent.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values("pk", "verdict", "updated_at")),
        list(PublicChange.objects.order_by("tag").values()),
    )


@pytest.fixture
def snapshot(db: Any) -> Callable[[], Snapshot]:
    return _snapshot


@pytest.fixture
def case(regions: dict[str, Region]) -> Case:
    found = make_case(
        regions["340321"],
        title="淮河边造纸厂夜里排黑水",
        description="每天夜里十点以后，排污口流出黑色的水。",
    )
    assert found.state == Case.State.PUBLISHED
    return found


@pytest.fixture
def verifier(db: Any) -> User:
    """A verifier of the Huai River Guardians, a verified NGO."""
    return make_verifier("guardian-li", "green-huai-river")


@pytest.fixture
def other_verifier(db: Any) -> User:
    """A verifier of another verified organisation."""
    return make_verifier("journalist-wang", "river-news", name_zh="河流新闻", name_en="River News")
