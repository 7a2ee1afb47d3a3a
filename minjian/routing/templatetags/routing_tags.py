"""Pieces of routing shown on pages of other apps: the header's inbox link, and
the form that addresses a case to an agency on the public case page."""

from __future__ import annotations

from typing import Any

from django import template

from minjian.accounts.models import User
from minjian.cases import rules
from minjian.cases.models import Case
from minjian.routing import selectors
from minjian.routing.forms import AddressForm

register = template.Library()


@register.inclusion_tag("routing/_inbox_link.html", takes_context=True)
def inbox_link(context: template.Context) -> dict[str, Any]:
    """A link to the inboxes, for members of some organisation only."""
    user = context.get("user")
    return {"show": isinstance(user, User) and user.memberships.exists()}


@register.inclusion_tag("routing/_address_on_case_page.html", takes_context=True)
def address_to_agency_form(context: template.Context, case: Case) -> dict[str, Any]:
    """For those who may address this case (see `services.case_address_to_agency`)."""
    user = context.get("user")
    form = None
    if isinstance(user, User) and case.is_public and rules.may_address(user, case):
        agencies = selectors.agencies_for(case)
        if agencies.exists():
            form = AddressForm(agencies=agencies)
    return {"case": case, "address_form": form, "csrf_token": context.get("csrf_token")}
