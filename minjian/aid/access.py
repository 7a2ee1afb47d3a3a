"""Who may do what in a drive: organisers, and the accounts that speak for a recipient."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid.models import Drive, Recipient
from minjian.core.errors import PermissionDenied
from minjian.orgs.models import Membership

Viewer = User | AnonymousUser


def is_organiser(viewer: Viewer | None, drive: Drive) -> bool:
    """Members of the organising organisation and the accounts the drive lists."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return False
    if drive.organisation_id is not None and (
        Membership.objects.filter(organisation_id=drive.organisation_id, user=viewer).exists()
    ):
        return True
    return drive.organisers.filter(pk=viewer.pk).exists()


def require_organiser(actor: Viewer | None, drive: Drive) -> User:
    if not isinstance(actor, User) or not is_organiser(actor, drive):
        raise PermissionDenied(
            _("Only the drive's organisers may do this."), code="not_an_organiser"
        )
    return actor


def speaks_for(viewer: Viewer | None, recipient: Recipient) -> bool:
    """An account attached to the recipient: it sets needs and confirms receipts."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return False
    return recipient.accounts.filter(pk=viewer.pk).exists()


def require_recipient_or_organiser(actor: Viewer | None, recipient: Recipient) -> User:
    if isinstance(actor, User) and (
        speaks_for(actor, recipient) or is_organiser(actor, recipient.drive)
    ):
        return actor
    raise PermissionDenied(
        _("Only the recipient's own accounts and the drive's organisers may do this."),
        code="not_entitled",
    )
