"""Pieces of cases shown on every page: the header's link to the moderation queue."""

from __future__ import annotations

from typing import Any

from django import template

from minjian.accounts.models import User
from minjian.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_moderation_link.html", takes_context=True)
def moderation_link(context: template.Context) -> dict[str, Any]:
    """For moderators (staff) only: the queue, with how many cases wait in it."""
    user = context.get("user")
    if not (isinstance(user, User) and user.is_staff):
        return {"show": False}
    return {"show": True, "waiting": selectors.moderation_queue().count()}
