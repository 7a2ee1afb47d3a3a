"""The mail pages a GET reaches read a fixed number of queries: the preferences of a
member of five organisations (a query per organisation would show), the follow form
of a case, and the pages behind the links in mails."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region


def test_the_preferences_read_a_fixed_number_of_queries(
    client: Client, user: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        make_organisation(f"org-{number}", name_zh=f"组织{number}", members=[user])
    client.force_login(user)

    with django_assert_max_num_queries(5):
        response = client.get("/notify/preferences/")

    assert response.status_code == 200
    assert all(f"组织{number}" in response.content.decode() for number in range(5))


@pytest.fixture
def case(regions: dict[str, Region]) -> Case:
    return make_case(regions["340321"])


def test_the_follow_form_reads_a_fixed_number_of_queries(
    client: Client, case: Case, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        response = client.get(f"/notify/follow/{case.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "address", ["/notify/confirm/a-token-from-a-mail/", "/notify/unsubscribe/a-token-from-a-mail/"]
)
def test_the_pages_behind_mail_links_read_a_fixed_number_of_queries(
    client: Client, db: Any, address: str, django_assert_max_num_queries: Any
) -> None:
    # Opening the link only shows a button: the token is read by the POST.
    with django_assert_max_num_queries(0):
        response = client.get(address)

    assert response.status_code == 200
