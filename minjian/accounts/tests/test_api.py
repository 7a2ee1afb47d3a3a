from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from ninja.errors import AuthenticationError

from minjian.accounts import services
from minjian.accounts.api import BearerToken
from minjian.accounts.models import ApiToken, User
from minjian.core.tests.openapi import OpenAPICheckingClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def get_me(authorization: str | None) -> tuple[int, dict[str, object]]:
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = OpenAPICheckingClient().get(ME, **headers)  # type: ignore[arg-type]  # extra WSGI environ
    return response.status_code, response.json()


def test_me_answers_with_the_tokens_account(user: User) -> None:
    _api_token, token = services.api_token_issue(actor=user, user=user, name="")

    status, body = get_me(f"Bearer {token}")

    assert status == 200
    assert body == {"username": "river-watcher", "is_staff": False}
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer mj_not-a-real-token", "Bearer ", "Token mj_whatever", "Basic cml2ZXI6cGFzcw=="],
)
def test_me_refuses_a_missing_or_wrong_token(user: User, authorization: str | None) -> None:
    status, body = get_me(authorization)

    assert status == 401
    assert body["code"] == "unauthenticated"
    assert body["message"]


def test_a_revoked_token_is_refused(user: User) -> None:
    api_token, token = services.api_token_issue(actor=user, user=user, name="")
    services.api_token_revoke(actor=user, token_id=api_token.pk)

    status, body = get_me(f"Bearer {token}")

    assert status == 401
    assert body["code"] == "unauthenticated"


def test_a_deactivated_accounts_token_is_refused(user: User) -> None:
    _api_token, token = services.api_token_issue(actor=user, user=user, name="")
    User.objects.filter(pk=user.pk).update(is_active=False)

    status, _body = get_me(f"Bearer {token}")

    assert status == 401


def test_optional_auth_lets_a_request_without_a_header_through_as_anonymous() -> None:
    request = RequestFactory().get("/api/v1/cases")

    assert isinstance(BearerToken(optional=True)(request), AnonymousUser)


def test_optional_auth_still_refuses_a_wrong_token() -> None:
    request = RequestFactory().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer mj_wrong")

    with pytest.raises(AuthenticationError):
        BearerToken(optional=True)(request)


def test_optional_auth_knows_the_tokens_account(user: User) -> None:
    _api_token, token = services.api_token_issue(actor=user, user=user, name="")
    request = RequestFactory().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert BearerToken(optional=True)(request) == user
