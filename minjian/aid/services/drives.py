"""Drives: starting one, its catalogue, its organisers and the weight of its regions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.allocation import REGION_WEIGHT_MAX, REGION_WEIGHT_MIN
from minjian.aid.catalogue import DEFAULT_ITEMS
from minjian.aid.models import Drive, Item, RegionWeight
from minjian.aid.services.shared import (
    Kind,
    active_account,
    catalogue_item,
    drive_row,
    known_region,
    public_text,
    record,
    region_within,
    whole_quantity,
)
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import is_member, organisation_by_slug


def drive_create(
    *,
    actor: User,
    title_zh: str,
    title_en: str,
    description: str,
    region_code: str,
    starts_at: datetime,
    ends_at: datetime,
    organisation_slug: str = "",
    organisers: Sequence[User] = (),
) -> Drive:
    """A new drive with the standard catalogue; the actor is one of its organisers. Its
    title is given in Chinese, in English, or both."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied(_("Sign in to start a drive."))
    drive = _checked_drive(
        title_zh=title_zh,
        title_en=title_en,
        description=description,
        region_code=region_code,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    drive.organisation = _organising_organisation(actor, organisation_slug)
    with transaction.atomic():
        drive.save()
        drive.organisers.add(actor, *organisers)
        Item.objects.bulk_create(
            Item(drive=drive, name_zh=zh, name_en=en, unit_zh=unit_zh, unit_en=unit_en)
            for zh, en, unit_zh, unit_en in DEFAULT_ITEMS
        )
        record(
            drive,
            Kind.CREATED,
            actor,
            payload={"organisers": [user.pk for user in (actor, *organisers)]},
        )
    return drive


def _checked_drive(
    *,
    title_zh: str,
    title_en: str,
    description: str,
    region_code: str,
    starts_at: datetime,
    ends_at: datetime,
) -> Drive:
    """The new drive's own fields, checked and cleaned; not saved yet."""
    drive = Drive(
        title_zh=public_text(title_zh, field="title_zh", max_length=200, required=False),
        title_en=public_text(title_en, field="title_en", max_length=200, required=False),
        description=public_text(description, field="description", max_length=5000, required=False),
        region=known_region(region_code),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if not (drive.title_zh or drive.title_en):
        raise DomainError(
            "title_missing",
            _("Give the drive a title, in Chinese or in English."),
            field="title_zh",
        )
    if ends_at <= starts_at:
        raise DomainError(
            "window_reversed", _("The drive must end after it starts."), field="ends_at"
        )
    return drive


def _organising_organisation(actor: User, slug: str) -> Organisation | None:
    """The organisation a drive is started for (its members all organise it), if any."""
    if not slug:
        return None
    try:
        organisation = organisation_by_slug(slug)
    except NotFound:
        raise DomainError(
            "unknown_organisation", _("There is no such organisation."), field="organisation"
        ) from None
    if not is_member(actor, organisation):
        raise PermissionDenied(_("Only members may start a drive for their organisation."))
    return organisation


def item_add(
    *, actor: User | None, drive_id: int, name_zh: str, name_en: str, unit_zh: str, unit_en: str
) -> Item:
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        access.require_organiser(actor, drive)
        name = public_text(name_zh, field="name_zh", max_length=200, required=True)
        if drive.items.filter(name_zh=name).exists():
            raise DomainError(
                "item_exists", _("The catalogue already has this item."), field="name_zh"
            )
        item = Item.objects.create(
            drive=drive,
            name_zh=name,
            name_en=public_text(name_en, field="name_en", max_length=200, required=False),
            unit_zh=public_text(unit_zh, field="unit_zh", max_length=40, required=True),
            unit_en=public_text(unit_en, field="unit_en", max_length=40, required=False),
        )
        record(drive, Kind.ITEM_ADDED, actor, item=item)
    return item


def item_set_min_line(
    *, actor: User | None, drive_id: int, item_id: object, quantity: object
) -> Item:
    """The smallest allocation line of an item of the catalogue: allocation rounds send
    no line below it but a whole pledge or a whole need. The drive is locked, as a round
    locks it: a round runs with the minimums from before or after, never half of each."""
    count = whole_quantity(quantity, field="min_line_quantity")
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        access.require_organiser(actor, drive)
        item = catalogue_item(drive, item_id)
        before = item.min_line_quantity
        item.min_line_quantity = count
        item.save(update_fields=["min_line_quantity"])
        record(
            drive,
            Kind.MIN_LINE_SET,
            actor,
            item=item,
            payload={"min_line_quantity": count, "before": before},
        )
    return item


def drive_add_organiser(*, actor: User | None, drive_id: int, username: str) -> User:
    """An organiser lists another account as organiser of the drive."""
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        access.require_organiser(actor, drive)
        account = active_account(username)
        drive.organisers.add(account)
        record(drive, Kind.ORGANISER_ADDED, actor, payload={"account": account.pk})
    return account


def region_weight_set(
    *, actor: User | None, drive_id: int, region_code: str, weight: float
) -> RegionWeight:
    """How much more (or less) the needs within a region count in allocation."""
    if not REGION_WEIGHT_MIN <= weight <= REGION_WEIGHT_MAX:
        raise DomainError(
            "weight_out_of_range",
            _("A weight is between %(min)s and %(max)s.")
            % {"min": REGION_WEIGHT_MIN, "max": REGION_WEIGHT_MAX},
            field="weight",
        )
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        access.require_organiser(actor, drive)
        region = region_within(drive, region_code)
        region_weight, _created = RegionWeight.objects.update_or_create(
            drive=drive, region=region, defaults={"weight": weight}
        )
        record(
            drive,
            Kind.REGION_WEIGHTED,
            actor,
            payload={"region": region.code, "weight": weight},
        )
    return region_weight
