"""The inbox pages and the inbox in the API read a fixed number of queries however
many cases, subscriptions and events there are (five of each here: a query per row
would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing import services
from minjian.routing.tests.helpers import published, subscribed


@pytest.fixture
def official(db: Any) -> User:
    return make_user("bureau-office")


@pytest.fixture
def bureau(official: User) -> Organisation:
    bureau = subscribed(
        "bureau", topic="environment", kind=Organisation.Kind.AGENCY, admins=(official,)
    )
    for code in ("340000", "340300", "420000", "420100"):
        services.subscription_add(
            actor=official, organisation=bureau, topic_slug="labour", region_code=code
        )
    return bureau


@pytest.fixture
def cases(
    regions: dict[str, Region],
    bureau: Organisation,
    official: User,
    django_capture_on_commit_callbacks: Any,
) -> list[Case]:
    """Five cases in the bureau's inbox, each acknowledged, with an update and a note."""
    routed = [
        published(django_capture_on_commit_callbacks, regions["340321"], title=f"排污口{number}")
        for number in range(5)
    ]
    for case in routed:
        services.inbox_acknowledge(actor=official, organisation=bureau, case_id=case.pk)
        services.inbox_post_update(
            actor=official, organisation=bureau, case_id=case.pk, note="正在调查。"
        )
        services.inbox_add_internal_note(
            actor=official, organisation=bureau, case_id=case.pk, note="明天去现场。"
        )
    return routed


@pytest.fixture
def member(client: Client, official: User) -> Client:
    client.force_login(official)
    return client


@pytest.mark.parametrize(
    ("address", "queries"),
    [("/inbox/", 4), ("/inbox/bureau/?show=all", 8), ("/inbox/bureau/subscriptions/", 9)],
)
def test_each_inbox_page_reads_a_fixed_number_of_queries(
    member: Client,
    cases: list[Case],
    address: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = member.get(address)

    assert response.status_code == 200


def test_the_inbox_case_page_reads_a_fixed_number_of_queries(
    member: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(11):
        response = member.get(f"/inbox/bureau/cases/{cases[0].pk}/")

    assert response.status_code == 200


def test_the_api_inbox_and_its_case_read_a_fixed_number_of_queries(
    client: Client, official: User, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    _row, secret = api_token_issue(actor=official, user=official, name="test")
    headers = {"Authorization": f"Bearer {secret}"}

    with django_assert_max_num_queries(6):
        inbox = client.get("/api/v1/inbox/bureau", {"show": "all"}, headers=headers)
    with django_assert_max_num_queries(8):
        case = client.get(f"/api/v1/inbox/bureau/cases/{cases[0].pk}", headers=headers)

    assert (inbox.status_code, case.status_code) == (200, 200)
    assert inbox.json()["count"] == 5
