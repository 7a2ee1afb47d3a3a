from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.accountability.models import DeliveredPetition
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.models import PublicChange
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions.models import (
    Petition,
    PetitionEvent,
    PetitionOwner,
    PetitionRegionCount,
    Signature,
)

Snapshot = tuple[list[Any], ...]


def _snapshot() -> Snapshot:
    """Every row a petitions service could write, so that a test shows that a refusal
    wrote nothing (the versions of stored pages included)."""
    return (
        list(Petition.objects.order_by("pk").values()),
        list(PetitionOwner.objects.order_by("pk").values()),
        list(PetitionEvent.objects.order_by("pk").values()),
        list(Signature.objects.order_by("pk").values()),
        list(PetitionRegionCount.objects.order_by("pk").values()),
        list(DeliveredPetition.objects.order_by("pk").values()),
        list(PublicChange.objects.order_by("tag").values()),
    )


@pytest.fixture
def snapshot(db: Any) -> Callable[[], Snapshot]:
    return _snapshot


@pytest.fixture
def author(db: Any) -> User:
    return make_user("petition-author")


@pytest.fixture
def agency_member(db: Any) -> User:
    return make_user("bureau-clerk")


@pytest.fixture
def agency(agency_member: User) -> Organisation:
    return make_organisation(
        "bengbu-ecology-bureau",
        kind=Organisation.Kind.AGENCY,
        name_zh="蚌埠市生态环境局",
        name_en="Bengbu Ecology Bureau",
        members=[agency_member],
        verified=True,
        contact_email="xinfang@bengbu.example.gov.cn",
    )


@pytest.fixture
def ngo_admin(db: Any) -> User:
    return make_user("ngo-admin")


@pytest.fixture
def ngo(ngo_admin: User) -> Organisation:
    return make_organisation("green-huai-river", admins=[ngo_admin], verified=True)


@pytest.fixture(autouse=True)
def _petition_pages(settings: Any) -> None:
    settings.ROOT_URLCONF = "minjian.petitions.tests.urls"
