"""Recipients: registered by whoever speaks for them, verified by the organisers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.models import Recipient
from minjian.aid.services.shared import (
    Kind,
    active_account,
    drive_row,
    public_text,
    recipient_row,
    record,
    region_within,
)
from minjian.core.errors import DomainError, PermissionDenied


def recipient_register(
    *,
    actor: User | None,
    drive_id: int,
    name: str,
    kind: str,
    place: str,
    region_code: str,
) -> Recipient:
    """A hospital, clinic or village asks for help; organisers verify it before allocation.

    Whoever registers it (unless an organiser registering it for someone else)
    speaks for it."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied(_("Sign in to register a recipient."))
    if kind not in Recipient.Kind.values:
        raise DomainError("unknown_kind", _("Choose a kind of recipient."), field="kind")
    with transaction.atomic():
        drive = drive_row(drive_id)
        region = region_within(drive, region_code)
        clean_name = public_text(name, field="name", max_length=200, required=True)
        if drive.recipients.filter(name=clean_name).exists():
            raise DomainError(
                "recipient_exists", _("A recipient of this name is registered."), field="name"
            )
        recipient = Recipient.objects.create(
            drive=drive,
            name=clean_name,
            kind=kind,
            place=public_text(place, field="place", max_length=300, required=False),
            region=region,
        )
        if not access.is_organiser(actor, drive):
            recipient.accounts.add(actor)
        record(drive, Kind.RECIPIENT_ADDED, actor, recipient=recipient)
    return recipient


def recipient_attach_account(*, actor: User | None, recipient_id: int, username: str) -> User:
    """An organiser lets another account speak for the recipient (set needs, confirm receipts)."""
    with transaction.atomic():
        recipient = recipient_row(recipient_id, lock=True)
        access.require_organiser(actor, recipient.drive)
        account = active_account(username)
        recipient.accounts.add(account)
        record(
            recipient.drive,
            Kind.ACCOUNT_ATTACHED,
            actor,
            recipient=recipient,
            payload={"account": account.pk},
        )
    return account


def recipient_verify(*, actor: User | None, recipient_id: int) -> Recipient:
    with transaction.atomic():
        recipient = recipient_row(recipient_id, lock=True)
        access.require_organiser(actor, recipient.drive)
        if recipient.verified_at is None:
            recipient.verified_at = timezone.now()
            recipient.save(update_fields=["verified_at"])
            record(recipient.drive, Kind.RECIPIENT_VERIFIED, actor, recipient=recipient)
    return recipient
