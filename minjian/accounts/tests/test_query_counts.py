"""The accounts' forms and the API's account read a fixed number of queries. The
account page is pinned in test_views.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts import services
from minjian.accounts.models import User


@pytest.mark.parametrize(
    "address", ["/accounts/signup/", "/accounts/login/", "/accounts/password-reset/"]
)
def test_each_form_reads_a_fixed_number_of_queries(
    client: Client, db: Any, address: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        response = client.get(address)

    assert response.status_code == 200


def test_the_api_account_reads_a_fixed_number_of_queries(
    client: Client, user: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        _row, token = services.api_token_issue(actor=user, user=user, name=f"token {number}")

    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
