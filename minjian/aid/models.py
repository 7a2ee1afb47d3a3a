"""Aid drives: a catalogue of items, recipients and their needs, pledges, allocation,
shipments and receipts, and the append-only log every ledger figure is summed from.

Every quantity is a count of whole items (a box of 50 masks is one "box"), so every
quantity column is a positive integer, checked by the database as well.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.core.models import BilingualName, Event, localized


class Priority(models.TextChoices):
    URGENT = "urgent", _("urgent")
    HIGH = "high", _("high")
    NORMAL = "normal", _("normal")


class Drive(models.Model):
    """A collection of supplies for one emergency, run by its organisers. Its title is
    kept in Chinese and in English (either may be empty, not both) and shown in the
    reader's language."""

    title_zh = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    region = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Organisers: the members of this organisation, and the accounts listed here.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_drives",
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organised_drives"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-starts_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="drive_window_is_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(title_zh="", title_en=""), name="drive_has_a_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self.title_zh, self.title_en)

    def is_open(self, at: datetime | None = None) -> bool:
        moment = timezone.now() if at is None else at
        return self.starts_at <= moment <= self.ends_at


class Item(BilingualName):
    """One entry of a drive's catalogue, counted in whole `unit`s."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="items")
    unit_zh = models.CharField(max_length=40)
    unit_en = models.CharField(max_length=40, blank=True)
    # The smallest allocation line worth shipping, in units: a line below it is only a
    # whole pledge or a whole need ("Minimum line" in allocation.py). One unit by default.
    min_line_quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("drive", "name_zh"), name="item_name_unique_in_drive"),
            models.CheckConstraint(
                condition=Q(min_line_quantity__gt=0), name="item_min_line_positive"
            ),
        ]

    @property
    def unit(self) -> str:
        return localized(self.unit_zh, self.unit_en)


class RegionWeight(models.Model):
    """How much the organisers weigh the needs of recipients within `region`."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="region_weights")
    region = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("drive", "region"), name="region_weight_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=0.01) & Q(weight__lte=100), name="region_weight_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"weight {self.weight} for region {self.region_id}"


class Recipient(models.Model):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("hospital")
        CLINIC = "clinic", _("clinic")
        VILLAGE = "village", _("village")
        OTHER = "other", _("other")

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    place = models.CharField(max_length=300, blank=True)
    region = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    # The accounts that speak for the recipient and confirm what arrives.
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="aid_recipients"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=("drive", "name"), name="recipient_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=("hospital", "clinic", "village", "other")),
                name="recipient_kind_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Need(models.Model):
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="needs")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="needs")
    quantity = models.PositiveIntegerField()
    priority = models.CharField(max_length=10, choices=Priority.choices)
    deadline = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("recipient_id", "item_id")
        constraints = [
            models.UniqueConstraint(fields=("recipient", "item"), name="need_once_per_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_quantity_positive"),
            models.CheckConstraint(
                condition=Q(priority__in=("urgent", "high", "normal")),
                name="need_priority_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of item {self.item_id} for recipient {self.recipient_id}"


class Pledge(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the organisers")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="pledges")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="pledges")
    quantity = models.PositiveIntegerField()
    # Exactly one kind of donor: an account, an organisation (pledged by one of its
    # members), or nobody named, who holds a receipt code of which only the digest is kept.
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_pledges",
    )
    donor_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_pledges",
    )
    receipt_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # Earmarked for one recipient's need of this item; allocated to it directly.
    earmarked_need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.PROTECT, related_name="earmarked_pledges"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pledge_quantity_positive"),
            models.CheckConstraint(
                condition=Q(state__in=("pending", "accepted", "declined")),
                name="pledge_state_is_known",
            ),
            models.CheckConstraint(
                condition=(
                    Q(donor__isnull=False, donor_organisation__isnull=True, receipt_digest="")
                    | Q(donor__isnull=True, donor_organisation__isnull=False, receipt_digest="")
                    | (
                        Q(donor__isnull=True, donor_organisation__isnull=True)
                        & ~Q(receipt_digest="")
                    )
                ),
                name="pledge_has_one_kind_of_donor",
            ),
        ]

    def __str__(self) -> str:
        return f"pledge {self.pk}: {self.quantity} of item {self.item_id}"

    @property
    def is_anonymous(self) -> bool:
        return bool(self.receipt_digest)


class AllocationRound(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="allocation_rounds")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"allocation round {self.pk} of drive {self.drive_id}"


class AllocationLine(models.Model):
    """So much of one pledge goes to one need, and why (`explanation`)."""

    round = models.ForeignKey(AllocationRound, on_delete=models.PROTECT, related_name="lines")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="allocation_lines")
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="allocation_lines")
    quantity = models.PositiveIntegerField()
    weight = models.FloatField()
    # {"earmarked": bool, "priority": ..., "met_share": 0..1, "region_weight": ...}
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} from pledge {self.pledge_id} to need {self.need_id}"


class Shipment(models.Model):
    """One allocation line on its way: each line ships at most once, so no pledge ships twice.

    Sent, received and returned quantities are kept apart: a shortfall
    (sent − received − returned) and damaged items stay visible.
    """

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        SHIPPED = "shipped", _("shipped")
        RECEIVED = "received", _("received")

    line = models.OneToOneField(AllocationLine, on_delete=models.PROTECT, related_name="shipment")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    courier_note = models.CharField(max_length=300, blank=True)
    sent_quantity = models.PositiveIntegerField(null=True, blank=True)
    received_quantity = models.PositiveIntegerField(null=True, blank=True)
    damaged_quantity = models.PositiveIntegerField(default=0)
    returned_quantity = models.PositiveIntegerField(default=0)
    receipt_note = models.CharField(max_length=500, blank=True)
    # Set when an organiser confirmed for the recipient: why she did.
    on_behalf_reason = models.CharField(max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=("planned", "shipped", "received")),
                name="shipment_state_is_known",
            ),
            models.CheckConstraint(
                condition=Q(state="planned", sent_quantity__isnull=True)
                | Q(~Q(state="planned"), sent_quantity__gt=0),
                name="shipment_sent_when_shipped",
            ),
            models.CheckConstraint(
                condition=Q(state="received", received_quantity__isnull=False)
                | Q(~Q(state="received"), received_quantity__isnull=True),
                name="shipment_received_when_received",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(received_quantity__lte=F("sent_quantity") - F("returned_quantity")),
                name="shipment_received_within_sent",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(damaged_quantity__lte=F("received_quantity")),
                name="shipment_damaged_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"shipment {self.pk} ({self.state})"

    @property
    def shortfall(self) -> int:
        if self.sent_quantity is None or self.received_quantity is None:
            return 0
        return self.sent_quantity - self.received_quantity - self.returned_quantity


class DriveEvent(Event):
    """The drive's append-only log. An event that moves a ledger figure names the
    figure, the recipient and item it is about, and by how much (`delta`): every
    figure of the ledger is the sum of these deltas, so each one links to its events."""

    class Kind(models.TextChoices):
        CREATED = "created", _("drive created")
        ORGANISER_ADDED = "organiser_added", _("organiser added")
        ACCOUNT_ATTACHED = "account_attached", _("account attached to a recipient")
        ITEM_ADDED = "item_added", _("item added to the catalogue")
        MIN_LINE_SET = "min_line_set", _("minimum line set")
        REGION_WEIGHTED = "region_weighted", _("region weight set")
        RECIPIENT_ADDED = "recipient_added", _("recipient registered")
        RECIPIENT_VERIFIED = "recipient_verified", _("recipient verified")
        NEED_SET = "need_set", _("need set")
        PLEDGED = "pledged", _("pledge made")
        PLEDGE_ACCEPTED = "pledge_accepted", _("pledge accepted")
        PLEDGE_DECLINED = "pledge_declined", _("pledge declined")
        ALLOCATION_ROUND = "allocation_round", _("allocation round")
        ALLOCATED = "allocated", _("allocated")
        SHIPMENT_PLANNED = "shipment_planned", _("shipment planned")
        SHIPPED = "shipped", _("shipped")
        RECEIVED = "received", _("receipt confirmed")

    class Figure(models.TextChoices):
        NEEDED = "needed", _("needed")
        PLEDGED = "pledged", _("pledged")
        ALLOCATED = "allocated", _("allocated")
        SHIPPED = "shipped", _("shipped")
        RECEIVED = "received", _("received")

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="events")
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    figure = models.CharField(max_length=10, choices=Figure.choices, blank=True)
    delta = models.IntegerField(default=0)

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=("drive", "figure", "created_at"), name="driveevent_figure_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(figure="", delta=0)
                | Q(
                    figure__in=("needed", "pledged", "allocated", "shipped", "received"),
                    item__isnull=False,
                ),
                name="driveevent_figure_has_item",
            )
        ]
