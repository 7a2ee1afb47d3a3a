"""The one way to fetch an account's protected things."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import ApiToken, User
from minjian.core.errors import NotFound


def signed_in(request: HttpRequest) -> User:
    """The account of a page behind login_required, which has turned away anonymous
    visitors."""
    assert isinstance(request.user, User)
    return request.user


def access_api_token_by_id(viewer: User, token_id: int) -> ApiToken:
    """A token of the viewer's own account; staff may reach anyone's.

    Someone else's token is reported as missing, not forbidden, so that token
    ids say nothing about other accounts.
    """
    tokens = ApiToken.objects.select_related("user")
    if not viewer.is_staff:
        tokens = tokens.filter(user=viewer)
    api_token = tokens.filter(pk=token_id).first()
    if api_token is None:
        raise NotFound(_("No such API token."), code="token_not_found")
    return api_token
