"""Reads of accounts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from minjian.accounts.models import ApiToken, User
from minjian.accounts.tokens import token_digest


def user_by_api_token(token: str) -> User | None:
    """The active account a personal token belongs to, or None."""
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    # Recorded at most once a minute so that reads do not turn into writes.
    now = timezone.now()
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
