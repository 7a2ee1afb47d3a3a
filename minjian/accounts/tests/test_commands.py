from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minjian.accounts.models import ApiToken, User
from minjian.core.tests.openapi import OpenAPICheckingClient

pytestmark = pytest.mark.django_db


def issue_token(*args: str) -> str:
    out = StringIO()
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def test_issue_token_prints_a_token_that_the_api_accepts(user: User) -> None:
    token = issue_token("River-Watcher", "--name", "script")

    response = OpenAPICheckingClient().get(
        "/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response.json()["username"] == "river-watcher"
    assert ApiToken.objects.get().name == "script"


def test_issue_token_refuses_an_unknown_pseudonym(user: User) -> None:
    with pytest.raises(CommandError, match="nobody-here"):
        issue_token("nobody-here")

    assert not ApiToken.objects.exists()


def test_issue_token_refuses_a_name_over_the_limit(user: User) -> None:
    with pytest.raises(CommandError):
        issue_token("river-watcher", "--name", "x" * 101)

    assert not ApiToken.objects.exists()
