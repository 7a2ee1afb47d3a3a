"""A drive in a chosen state, built through the services (so every change has its event)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Drive, Item, Need, Recipient


@dataclass
class DriveSetup:
    drive: Drive
    organiser: User
    recipients: list[Recipient] = field(default_factory=list)
    speakers: list[User] = field(default_factory=list)

    def item(self, name_en: str) -> Item:
        return self.drive.items.get(name_en=name_en)


def make_drive(
    *,
    organiser: User | None = None,
    region_code: str = "420100",
    title: str = "Masks for Wuhan",
    title_zh: str = "",
) -> DriveSetup:
    organiser = organiser or make_user("organiser")
    now = timezone.now()
    drive = services.drive_create(
        actor=organiser,
        title_zh=title_zh,
        title_en=title,
        description="Protective equipment for hospitals.",
        region_code=region_code,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=30),
    )
    return DriveSetup(drive=drive, organiser=organiser)


def add_recipient(
    setup: DriveSetup,
    name: str,
    *,
    region_code: str = "420102",
    verified: bool = True,
    speaker: str | None = None,
) -> Recipient:
    """A recipient registered by its own account (`speaker`), verified by the organiser."""
    account = make_user(speaker or f"{name.lower().replace(' ', '-')}-desk")
    recipient = services.recipient_register(
        actor=account,
        drive_id=setup.drive.pk,
        name=name,
        kind="hospital",
        place="",
        region_code=region_code,
    )
    if verified:
        services.recipient_verify(actor=setup.organiser, recipient_id=recipient.pk)
        recipient.refresh_from_db()
    setup.recipients.append(recipient)
    setup.speakers.append(account)
    return recipient


def add_need(
    setup: DriveSetup, recipient: Recipient, item: Item, quantity: int, priority: str = "normal"
) -> Need:
    return services.need_set(
        actor=setup.organiser,
        recipient_id=recipient.pk,
        item_id=item.pk,
        quantity=quantity,
        priority=priority,
    )


def accepted_pledge(
    setup: DriveSetup, item: Item, quantity: int, *, donor: User, recipient: Recipient | None = None
) -> int:
    made = services.pledge_make(
        actor=donor,
        drive_id=setup.drive.pk,
        item_id=item.pk,
        quantity=quantity,
        earmarked_recipient_id=recipient.pk if recipient else None,
    )
    services.pledge_accept(actor=setup.organiser, pledge_id=made.pledge.pk)
    return made.pledge.pk
