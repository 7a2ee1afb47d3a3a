"""Reads of drives: lists, the drive page, and the public ledger summed from events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.aid.models import (
    AllocationLine,
    Drive,
    DriveEvent,
    Item,
    Need,
    Pledge,
    Recipient,
    Shipment,
)
from minjian.core.errors import NotFound
from minjian.places.models import Region

FIGURES: tuple[str, ...] = tuple(DriveEvent.Figure.values)


def drive_list() -> QuerySet[Drive]:
    return Drive.objects.select_related("region", "organisation").annotate(
        recipient_count=Count("recipients", distinct=True)
    )


def drive_by_id(drive_id: int) -> Drive:
    drive = Drive.objects.select_related("region", "organisation").filter(pk=drive_id).first()
    if drive is None:
        raise NotFound(_("There is no such drive."), code="unknown_drive")
    return drive


def recipients_with_needs(drive: Drive) -> QuerySet[Recipient]:
    return drive.recipients.select_related("region").prefetch_related(
        Prefetch("needs", queryset=Need.objects.select_related("item").order_by("item_id"))
    )


def pending_pledges(drive: Drive) -> QuerySet[Pledge]:
    return drive.pledges.filter(state=Pledge.State.PENDING).select_related(
        "item", "donor", "donor_organisation", "earmarked_need__recipient"
    )


def unshipped_lines(drive: Drive) -> QuerySet[AllocationLine]:
    return (
        AllocationLine.objects.filter(need__recipient__drive=drive, shipment__isnull=True)
        .select_related("need__recipient", "need__item", "pledge")
        .order_by("id")
    )


def shipments(drive: Drive) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(line__need__recipient__drive=drive)
        .select_related("line__need__recipient", "line__need__item", "line__pledge")
        .order_by("-id")
    )


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


@dataclass
class Ledger:
    drive: Drive
    totals: list[LedgerRow]
    rows: list[LedgerRow]
    # Un-earmarked pledges: pledged to the drive, not yet to a recipient.
    pool: list[LedgerRow] = field(default_factory=list)


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
    cells: dict[tuple[int | None, int], Figures] = defaultdict(Figures)
    totals: dict[int, Figures] = defaultdict(Figures)
    for row in events.values("recipient_id", "item_id", "figure").annotate(total=Sum("delta")):
        cells[(row["recipient_id"], row["item_id"])].add(row["figure"], int(row["total"]))
        totals[row["item_id"]].add(row["figure"], int(row["total"]))
    for row in events.values("recipient_id", "item_id").annotate(last=Max("created_at")):
        cells[(row["recipient_id"], row["item_id"])].last_change = row["last"]
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
    names = _admin_names(list(by_recipient.values()))
    rows = [
        LedgerRow(
            item=items[item_id],
            figures=figures,
            recipient=by_recipient[recipient_id],
            adm1=names.get((by_recipient[recipient_id].pk, 1), ""),
            adm2=names.get((by_recipient[recipient_id].pk, 2), ""),
        )
        for (recipient_id, item_id), figures in cells.items()
        if recipient_id is not None and recipient_id in by_recipient
    ]
    rows.sort(key=lambda row: (row.recipient.name if row.recipient else "", row.item.pk))
    pool = [
        LedgerRow(item=items[item_id], figures=figures)
        for (recipient_id, item_id), figures in sorted(cells.items(), key=lambda entry: entry[0][1])
        if recipient_id is None
    ]
    return Ledger(
        drive=drive,
        totals=[LedgerRow(item=items[pk], figures=totals[pk]) for pk in sorted(totals)],
        rows=rows,
        pool=pool,
    )


def _admin_names(recipients: list[Recipient]) -> dict[tuple[int, int], str]:
    """(recipient id, level) → the name of the recipient's ancestor at that level (1 =
    province, 2 = prefecture), read from the materialised paths in one query."""
    codes = {
        code
        for recipient in recipients
        for code in recipient.region.path.strip("/").split("/")
        if code
    }
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
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
) -> QuerySet[DriveEvent]:
    """The events a ledger figure is summed from (or all the drive's events)."""
    events = drive.events.select_related("recipient", "item").order_by("created_at", "id")
    if recipient_id is not None:
        events = events.filter(recipient_id=recipient_id)
    if item_id is not None:
        events = events.filter(item_id=item_id)
    if figure:
        events = events.filter(figure=figure)
    return events


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


def shipments_for_recipient(recipient: Recipient) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(line__need__recipient=recipient)
        .select_related("line__need__item", "line__pledge")
        .order_by("-id")
    )


def region_choices(drive: Drive) -> list[tuple[str, str]]:
    """The drive's region and every region within it, for recipient and weight forms."""
    regions = Region.objects.filter(path__startswith=drive.region.path).order_by("path")
    return [(region.code, f"{region.name} ({region.code})") for region in regions]


def recipient_in(drive: Drive, recipient_id: int) -> Recipient:
    recipient = drive.recipients.select_related("region").filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound(_("There is no such recipient."), code="unknown_recipient")
    return recipient


def shipment_in(drive: Drive, shipment_id: int) -> Shipment:
    shipment = (
        Shipment.objects.select_related("line__need__recipient", "line__need__item")
        .filter(pk=shipment_id, line__need__recipient__drive=drive)
        .first()
    )
    if shipment is None:
        raise NotFound(_("There is no such shipment."), code="unknown_shipment")
    return shipment


def pledge_in(drive: Drive, pledge_id: int) -> Pledge:
    pledge = drive.pledges.filter(pk=pledge_id).first()
    if pledge is None:
        raise NotFound(_("There is no such pledge."), code="unknown_pledge")
    return pledge
