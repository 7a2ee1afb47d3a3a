"""Reads of accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from minjian.accounts.models import ApiToken, User, same_pseudonym
from minjian.accounts.tokens import TOKEN_PREFIX, token_digest


def active_api_token(token: str) -> ApiToken | None:
    """The unrevoked token of an active account that `token` is, with its user, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The account's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def active_user_by_pseudonym(pseudonym: str) -> User | None:
    return User.objects.filter(same_pseudonym(pseudonym), is_active=True).first()
