"""The organisation pages a GET reaches and the API's organisation read a fixed number
of queries however many members, topics and regions there are (five of each here: a
query per row would show). The list and the profile are pinned in test_views.py, the
API's list in test_api.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

TOPICS = ("environment", "labour", "health", "education", "disability")
REGIONS = ("340000", "340300", "340321", "420000", "420100")


@pytest.fixture
def organisation(regions: dict[str, Region], user: User) -> Organisation:
    members = [make_user(f"member-{number}") for number in range(5)]
    return make_organisation(
        "huai-river", admins=(user,), members=members, topics=TOPICS, regions=REGIONS
    )


@pytest.fixture
def admin(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("address", "queries"),
    [("/orgs/new/", 5), ("/orgs/huai-river/edit/", 9), ("/orgs/huai-river/members/", 6)],
)
def test_each_form_page_reads_a_fixed_number_of_queries(
    admin: Client,
    organisation: Organisation,
    address: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = admin.get(address)

    assert response.status_code == 200


def test_the_api_organisation_reads_a_fixed_number_of_queries(
    client: Client, organisation: Organisation, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/organisations/huai-river")

    assert response.status_code == 200
    assert len(response.json()["members"]) == 6
