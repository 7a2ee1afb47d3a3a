"""Reads of drives: lists, the drive page, the organisers' desk, and the public ledger
summed from events. Lookups by id answer None for what is not there; the doors in
`access.py` turn that into the right refusal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import numpy as np
from django.db.models import Case, Count, IntegerField, Max, Prefetch, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from minjian.accounts.models import User
from minjian.aid.allocation import PRIORITY_CODE, Floats, Ints, SupplyColumns
from minjian.aid.models import (
    AllocationLine,
    AllocationRound,
    Drive,
    DriveEvent,
    Item,
    Need,
    Pledge,
    Recipient,
    RegionWeight,
    Shipment,
)
from minjian.orgs.selectors import Viewer, organisations_of
from minjian.places.selectors import region_with_descendants, regions_by_codes

FIGURES: tuple[str, ...] = tuple(DriveEvent.Figure.values)


# Drives ---------------------------------------------------------------------------


def drive_list() -> QuerySet[Drive]:
    return Drive.objects.select_related("region", "organisation").annotate(
        recipient_count=Count("recipients", distinct=True)
    )


def drives_with_catalogue() -> QuerySet[Drive]:
    """Every drive with its items, for the API's list."""
    return drive_list().prefetch_related("items")


def drive_by_id(drive_id: int) -> Drive | None:
    return Drive.objects.select_related("region", "organisation").filter(pk=drive_id).first()


def catalogue(drive: Drive) -> QuerySet[Item]:
    """The items of the drive (from the prefetched ones when the drive came with them)."""
    return drive.items.all()


def organisation_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The organisations `viewer` may act for (start a drive, pledge), as (slug, name)."""
    return [
        (organisation.slug, organisation.name)
        for organisation in organisations_of(viewer).order_by("slug")
    ]


def region_choices(drive: Drive) -> list[tuple[str, str]]:
    """The drive's region and every region within it, for recipient and weight forms."""
    regions = region_with_descendants(drive.region).order_by("path")
    return [(region.code, f"{region.name} ({region.code})") for region in regions]


# Recipients and needs ---------------------------------------------------------------


def recipients_with_needs(drive: Drive) -> QuerySet[Recipient]:
    return drive.recipients.select_related("region").prefetch_related(
        Prefetch("needs", queryset=Need.objects.select_related("item").order_by("item_id"))
    )


def recipient_of_drive(drive: Drive, recipient_id: int) -> Recipient | None:
    return drive.recipients.select_related("region").filter(pk=recipient_id).first()


def verified_recipients(drive: Drive) -> QuerySet[Recipient]:
    """The recipients a pledge may be earmarked for."""
    return drive.recipients.filter(verified_at__isnull=False)


# Pledges, allocation and shipments -----------------------------------------------------


def pledge_of_drive(drive: Drive, pledge_id: int) -> Pledge | None:
    return drive.pledges.filter(pk=pledge_id).first()


def pledge_by_receipt_digest(drive: Drive, digest: str) -> Pledge | None:
    return drive.pledges.select_related("item").filter(receipt_digest=digest).first()


def pledge_lines(pledge: Pledge) -> QuerySet[AllocationLine]:
    """Where a pledge went: its allocation lines, each with its recipient and shipment."""
    return pledge.allocation_lines.select_related("need__recipient", "shipment")


def round_lines(round_: AllocationRound) -> QuerySet[AllocationLine]:
    return round_.lines.select_related("need").order_by("id")


@dataclass(frozen=True)
class RoundSummary:
    lines: int
    units: int


def round_summary(round_: AllocationRound) -> RoundSummary:
    """How many lines a round made and how many units they hand out, in one query."""
    totals = round_.lines.aggregate(lines=Count("id"), units=Sum("quantity"))
    return RoundSummary(lines=int(totals["lines"]), units=int(totals["units"] or 0))


def shipment_of_drive(drive: Drive, shipment_id: int) -> Shipment | None:
    """With its recipient and the recipient's drive: who may confirm it depends on both."""
    return (
        Shipment.objects.select_related("line__need__recipient__drive", "line__need__item")
        .filter(pk=shipment_id, line__need__recipient__drive=drive)
        .first()
    )


def deliveries_to_confirm(viewer: Viewer) -> QuerySet[Shipment]:
    """Shipments on their way to the recipients `viewer` speaks for, in every drive:
    what she is to count and confirm when it arrives. None for anyone signed out."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return Shipment.objects.none()
    return (
        Shipment.objects.filter(
            state=Shipment.State.SHIPPED, line__need__recipient__accounts=viewer
        )
        .select_related("line__need__recipient__drive", "line__need__item")
        .order_by("shipped_at", "id")
    )


def shipments_for_recipient(recipient: Recipient) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(line__need__recipient=recipient)
        .select_related("line__need__item", "line__pledge")
        .order_by("-id")
    )


@dataclass(frozen=True)
class OrganiserDesk:
    """What waits for a drive's organisers, and who and what they work with."""

    pending: QuerySet[Pledge]
    unverified: QuerySet[Recipient]
    recipients: QuerySet[Recipient]
    organisers: QuerySet[User]
    lines: QuerySet[AllocationLine]
    planned: QuerySet[Shipment]
    in_transit: QuerySet[Shipment]
    weights: QuerySet[RegionWeight]
    items: QuerySet[Item]


def organiser_desk(drive: Drive) -> OrganiserDesk:
    return OrganiserDesk(
        pending=drive.pledges.filter(state=Pledge.State.PENDING).select_related(
            "item", "donor", "donor_organisation", "earmarked_need__recipient"
        ),
        unverified=drive.recipients.filter(verified_at__isnull=True),
        recipients=drive.recipients.all(),
        organisers=drive.organisers.order_by("username"),
        # Allocated, not yet planned as a shipment.
        lines=AllocationLine.objects.filter(need__recipient__drive=drive, shipment__isnull=True)
        .select_related("need__recipient", "need__item", "pledge")
        .order_by("id"),
        # Planned, to send; then on their way (received ones are in the ledger).
        planned=_shipments_of(drive, Shipment.State.PLANNED),
        in_transit=_shipments_of(drive, Shipment.State.SHIPPED),
        weights=drive.region_weights.select_related("region"),
        items=drive.items.all(),
    )


def _shipments_of(drive: Drive, state: str) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(line__need__recipient__drive=drive, state=state)
        .select_related("line__need__recipient", "line__need__item")
        .order_by("id")
    )


# The inputs of an allocation round --------------------------------------------------
# Read in the round's transaction with their rows locked, as columns for
# `allocation.allocate` (NumPy arrays): a drive's ten thousand needs read as model
# instances took longer than the allocation itself.


@dataclass(frozen=True)
class RoundNeeds:
    """The needs of the drive's verified recipients, by need id: entry i of every array
    is need i."""

    need_id: Ints
    recipient_id: Ints
    item_id: Ints
    quantity: Ints
    allocated: Ints  # by the rounds before this one
    priority: Ints  # allocation.PRIORITY_CODE
    region_weight: Floats  # of the recipient's region, see `_region_weight`


class EarmarkedSupply(NamedTuple):
    pledge_id: int
    need_id: int
    remaining: int


@dataclass(frozen=True)
class RoundSupply:
    """What is left to allocate of the drive's accepted pledges, by pledge id."""

    general: SupplyColumns  # earmarked for no one: shared out
    earmarked: list[EarmarkedSupply]  # each for its own need


_PRIORITY_CODE = Case(
    *(When(priority=priority.value, then=Value(code)) for priority, code in PRIORITY_CODE.items()),
    output_field=IntegerField(),
)


def round_needs(drive: Drive) -> RoundNeeds:
    """The needs an allocation round shares supply among, locked (call it in the round's
    transaction)."""
    rows = list(
        Need.objects.select_for_update(of=("self",))
        .filter(recipient__drive=drive, recipient__verified_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "recipient_id", "item_id", "quantity", _PRIORITY_CODE)
    )
    need_id, recipient_id, item_id, quantity, priority = _columns(rows, 5)
    need_ids = np.array(need_id, dtype=np.int64)
    allocated = np.zeros(len(need_ids), dtype=np.int64)
    given = list(
        AllocationLine.objects.filter(
            need__recipient__drive=drive, need__recipient__verified_at__isnull=False
        )
        .values_list("need_id")
        .annotate(total=Sum("quantity"))
    )
    if given:
        given_need, total = _columns(given, 2)
        allocated[np.searchsorted(need_ids, given_need)] = total
    return RoundNeeds(
        need_id=need_ids,
        recipient_id=np.array(recipient_id, dtype=np.int64),
        item_id=np.array(item_id, dtype=np.int64),
        quantity=np.array(quantity, dtype=np.int64),
        allocated=allocated,
        priority=np.array(priority, dtype=np.int64),
        region_weight=_region_weights(drive, recipient_id),
    )


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """Rows of `width` values as `width` columns (empty ones when there is no row)."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _region_weights(drive: Drive, recipient_ids: tuple[int, ...]) -> Floats:
    """For each recipient id, the weight of the most specific weighted region of the
    drive that contains the recipient's region (1 where none does)."""
    weights = list(drive.region_weights.values_list("region__path", "weight"))
    paths = dict(
        Recipient.objects.filter(drive=drive, verified_at__isnull=False).values_list(
            "pk", "region__path"
        )
    )
    weight_of = {path: _region_weight(path, weights) for path in set(paths.values())}
    return np.fromiter(
        (weight_of[paths[recipient_id]] for recipient_id in recipient_ids),
        dtype=np.float64,
        count=len(recipient_ids),
    )


def _region_weight(path: str, weights: list[tuple[str, float]]) -> float:
    best_path, best = "", 1.0
    for region_path, weight in weights:
        if path.startswith(region_path) and len(region_path) > len(best_path):
            best_path, best = region_path, weight
    return best


def round_supply(drive: Drive) -> RoundSupply:
    """What is left of each accepted pledge, locked (call it in the round's transaction)."""
    pledges = list(
        Pledge.objects.select_for_update()
        .filter(drive=drive, state=Pledge.State.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "item_id", "quantity", "earmarked_need_id")
    )
    given = dict(
        AllocationLine.objects.filter(pledge__drive=drive, pledge__state=Pledge.State.ACCEPTED)
        .values_list("pledge_id")
        .annotate(total=Sum("quantity"))
    )
    general: list[tuple[int, int, int]] = []
    earmarked: list[EarmarkedSupply] = []
    for pledge_id, item_id, quantity, need_id in pledges:
        remaining = quantity - given.get(pledge_id, 0)
        if remaining <= 0:
            continue
        if need_id is None:
            general.append((pledge_id, item_id, remaining))
        else:
            earmarked.append(EarmarkedSupply(pledge_id, need_id, remaining))
    general_id, general_item, general_remaining = _columns(general, 3)
    return RoundSupply(
        general=SupplyColumns(
            pledge_id=np.array(general_id, dtype=np.int64),
            item_id=np.array(general_item, dtype=np.int64),
            quantity=np.array(general_remaining, dtype=np.int64),
        ),
        earmarked=earmarked,
    )


# The ledger -------------------------------------------------------------------------


@dataclass
class Figures:
    needed: int = 0
    pledged: int = 0
    allocated: int = 0
    shipped: int = 0
    received: int = 0
    damaged: int = 0
    shortfall: int = 0
    last_change: datetime | None = None

    def add(self, figure: str, total: int) -> None:
        setattr(self, figure, getattr(self, figure) + total)

    def percent(self, figure: str) -> int:
        """How far a figure has come towards the need, in whole percent (capped at 100)."""
        if self.needed <= 0:
            return 0
        value: int = getattr(self, figure)
        return min(100, round(100 * value / self.needed))

    @property
    def status(self) -> str:
        """A machine word for downloads: met, partly met or open (or pool)."""
        if self.needed == 0:
            return "pool"
        if self.received >= self.needed:
            return "met"
        if self.received > 0 or self.allocated > 0:
            return "partial"
        return "open"


@dataclass
class LedgerRow:
    item: Item
    figures: Figures
    recipient: Recipient | None = None
    adm1: str = ""
    adm2: str = ""


@dataclass(frozen=True)
class GeneralSupply:
    """One item's supply pledged to the drive as a whole (earmarked for no one): how much
    the organisers accepted, how much of it allocation rounds gave to recipients, and
    what waits for the next round."""

    item: Item
    accepted: int
    allocated: int

    @property
    def not_yet_allocated(self) -> int:
        return self.accepted - self.allocated


@dataclass
class Ledger:
    """What the figures of each row count (each the sum of its events' deltas):

    - a recipient's row: needed (its needs), pledged (accepted pledges earmarked for it),
      allocated (given to it by allocation rounds, from earmarked and general supply),
      shipped (what left for it), received (what it counted on arrival);
    - a pool row (`recipient` None): pledged = accepted pledges earmarked for no one; its
      allocations are counted in the recipients' rows, so its other figures are 0 and
      every column adds up to the totals;
    - a total: the item's figures over the whole drive.

    `general_supply` says, per item, how much of the pool was allocated and what waits.
    """

    drive: Drive
    totals: list[LedgerRow]
    rows: list[LedgerRow]
    pool: list[LedgerRow] = field(default_factory=list)
    # Item id → units of general (not earmarked) pledges allocated to recipients.
    allocated_from_pool: dict[int, int] = field(default_factory=dict)

    @property
    def general_supply(self) -> list[GeneralSupply]:
        return [
            GeneralSupply(
                item=row.item,
                accepted=row.figures.pledged,
                allocated=self.allocated_from_pool.get(row.item.pk, 0),
            )
            for row in self.pool
        ]


# Figures by (recipient id or None for the pool, item id).
Cells = dict[tuple[int | None, int], Figures]


def ledger(drive: Drive, *, recipient_id: int | None = None) -> Ledger:
    """Every figure is the sum of the `delta`s of the events behind it, in a handful
    of queries whatever the number of recipients."""
    items = {item.pk: item for item in drive.items.all()}
    events = DriveEvent.objects.filter(drive=drive).exclude(figure="")
    recipients = drive.recipients.select_related("region")
    if recipient_id is not None:
        events = events.filter(recipient_id=recipient_id)
        recipients = recipients.filter(pk=recipient_id)
    by_recipient = {recipient.pk: recipient for recipient in recipients}
    cells, totals = _summed(events)
    _add_losses(drive, by_recipient, cells, totals)
    pool = [
        LedgerRow(item=items[item_id], figures=figures)
        for (recipient_id, item_id), figures in sorted(cells.items(), key=lambda entry: entry[0][1])
        if recipient_id is None
    ]
    return Ledger(
        drive=drive,
        totals=[LedgerRow(item=items[pk], figures=totals[pk]) for pk in sorted(totals)],
        rows=_recipient_rows(items, by_recipient, cells),
        pool=pool,
        allocated_from_pool=_allocated_from_pool(events) if pool else {},
    )


def _allocations_from_pool(events: QuerySet[DriveEvent]) -> QuerySet[DriveEvent]:
    """The allocation lines that handed out pledges to the drive as a whole: their
    explanation says they were not earmarked."""
    return events.filter(figure=DriveEvent.Figure.ALLOCATED, payload__explanation__earmarked=False)


def _allocated_from_pool(events: QuerySet[DriveEvent]) -> dict[int, int]:
    return {
        row["item_id"]: int(row["total"])
        for row in _allocations_from_pool(events).values("item_id").annotate(total=Sum("delta"))
    }


def _summed(events: QuerySet[DriveEvent]) -> tuple[Cells, dict[int, Figures]]:
    """The events' deltas summed per cell and per item, with each cell's last change."""
    cells: Cells = defaultdict(Figures)
    totals: dict[int, Figures] = defaultdict(Figures)
    for row in events.values("recipient_id", "item_id", "figure").annotate(total=Sum("delta")):
        cells[(row["recipient_id"], row["item_id"])].add(row["figure"], int(row["total"]))
        totals[row["item_id"]].add(row["figure"], int(row["total"]))
    for row in events.values("recipient_id", "item_id").annotate(last=Max("created_at")):
        cells[(row["recipient_id"], row["item_id"])].last_change = row["last"]
    return cells, totals


def _add_losses(
    drive: Drive, by_recipient: dict[int, Recipient], cells: Cells, totals: dict[int, Figures]
) -> None:
    """Damaged and missing items, from the receipts of the recipients shown."""
    for row in (
        Shipment.objects.filter(line__need__recipient__drive=drive, state=Shipment.State.RECEIVED)
        .values("line__need__recipient_id", "line__need__item_id")
        .annotate(
            damaged=Sum("damaged_quantity"),
            sent=Sum("sent_quantity"),
            received=Sum("received_quantity"),
            returned=Sum("returned_quantity"),
        )
    ):
        key = (row["line__need__recipient_id"], row["line__need__item_id"])
        if key[0] not in by_recipient:
            continue
        shortfall = int(row["sent"]) - int(row["received"]) - int(row["returned"])
        for figures in (cells[key], totals[key[1]]):
            figures.damaged += int(row["damaged"])
            figures.shortfall += shortfall


def _recipient_rows(
    items: dict[int, Item], by_recipient: dict[int, Recipient], cells: Cells
) -> list[LedgerRow]:
    """One row per recipient and item, by recipient name, with the recipient's province
    and prefecture (for downloads)."""
    names = _admin_names(list(by_recipient.values()))
    rows = [
        LedgerRow(
            item=items[item_id],
            figures=figures,
            recipient=by_recipient[recipient_id],
            adm1=names.get((recipient_id, 1), ""),
            adm2=names.get((recipient_id, 2), ""),
        )
        for (recipient_id, item_id), figures in cells.items()
        if recipient_id is not None and recipient_id in by_recipient
    ]
    rows.sort(key=lambda row: (row.recipient.name if row.recipient else "", row.item.pk))
    return rows


def _admin_names(recipients: list[Recipient]) -> dict[tuple[int, int], str]:
    """(recipient id, level) → the name of the recipient's ancestor at that level (1 =
    province, 2 = prefecture), read from the materialised paths in one query."""
    codes = {
        code
        for recipient in recipients
        for code in recipient.region.path.strip("/").split("/")
        if code
    }
    regions = regions_by_codes(codes)
    names: dict[tuple[int, int], str] = {}
    for recipient in recipients:
        for code in recipient.region.path.strip("/").split("/"):
            region = regions.get(code)
            if region is not None and region.level in (1, 2):
                names[(recipient.pk, region.level)] = region.name
    return names


def ledger_events(
    drive: Drive,
    *,
    recipient_id: int | None = None,
    item_id: int | None = None,
    figure: str | None = None,
    pool: bool = False,
    from_pool: bool = False,
) -> QuerySet[DriveEvent]:
    """The events a ledger figure is summed from (or all the drive's events). Instead of a
    recipient's: `pool`, the events of no recipient (the pool row: pledges to the drive as
    a whole); `from_pool`, the allocations made from those pledges."""
    events = drive.events.select_related("recipient", "item").order_by("created_at", "id")
    if pool:
        events = events.filter(recipient__isnull=True)
    elif from_pool:
        events = _allocations_from_pool(events)
    elif recipient_id is not None:
        events = events.filter(recipient_id=recipient_id)
    if item_id is not None:
        events = events.filter(item_id=item_id)
    if figure:
        events = events.filter(figure=figure)
    return events


def events_total(events: QuerySet[DriveEvent]) -> int:
    """What a list of events adds up to (the figure they are summed into)."""
    return int(events.aggregate(total=Sum("delta"))["total"] or 0)


@dataclass(frozen=True)
class Series:
    figure: str
    points: list[tuple[date, int]]


def ledger_over_time(drive: Drive, *, item_id: int) -> list[Series]:
    """Each figure of one item, summed over the drive, at the end of every day it moved."""
    per_day: dict[str, dict[date, int]] = {figure: {} for figure in FIGURES}
    rows = (
        DriveEvent.objects.filter(drive=drive, item_id=item_id)
        .exclude(figure="")
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "figure")
        .annotate(total=Sum("delta"))
        .order_by("day")
    )
    for row in rows:
        per_day[row["figure"]][row["day"]] = int(row["total"])
    days = sorted({day for figure_days in per_day.values() for day in figure_days})
    series = []
    for figure in FIGURES:
        running = 0
        points = []
        for day in days:
            running += per_day[figure].get(day, 0)
            points.append((day, running))
        series.append(Series(figure=figure, points=points))
    return series
