"""Pieces of aid shown on pages of other apps: the link to the deliveries a recipient's
desk is to confirm, where she lands after signing in (the home page) and on the aid pages."""

from __future__ import annotations

from typing import Any

from django import template

from minjian.accounts.models import User
from minjian.aid import selectors

register = template.Library()


@register.inclusion_tag("aid/_deliveries_link.html", takes_context=True)
def deliveries_to_confirm_link(context: template.Context) -> dict[str, Any]:
    """For an account that speaks for a recipient with shipments on their way; nothing
    (and no query) for anyone signed out."""
    user = context.get("user")
    if not (isinstance(user, User) and user.is_active):
        return {"count": 0}
    return {"count": selectors.deliveries_to_confirm(user).count()}
