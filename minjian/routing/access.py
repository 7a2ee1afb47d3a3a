"""Who may read an inbox: the organisation's members, and no one else.

Not even site staff: internal notes are the organisation's own. Views and the
API fetch an inbox through these doors, and services check the actor with the
same rule.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from minjian.cases.selectors import TimelineReader
from minjian.core.errors import NotFound, PermissionDenied
from minjian.orgs import selectors as org_selectors
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import Viewer
from minjian.routing import selectors
from minjian.routing.models import InboxItem


def require_member(viewer: Viewer, organisation: Organisation) -> None:
    if not viewer.is_active or not org_selectors.is_member(viewer, organisation):
        raise PermissionDenied(
            _("Only members of this organisation can see and use its inbox."), code="not_a_member"
        )


def access_inbox(viewer: Viewer, slug: str) -> Organisation:
    """The organisation at `slug`, if `viewer` is one of its members.

    Organisations are public, so an unknown slug is a 404 and a known one a 403.
    """
    organisation = org_selectors.organisation_by_slug(slug)
    require_member(viewer, organisation)
    return organisation


def access_inbox_item(viewer: Viewer, organisation: Organisation, case_id: int) -> InboxItem:
    """A case in the inbox of `organisation` (whose membership the caller checked)."""
    require_member(viewer, organisation)
    item = selectors.inbox_item(organisation, case_id)
    if item is None:
        raise NotFound(_("This case is not in your organisation's inbox."), code="not_in_inbox")
    return item


def inbox_reader(viewer: Viewer, organisation: Organisation) -> TimelineReader:
    """A member (whose membership the caller checked) reads a case's timeline in the
    inbox of `organisation`: with its internal notes, and her own held texts."""
    return TimelineReader(organisation=organisation, account_id=viewer.pk)
