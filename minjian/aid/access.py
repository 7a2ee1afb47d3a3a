"""The doors to a drive's rows, and who may do what in a drive: its organisers, and the
accounts that speak for a recipient.

Drives, their recipients and where shipments stand are public: their doors take no
viewer, and raise `NotFound` for what does not exist or belongs to another drive. The
doors to what only some may do take the viewer and raise `PermissionDenied` for anyone
else: running a drive and deciding on its pledges (its organisers), confirming a receipt
(the recipient's own accounts, or an organiser on its behalf). The services ask the
same rules again, inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import selectors
from minjian.aid.models import AllocationLine, Drive, Pledge, Recipient, Shipment
from minjian.cases.receipts import receipt_digest
from minjian.core.errors import NotFound, PermissionDenied
from minjian.orgs.models import Membership

Viewer = User | AnonymousUser


# Who may do what ----------------------------------------------------------------


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


def may_act_for(viewer: Viewer | None, recipient: Recipient) -> bool:
    """Whether `viewer` may set the recipient's needs and confirm what arrives for it:
    its own accounts, and the drive's organisers."""
    return speaks_for(viewer, recipient) or is_organiser(viewer, recipient.drive)


def require_recipient_or_organiser(actor: Viewer | None, recipient: Recipient) -> User:
    if isinstance(actor, User) and may_act_for(actor, recipient):
        return actor
    raise PermissionDenied(
        _("Only the recipient's own accounts and the drive's organisers may do this."),
        code="not_entitled",
    )


@dataclass(frozen=True)
class Confirmer:
    """Who confirms a receipt: one of the recipient's accounts, or an organiser on its
    behalf, who must say why."""

    account: User
    on_behalf: bool


def receipt_confirmer(actor: Viewer | None, recipient: Recipient) -> Confirmer:
    if isinstance(actor, User) and speaks_for(actor, recipient):
        return Confirmer(account=actor, on_behalf=False)
    if isinstance(actor, User) and is_organiser(actor, recipient.drive):
        return Confirmer(account=actor, on_behalf=True)
    raise PermissionDenied(
        _("Only the recipient, or an organiser on its behalf, confirms a receipt."),
        code="not_entitled",
    )


def require_shipper(actor: Viewer | None, line: AllocationLine) -> User:
    """The drive's organisers, and the donor of the pledge, send what was allocated."""
    if isinstance(actor, User) and (
        is_organiser(actor, line.need.recipient.drive) or line.pledge.donor_id == actor.pk
    ):
        return actor
    raise PermissionDenied(
        _("Only the drive's organisers and the donor may send this shipment."),
        code="not_entitled",
    )


# The doors ----------------------------------------------------------------------


def access_drive_by_id(drive_id: int) -> Drive:
    """A drive, with its region and organisation. Every drive is public."""
    drive = selectors.drive_by_id(drive_id)
    if drive is None:
        raise NotFound(_("There is no such drive."), code="unknown_drive")
    return drive


class OrganisedDrive(NamedTuple):
    drive: Drive
    organiser: User


def access_drive_for_organiser(viewer: Viewer | None, drive_id: int) -> OrganisedDrive:
    """The drive, if `viewer` organises it (`PermissionDenied` otherwise), and the
    organiser's account, who acts in what she does with it."""
    drive = access_drive_by_id(drive_id)
    return OrganisedDrive(drive=drive, organiser=require_organiser(viewer, drive))


def access_recipient_by_id(drive: Drive, recipient_id: int) -> Recipient:
    """A recipient of this drive, with its region. Recipients are public."""
    recipient = selectors.recipient_of_drive(drive, recipient_id)
    if recipient is None:
        raise NotFound(_("There is no such recipient."), code="unknown_recipient")
    return recipient


class ShipmentToConfirm(NamedTuple):
    shipment: Shipment
    confirmer: Confirmer


def access_shipment_for_receipt(
    viewer: Viewer | None, drive: Drive, shipment_id: int
) -> ShipmentToConfirm:
    """A shipment of this drive, if `viewer` may confirm what arrived of it, and how she
    would confirm it (for the recipient, or on its behalf)."""
    shipment = selectors.shipment_of_drive(drive, shipment_id)
    if shipment is None:
        raise NotFound(_("There is no such shipment."), code="unknown_shipment")
    return ShipmentToConfirm(shipment, receipt_confirmer(viewer, shipment.line.need.recipient))


def access_pledge_by_receipt(drive: Drive, code: str) -> Pledge:
    """The pledge an anonymous donor holds the receipt code of: the code is the key."""
    pledge = selectors.pledge_by_receipt_digest(drive, receipt_digest(code))
    if pledge is None:
        raise NotFound(_("No pledge has this receipt code."), code="unknown_receipt")
    return pledge


def access_pledge_for_organiser(viewer: Viewer | None, drive_id: int, pledge_id: int) -> Pledge:
    """A pledge of the drive, if `viewer` organises the drive: organisers decide on pledges."""
    drive = access_drive_for_organiser(viewer, drive_id).drive
    pledge = selectors.pledge_of_drive(drive, pledge_id)
    if pledge is None:
        raise NotFound(_("There is no such pledge."), code="unknown_pledge")
    return pledge
