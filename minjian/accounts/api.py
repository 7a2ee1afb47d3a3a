"""API authentication by personal token, and the account endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security.http import HttpBearer

from minjian.accounts import selectors, services
from minjian.accounts.models import User


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal token.

    With `optional=True` a request without the header goes on as anonymous; a
    header with a wrong or revoked token is always refused. Session cookies are
    deliberately not accepted, so the API needs no CSRF token and a page on
    another site cannot act in a signed-in visitor's name.
    """

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header and self.optional:
            return AnonymousUser()
        result = super().__call__(request)
        if result is None:
            raise AuthenticationError()
        return result

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = selectors.active_api_token(token)
        if api_token is None:
            return None
        services.api_token_record_use(api_token=api_token)
        request.user = api_token.user
        return api_token.user


def api_actor(request: HttpRequest) -> User | None:
    """The account an API request acts for (its token's), or None for an anonymous call."""
    actor = getattr(request, "auth", None)
    return actor if isinstance(actor, User) else None


def api_account(request: HttpRequest) -> User:
    """The account of an operation that requires a token (`auth=BearerToken()`)."""
    actor = api_actor(request)
    if actor is None:
        raise AuthenticationError()
    return actor


router = Router(tags=["accounts"])


class AccountOut(Schema):
    username: str
    is_staff: bool


@router.get("/me", response=AccountOut, auth=BearerToken())
def me(request: HttpRequest) -> User:
    """The account the token belongs to."""
    return api_account(request)
