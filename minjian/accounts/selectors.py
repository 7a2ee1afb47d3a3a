"""Reads of accounts."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.hashers import is_password_usable
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


def account_ids_with_email(email: str) -> list[int]:
    """The active accounts with a usable password whose e-mail address is `email`, ignoring
    case as Django's own reset form does. One query, whether or not any matches."""
    wanted = _folded(email)
    candidates = User.objects.filter(email__iexact=email, is_active=True).values_list(
        "pk", "email", "password"
    )
    return [
        pk
        for pk, address, password in candidates
        if _folded(address) == wanted and is_password_usable(password)
    ]


def accounts_to_reset(user_ids: list[int]) -> list[User]:
    """Those of `user_ids` that can still get a reset mail (active, an address, a password)."""
    return [
        user
        for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
        if user.has_usable_password()
    ]


def _folded(address: str) -> str:
    return unicodedata.normalize("NFKC", address).casefold()
