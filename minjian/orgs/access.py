"""Who may change an organisation: its admins, and site staff.

Views fetch what they will change through `access_*`, and services check the
actor with `require_*`, so the rule lives here once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.core.errors import PermissionDenied
from minjian.orgs import selectors
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import Viewer


def is_staff(viewer: Viewer) -> bool:
    return isinstance(viewer, User) and viewer.is_active and viewer.is_staff


def can_administer(viewer: Viewer, organisation: Organisation) -> bool:
    """Admins of the organisation and site staff may edit it and manage its members."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return False
    return viewer.is_staff or selectors.is_admin(viewer, organisation)


def require_admin(actor: Viewer, organisation: Organisation) -> None:
    if not can_administer(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins and site staff may do this."))


def require_staff(actor: Viewer) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only site staff may do this."))


def access_organisation_for_admin(viewer: Viewer, slug: str) -> Organisation:
    """The organisation at `slug`, if `viewer` may administer it.

    Raises NotFound for an unknown slug, PermissionDenied otherwise.
    """
    organisation = selectors.organisation_by_slug(slug)
    require_admin(viewer, organisation)
    return organisation


def access_organisation_for_staff(viewer: Viewer, slug: str) -> Organisation:
    """The organisation at `slug`, if `viewer` is site staff (for moderation)."""
    require_staff(viewer)
    return selectors.organisation_by_slug(slug)


def kinds_open_to(viewer: Viewer, *, current: str | None = None) -> list[str]:
    """The kinds `viewer` may give an organisation (whose kind is now `current`).

    Only staff may make an agency, or make an agency anything else.
    """
    if is_staff(viewer):
        return list(Organisation.Kind.values)
    if current == Organisation.Kind.AGENCY:
        return [Organisation.Kind.AGENCY]
    return [Organisation.Kind.NGO, Organisation.Kind.INFORMAL]
