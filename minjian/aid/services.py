"""Every change to a drive: one function per user action, in a transaction, writing its event.

Rows that a change depends on are locked (`select_for_update`) before anything is
counted: the need when a pledge is earmarked for it, the pledge when it is accepted,
the drive during an allocation round, the shipment when it ships or arrives. Two
requests at once are then serialised by the database and never overshoot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.allocation import (
    REGION_WEIGHT_MAX,
    REGION_WEIGHT_MIN,
    NeedInput,
    SupplyInput,
    allocate,
)
from minjian.aid.allocation import Priority as AllocationPriority
from minjian.aid.catalogue import DEFAULT_ITEMS
from minjian.aid.models import (
    AllocationLine,
    AllocationRound,
    Drive,
    DriveEvent,
    Item,
    Need,
    Pledge,
    Priority,
    Recipient,
    RegionWeight,
    Shipment,
)
from minjian.cases.receipts import new_receipt_code, receipt_digest
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.core.text import parse_id
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.redaction import redact

# More of one item than any single drive has handled; a typo guard, not a policy.
MAX_QUANTITY = 10_000_000
# ASCII digits only: str.isdigit() also accepts '¹' and other digits int() refuses.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
Figure = DriveEvent.Figure
Kind = DriveEvent.Kind


def whole_quantity(value: object, *, field: str = "quantity", allow_zero: bool = False) -> int:
    """A count of whole items: refuses zero (unless allowed), negatives, fractions and text."""
    if isinstance(value, bool):
        value = None
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, float | str) and value:
        raise DomainError(
            "quantity_not_whole",
            _("Items are counted whole: give a whole number."),
            field=field,
        )
    if number is None:
        raise DomainError("quantity_missing", _("Give a quantity."), field=field)
    if number < 0 or (number == 0 and not allow_zero):
        raise DomainError(
            "quantity_not_positive", _("The quantity must be at least 1."), field=field
        )
    if number > MAX_QUANTITY:
        raise DomainError(
            "quantity_too_large",
            _("That is more than %(max)d; check the number.") % {"max": MAX_QUANTITY},
            field=field,
        )
    return number


def _clean_text(value: str | None, *, field: str, max_length: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise DomainError(
            "too_long",
            _("At most %(max)d characters.") % {"max": max_length},
            field=field,
        )
    # Public text: personal data becomes a token before it is stored.
    return redact(text).text if text else ""


def _region(code: str | None, *, field: str = "region") -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise DomainError("unknown_region", _("Choose a known region."), field=field)
    return region


def _drive(drive_id: int, *, lock: bool = False) -> Drive:
    drives = Drive.objects.select_for_update() if lock else Drive.objects.all()
    drive = drives.filter(pk=drive_id).first()
    if drive is None:
        raise NotFound(_("There is no such drive."), code="unknown_drive")
    return drive


def _item(drive: Drive, item_id: object) -> Item:
    pk = parse_id(item_id if isinstance(item_id, int) else str(item_id))
    item = drive.items.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise DomainError(
            "unknown_item", _("This item is not in the drive's catalogue."), field="item"
        )
    return item


def _event(drive: Drive, kind: str, actor: User | None, **fields: object) -> DriveEvent:
    payload = fields.pop("payload", {})
    return DriveEvent.objects.create(drive=drive, kind=kind, actor=actor, payload=payload, **fields)


# Drives and their catalogue ------------------------------------------------------


def drive_create(
    *,
    actor: User,
    title: str,
    description: str,
    region_code: str,
    starts_at: datetime,
    ends_at: datetime,
    organisation_slug: str = "",
    organisers: Sequence[User] = (),
) -> Drive:
    """A new drive with the standard catalogue; the actor is one of its organisers."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied(_("Sign in to start a drive."))
    clean_title = _clean_text(title, field="title", max_length=200, required=True)
    clean_description = _clean_text(
        description, field="description", max_length=5000, required=False
    )
    region = _region(region_code)
    if ends_at <= starts_at:
        raise DomainError(
            "window_reversed", _("The drive must end after it starts."), field="ends_at"
        )
    organisation: Organisation | None = None
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise DomainError(
                "unknown_organisation", _("There is no such organisation."), field="organisation"
            )
        if not Membership.objects.filter(organisation=organisation, user=actor).exists():
            raise PermissionDenied(_("Only members may start a drive for their organisation."))
    with transaction.atomic():
        drive = Drive.objects.create(
            title=clean_title,
            description=clean_description,
            region=region,
            starts_at=starts_at,
            ends_at=ends_at,
            organisation=organisation,
        )
        drive.organisers.add(actor, *organisers)
        Item.objects.bulk_create(
            Item(drive=drive, name_zh=zh, name_en=en, unit_zh=unit_zh, unit_en=unit_en)
            for zh, en, unit_zh, unit_en in DEFAULT_ITEMS
        )
        _event(
            drive,
            Kind.CREATED,
            actor,
            payload={"organisers": [user.pk for user in (actor, *organisers)]},
        )
    return drive


def item_add(
    *, actor: User | None, drive_id: int, name_zh: str, name_en: str, unit_zh: str, unit_en: str
) -> Item:
    with transaction.atomic():
        drive = _drive(drive_id, lock=True)
        access.require_organiser(actor, drive)
        name = _clean_text(name_zh, field="name_zh", max_length=200, required=True)
        if drive.items.filter(name_zh=name).exists():
            raise DomainError(
                "item_exists", _("The catalogue already has this item."), field="name_zh"
            )
        item = Item.objects.create(
            drive=drive,
            name_zh=name,
            name_en=_clean_text(name_en, field="name_en", max_length=200, required=False),
            unit_zh=_clean_text(unit_zh, field="unit_zh", max_length=40, required=True),
            unit_en=_clean_text(unit_en, field="unit_en", max_length=40, required=False),
        )
        _event(drive, Kind.ITEM_ADDED, actor, item=item)
    return item


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
        drive = _drive(drive_id, lock=True)
        access.require_organiser(actor, drive)
        region = _region(region_code)
        if not region.path.startswith(drive.region.path):
            raise DomainError(
                "region_outside_drive",
                _("This region is outside the drive's region."),
                field="region",
            )
        region_weight, _created = RegionWeight.objects.update_or_create(
            drive=drive, region=region, defaults={"weight": weight}
        )
        _event(
            drive,
            Kind.REGION_WEIGHTED,
            actor,
            payload={"region": region.code, "weight": weight},
        )
    return region_weight


# Recipients and needs ---------------------------------------------------------------


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
        drive = _drive(drive_id)
        region = _region(region_code)
        if not region.path.startswith(drive.region.path):
            raise DomainError(
                "region_outside_drive",
                _("This region is outside the drive's region."),
                field="region",
            )
        clean_name = _clean_text(name, field="name", max_length=200, required=True)
        if drive.recipients.filter(name=clean_name).exists():
            raise DomainError(
                "recipient_exists", _("A recipient of this name is registered."), field="name"
            )
        recipient = Recipient.objects.create(
            drive=drive,
            name=clean_name,
            kind=kind,
            place=_clean_text(place, field="place", max_length=300, required=False),
            region=region,
        )
        if not access.is_organiser(actor, drive):
            recipient.accounts.add(actor)
        _event(drive, Kind.RECIPIENT_ADDED, actor, recipient=recipient)
    return recipient


def _account(username: str, *, field: str) -> User:
    account = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if account is None:
        raise DomainError("unknown_account", _("There is no account of this name."), field=field)
    return account


def drive_add_organiser(*, actor: User | None, drive_id: int, username: str) -> User:
    """An organiser lists another account as organiser of the drive."""
    with transaction.atomic():
        drive = _drive(drive_id, lock=True)
        access.require_organiser(actor, drive)
        account = _account(username, field="username")
        drive.organisers.add(account)
        _event(drive, Kind.ORGANISER_ADDED, actor, payload={"account": account.pk})
    return account


def recipient_attach_account(*, actor: User | None, recipient_id: int, username: str) -> User:
    """An organiser lets another account speak for the recipient (set needs, confirm receipts)."""
    with transaction.atomic():
        recipient = _recipient(recipient_id, lock=True)
        access.require_organiser(actor, recipient.drive)
        account = _account(username, field="username")
        recipient.accounts.add(account)
        _event(
            recipient.drive,
            Kind.ACCOUNT_ATTACHED,
            actor,
            recipient=recipient,
            payload={"account": account.pk},
        )
    return account


def _recipient(recipient_id: int, *, lock: bool = False) -> Recipient:
    recipients = Recipient.objects.select_related("drive", "region")
    if lock:
        recipients = recipients.select_for_update(of=("self",))
    recipient = recipients.filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound(_("There is no such recipient."), code="unknown_recipient")
    return recipient


def recipient_verify(*, actor: User | None, recipient_id: int) -> Recipient:
    with transaction.atomic():
        recipient = _recipient(recipient_id, lock=True)
        access.require_organiser(actor, recipient.drive)
        if recipient.verified_at is None:
            recipient.verified_at = timezone.now()
            recipient.save(update_fields=["verified_at"])
            _event(recipient.drive, Kind.RECIPIENT_VERIFIED, actor, recipient=recipient)
    return recipient


def need_set(
    *,
    actor: User | None,
    recipient_id: int,
    item_id: object,
    quantity: object,
    priority: str,
    deadline: date | None = None,
) -> Need:
    """Create or change a recipient's need of an item. The event records by how much
    the need moved; it can never go below what is already allocated to it."""
    count = whole_quantity(quantity)
    if priority not in Priority.values:
        raise DomainError("unknown_priority", _("Choose a priority."), field="priority")
    with transaction.atomic():
        recipient = _recipient(recipient_id)
        access.require_recipient_or_organiser(actor, recipient)
        item = _item(recipient.drive, item_id)
        need = Need.objects.select_for_update().filter(recipient=recipient, item=item).first()
        before = 0
        if need is None:
            need = Need(recipient=recipient, item=item)
        else:
            before = need.quantity
            allocated = _allocated_to(need)
            if count < allocated:
                raise DomainError(
                    "need_below_allocated",
                    _("%(allocated)d are already allocated to this need: it cannot be less.")
                    % {"allocated": allocated},
                    field="quantity",
                )
        need.quantity = count
        need.priority = priority
        need.deadline = deadline
        need.updated_at = timezone.now()
        need.save()
        _event(
            recipient.drive,
            Kind.NEED_SET,
            actor,
            recipient=recipient,
            item=item,
            figure=Figure.NEEDED,
            delta=count - before,
            payload={
                "need": need.pk,
                "quantity": count,
                "priority": priority,
                "deadline": deadline.isoformat() if deadline else None,
            },
        )
    return need


def _allocated_to(need: Need) -> int:
    return int(need.allocation_lines.aggregate(total=Sum("quantity"))["total"] or 0)


# Pledges --------------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeMade:
    pledge: Pledge
    # Only for an anonymous donor, and only in this answer: nothing but its digest is kept.
    receipt_code: str | None


def pledge_make(
    *,
    actor: User | None,
    drive_id: int,
    item_id: object,
    quantity: object,
    organisation_slug: str = "",
    earmarked_recipient_id: int | None = None,
) -> PledgeMade:
    """A donor offers so many of an item, perhaps for one recipient; organisers accept it later.

    An earmarked pledge can promise at most what the need still lacks after the
    other earmarked pledges and the allocations already made: the need's row is
    locked while this is counted, so pledges sent at once never overshoot it."""
    count = whole_quantity(quantity)
    donor = actor if isinstance(actor, User) and actor.is_active else None
    with transaction.atomic():
        drive = _drive(drive_id)
        if not drive.is_open():
            raise DomainError(
                "drive_closed",
                _("This drive is not taking pledges: it runs from %(start)s to %(end)s.")
                % {
                    "start": timezone.localtime(drive.starts_at).date().isoformat(),
                    "end": timezone.localtime(drive.ends_at).date().isoformat(),
                },
                status=409,
            )
        item = _item(drive, item_id)
        organisation: Organisation | None = None
        if organisation_slug:
            organisation = Organisation.objects.filter(slug=organisation_slug).first()
            if (
                donor is None
                or organisation is None
                or not (Membership.objects.filter(organisation=organisation, user=donor).exists())
            ):
                raise PermissionDenied(
                    _("Only members may pledge in their organisation's name."),
                    code="not_a_member",
                )
        need: Need | None = None
        if earmarked_recipient_id is not None:
            need = (
                Need.objects.select_for_update()
                .filter(recipient_id=earmarked_recipient_id, recipient__drive=drive, item=item)
                .select_related("recipient")
                .first()
            )
            if need is None or not need.recipient.is_verified:
                raise DomainError(
                    "no_such_need",
                    _("This recipient has no verified need of this item."),
                    field="recipient",
                )
            still_lacking = need.quantity - _promised_to(need)
            if count > still_lacking:
                raise DomainError(
                    "need_overshoot",
                    _("This need lacks only %(open)d more.") % {"open": max(still_lacking, 0)},
                    field="quantity",
                    status=409,
                    details={"open": max(still_lacking, 0)},
                )
        code = new_receipt_code() if donor is None else None
        pledge = Pledge.objects.create(
            drive=drive,
            item=item,
            quantity=count,
            donor=donor if organisation is None else None,
            donor_organisation=organisation,
            receipt_digest=receipt_digest(code) if code else "",
            earmarked_need=need,
        )
        _event(
            drive,
            Kind.PLEDGED,
            donor,
            item=item,
            recipient=need.recipient if need else None,
            payload={"pledge": pledge.pk, "quantity": count},
        )
    return PledgeMade(pledge=pledge, receipt_code=code)


def _promised_to(need: Need) -> int:
    """Earmarked pledges still standing plus what general supply already gave it."""
    earmarked = need.earmarked_pledges.exclude(state=Pledge.State.DECLINED).aggregate(
        total=Sum("quantity")
    )["total"]
    general = need.allocation_lines.filter(pledge__earmarked_need__isnull=True).aggregate(
        total=Sum("quantity")
    )["total"]
    return int(earmarked or 0) + int(general or 0)


def pledge_by_receipt(*, drive_id: int, code: str) -> Pledge:
    pledge = (
        Pledge.objects.select_related("item")
        .filter(drive_id=drive_id, receipt_digest=receipt_digest(code))
        .first()
    )
    if pledge is None:
        raise NotFound(_("No pledge has this receipt code."), code="unknown_receipt")
    return pledge


def _decide(actor: User | None, pledge_id: int, state: str, kind: str, reason: str) -> Pledge:
    with transaction.atomic():
        pledge = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("drive", "item", "earmarked_need")
            .filter(pk=pledge_id)
            .first()
        )
        if pledge is None:
            raise NotFound(_("There is no such pledge."), code="unknown_pledge")
        access.require_organiser(actor, pledge.drive)
        if pledge.state != Pledge.State.PENDING:
            raise DomainError(
                "pledge_decided",
                _("This pledge was already %(state)s.") % {"state": pledge.get_state_display()},
                status=409,
            )
        pledge.state = state
        pledge.save(update_fields=["state"])
        accepted = state == Pledge.State.ACCEPTED
        _event(
            pledge.drive,
            kind,
            actor,
            item=pledge.item,
            recipient_id=pledge.earmarked_need.recipient_id if pledge.earmarked_need else None,
            figure=Figure.PLEDGED if accepted else "",
            delta=pledge.quantity if accepted else 0,
            payload={
                "pledge": pledge.pk,
                "quantity": pledge.quantity,
                "reason": _clean_text(reason, field="reason", max_length=500, required=False),
            },
        )
    return pledge


def pledge_accept(*, actor: User | None, pledge_id: int) -> Pledge:
    return _decide(actor, pledge_id, Pledge.State.ACCEPTED, Kind.PLEDGE_ACCEPTED, "")


def pledge_decline(*, actor: User | None, pledge_id: int, reason: str = "") -> Pledge:
    return _decide(actor, pledge_id, Pledge.State.DECLINED, Kind.PLEDGE_DECLINED, reason)


# Allocation -------------------------------------------------------------------------


def _region_weight_of(recipient: Recipient, weights: Sequence[RegionWeight]) -> float:
    """The weight of the most specific weighted region that contains the recipient."""
    best: RegionWeight | None = None
    for candidate in weights:
        if recipient.region.path.startswith(candidate.region.path) and (
            best is None or len(candidate.region.path) > len(best.region.path)
        ):
            best = candidate
    return best.weight if best else 1.0


def drive_allocate(*, actor: User | None, drive_id: int) -> AllocationRound:
    """One allocation round: earmarked pledges first, to their need; then the rest of the
    accepted supply shared by `allocation.allocate` among the open needs of verified
    recipients, each line stored with the reasons it got its share."""
    with transaction.atomic():
        drive = _drive(drive_id, lock=True)
        user = access.require_organiser(actor, drive)
        needs = list(
            Need.objects.select_for_update(of=("self",))
            .filter(recipient__drive=drive, recipient__verified_at__isnull=False)
            .select_related("recipient__region")
            .order_by("pk")
        )
        allocated: dict[int, int] = defaultdict(int)
        for row in (
            AllocationLine.objects.filter(need__in=needs)
            .values("need_id")
            .annotate(total=Sum("quantity"))
        ):
            allocated[row["need_id"]] = int(row["total"])
        needed_by_recipient: dict[int, int] = defaultdict(int)
        allocated_by_recipient: dict[int, int] = defaultdict(int)
        for need in needs:
            needed_by_recipient[need.recipient_id] += need.quantity
            allocated_by_recipient[need.recipient_id] += allocated[need.pk]
        weights = list(drive.region_weights.select_related("region"))
        met_share = {
            recipient_id: allocated_by_recipient[recipient_id] / needed
            for recipient_id, needed in needed_by_recipient.items()
        }
        region_weight = {
            need.recipient_id: _region_weight_of(need.recipient, weights) for need in needs
        }
        pledges = _accepted_pledges(drive)
        round_ = AllocationRound.objects.create(drive=drive, actor=user)
        by_pk = {need.pk: need for need in needs}
        lines: list[AllocationLine] = []

        def explain(need: Need, *, earmarked: bool) -> dict[str, object]:
            return {
                "earmarked": earmarked,
                "priority": need.priority,
                "met_share": round(met_share[need.recipient_id], 4),
                "region_weight": region_weight[need.recipient_id],
            }

        general: list[SupplyInput] = []
        for pledge, remaining in pledges:
            if pledge.earmarked_need_id is None:
                general.append(
                    SupplyInput(pledge_id=pledge.pk, item_id=pledge.item_id, quantity=remaining)
                )
                continue
            earmarked = by_pk.get(pledge.earmarked_need_id)
            if earmarked is None:
                continue
            quantity = min(remaining, earmarked.quantity - allocated[earmarked.pk])
            if quantity > 0:
                allocated[earmarked.pk] += quantity
                lines.append(
                    AllocationLine(
                        round=round_,
                        need=earmarked,
                        pledge=pledge,
                        quantity=quantity,
                        weight=1.0,
                        explanation=explain(earmarked, earmarked=True),
                    )
                )
        inputs = [
            NeedInput(
                need_id=need.pk,
                recipient_id=need.recipient_id,
                item_id=need.item_id,
                open_quantity=need.quantity - allocated[need.pk],
                priority=AllocationPriority(need.priority),
                met_share=met_share[need.recipient_id],
                region_weight=region_weight[need.recipient_id],
            )
            for need in needs
            if need.quantity > allocated[need.pk]
        ]
        pledge_by_pk = {pledge.pk: pledge for pledge, _remaining in pledges}
        for line in allocate(inputs, general).lines:
            lines.append(
                AllocationLine(
                    round=round_,
                    need=by_pk[line.need_id],
                    pledge=pledge_by_pk[line.pledge_id],
                    quantity=line.quantity,
                    weight=line.weight,
                    explanation={
                        "earmarked": False,
                        "priority": str(line.explanation.priority),
                        "met_share": line.explanation.met_share,
                        "region_weight": line.explanation.region_weight,
                    },
                )
            )
        AllocationLine.objects.bulk_create(lines)
        _event(
            drive,
            Kind.ALLOCATION_ROUND,
            user,
            payload={"round": round_.pk, "lines": len(lines)},
        )
        DriveEvent.objects.bulk_create(
            DriveEvent(
                drive=drive,
                kind=Kind.ALLOCATED,
                actor=user,
                recipient_id=line.need.recipient_id,
                item_id=line.need.item_id,
                figure=Figure.ALLOCATED,
                delta=line.quantity,
                payload={
                    "round": round_.pk,
                    "line": line.pk,
                    "need": line.need_id,
                    "pledge": line.pledge_id,
                    "quantity": line.quantity,
                    "explanation": line.explanation,
                },
            )
            for line in lines
        )
    return round_


def _accepted_pledges(drive: Drive) -> list[tuple[Pledge, int]]:
    """Accepted pledges of the drive, locked, with what is left of each to allocate."""
    pledges = list(
        Pledge.objects.select_for_update()
        .filter(drive=drive, state=Pledge.State.ACCEPTED)
        .order_by("pk")
    )
    given: dict[int, int] = {
        row["pledge_id"]: int(row["total"])
        for row in AllocationLine.objects.filter(pledge__in=pledges)
        .values("pledge_id")
        .annotate(total=Sum("quantity"))
    }
    return [
        (pledge, pledge.quantity - given.get(pledge.pk, 0))
        for pledge in pledges
        if pledge.quantity > given.get(pledge.pk, 0)
    ]


# Shipments and receipts -----------------------------------------------------------


def _shipment(shipment_id: int) -> Shipment:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("line__need__recipient__drive", "line__need__item", "line__pledge")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound(_("There is no such shipment."), code="unknown_shipment")
    return shipment


def _may_ship(actor: User | None, line: AllocationLine) -> User:
    drive = line.need.recipient.drive
    if isinstance(actor, User) and (
        access.is_organiser(actor, drive) or (line.pledge.donor_id == actor.pk)
    ):
        return actor
    raise PermissionDenied(
        _("Only the drive's organisers and the donor may send this shipment."),
        code="not_entitled",
    )


def shipment_plan(*, actor: User | None, line_id: int, courier_note: str = "") -> Shipment:
    """An allocation line becomes a shipment: at most once, so no pledge ships twice."""
    with transaction.atomic():
        line = (
            AllocationLine.objects.select_for_update(of=("self",))
            .select_related("need__recipient__drive", "need__item", "pledge")
            .filter(pk=line_id)
            .first()
        )
        if line is None:
            raise NotFound(_("There is no such allocation line."), code="unknown_line")
        user = _may_ship(actor, line)
        if Shipment.objects.filter(line=line).exists():
            raise DomainError(
                "already_shipped",
                _("This allocation already has its shipment."),
                status=409,
            )
        shipment = Shipment.objects.create(
            line=line,
            courier_note=_clean_text(
                courier_note, field="courier_note", max_length=300, required=False
            ),
        )
        _event(
            line.need.recipient.drive,
            Kind.SHIPMENT_PLANNED,
            user,
            recipient=line.need.recipient,
            item=line.need.item,
            payload={"shipment": shipment.pk, "line": line.pk, "quantity": line.quantity},
        )
    return shipment


def shipment_send(
    *,
    actor: User | None,
    shipment_id: int,
    sent_quantity: object | None = None,
    courier_note: str = "",
) -> Shipment:
    """Planned → shipped, with how many actually left (at most the allocated quantity)."""
    with transaction.atomic():
        shipment = _shipment(shipment_id)
        line = shipment.line
        user = _may_ship(actor, line)
        if shipment.state != Shipment.State.PLANNED:
            raise DomainError("already_shipped", _("This shipment has already left."), status=409)
        sent = (
            line.quantity
            if sent_quantity in (None, "")
            else whole_quantity(sent_quantity, field="sent_quantity")
        )
        if sent > line.quantity:
            raise DomainError(
                "above_allocated",
                _("Only %(quantity)d were allocated for this shipment.")
                % {"quantity": line.quantity},
                field="sent_quantity",
            )
        shipment.state = Shipment.State.SHIPPED
        shipment.sent_quantity = sent
        shipment.shipped_at = timezone.now()
        if courier_note:
            shipment.courier_note = _clean_text(
                courier_note, field="courier_note", max_length=300, required=False
            )
        shipment.save()
        _event(
            line.need.recipient.drive,
            Kind.SHIPPED,
            user,
            recipient=line.need.recipient,
            item=line.need.item,
            figure=Figure.SHIPPED,
            delta=sent,
            payload={"shipment": shipment.pk, "line": line.pk, "quantity": sent},
        )
    return shipment


def shipment_confirm_receipt(
    *,
    actor: User | None,
    shipment_id: int,
    received_quantity: object,
    damaged_quantity: object = 0,
    returned_quantity: object = 0,
    note: str = "",
    on_behalf_reason: str = "",
) -> Shipment:
    """What actually arrived. The recipient's own accounts confirm it; an organiser may,
    for the recipient, only with a written reason. Shortfalls and damage are recorded
    beside the received quantity, never folded into it."""
    received = whole_quantity(received_quantity, field="received_quantity", allow_zero=True)
    damaged = whole_quantity(damaged_quantity or 0, field="damaged_quantity", allow_zero=True)
    returned = whole_quantity(returned_quantity or 0, field="returned_quantity", allow_zero=True)
    with transaction.atomic():
        shipment = _shipment(shipment_id)
        recipient = shipment.line.need.recipient
        reason = ""
        if not access.speaks_for(actor, recipient):
            if not access.is_organiser(actor, recipient.drive):
                raise PermissionDenied(
                    _("Only the recipient, or an organiser on its behalf, confirms a receipt."),
                    code="not_entitled",
                )
            reason = _clean_text(
                on_behalf_reason, field="on_behalf_reason", max_length=500, required=False
            )
            if not reason:
                raise DomainError(
                    "reason_required",
                    _("An organiser confirming for the recipient must say why."),
                    field="on_behalf_reason",
                )
        if shipment.state != Shipment.State.SHIPPED:
            raise DomainError(
                "not_in_transit",
                _("Only a shipment that was sent and not yet confirmed can be received."),
                status=409,
            )
        sent = shipment.sent_quantity or 0
        if received + returned > sent:
            raise DomainError(
                "receipt_above_shipped",
                _("Only %(sent)d were shipped: received and returned cannot add up to more.")
                % {"sent": sent},
                field="received_quantity",
            )
        if damaged > received:
            raise DomainError(
                "damaged_above_received",
                _("More items cannot be damaged than arrived."),
                field="damaged_quantity",
            )
        assert isinstance(actor, User)
        shipment.state = Shipment.State.RECEIVED
        shipment.received_quantity = received
        shipment.damaged_quantity = damaged
        shipment.returned_quantity = returned
        shipment.receipt_note = _clean_text(note, field="note", max_length=500, required=False)
        shipment.on_behalf_reason = reason
        shipment.confirmed_by = actor
        shipment.received_at = timezone.now()
        shipment.save()
        _event(
            recipient.drive,
            Kind.RECEIVED,
            actor,
            recipient=recipient,
            item=shipment.line.need.item,
            figure=Figure.RECEIVED,
            delta=received,
            payload={
                "shipment": shipment.pk,
                "sent": sent,
                "received": received,
                "damaged": damaged,
                "returned": returned,
                "shortfall": sent - received - returned,
                "on_behalf_reason": reason,
                "note": shipment.receipt_note,
            },
        )
    return shipment
