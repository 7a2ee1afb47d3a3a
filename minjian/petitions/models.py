"""Petitions and joint proposals: who owns them, who signed them, and their timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minjian.core.models import Event

# Signatures that hold their signer's one place on a petition. A withdrawn signature frees
# it (she may sign again); an invalidated one keeps it, so an address or account found
# signing in bad faith cannot sign the same petition again.
HOLDS_PLACE = ("pending", "validated", "invalidated")


class Petition(models.Model):
    """A request to a body, with the signatures that back it.

    States: draft → gathering_sponsors (the first `sponsors_needed` signatures) →
    awaiting_moderation → open → closed (the deadline, or the goal reached) → delivered →
    answered; or rejected, with a public reason (its page is then a tombstone).

    `validated_count` is the number of its validated signatures, people and organisations
    together, kept by `petitions.services` in the transaction of every change of a
    signature (never counted per request); `PetitionRegionCount` splits it by province.
    """

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("petition state", "draft")
        GATHERING_SPONSORS = "gathering_sponsors", _("gathering sponsors")
        AWAITING_MODERATION = "awaiting_moderation", _("waiting for a moderator")
        OPEN = "open", pgettext_lazy("petition state", "open for signatures")
        CLOSED = "closed", pgettext_lazy("petition state", "closed")
        DELIVERED = "delivered", pgettext_lazy("petition state", "delivered")
        ANSWERED = "answered", pgettext_lazy("petition state", "answered")
        REJECTED = "rejected", pgettext_lazy("petition state", "rejected")

    # What readers can see: everything a moderator let through, and the tombstone.
    PUBLIC_STATES = (State.OPEN, State.CLOSED, State.DELIVERED, State.ANSWERED)
    # Where a signature is taken.
    SIGNABLE_STATES = (State.GATHERING_SPONSORS, State.OPEN)

    title = models.CharField(max_length=200)
    request = models.TextField()
    background = models.TextField(blank=True)
    # The body addressed: an organisation on Minjian (an agency), or a named body with a
    # public contact address.
    addressed_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_petitions",
    )
    addressed_name = models.CharField(max_length=200, blank=True)
    addressed_contact = models.EmailField(blank=True)
    topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cited_cases = models.ManyToManyField("cases.Case", blank=True, related_name="+")
    deadline = models.DateField()
    signature_goal = models.PositiveIntegerField()
    # The owners' choice: deliver at the deadline whatever the count, rather than as
    # soon as the goal is reached.
    deliver_at_deadline = models.BooleanField(default=False)
    sponsors_needed = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    rejection_reason = models.TextField(blank=True)
    validated_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    addressed_organisation__isnull=False, addressed_name="", addressed_contact=""
                )
                | (
                    models.Q(addressed_organisation__isnull=True)
                    & ~models.Q(addressed_name="")
                    & ~models.Q(addressed_contact="")
                ),
                name="petition_addresses_one_body",
            ),
            models.CheckConstraint(
                condition=models.Q(signature_goal__gte=1), name="petition_goal_is_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=(
                        "draft",
                        "gathering_sponsors",
                        "awaiting_moderation",
                        "open",
                        "closed",
                        "delivered",
                        "answered",
                        "rejected",
                    )
                ),
                name="petition_state_is_known",
            ),
        ]
        indexes = [
            # The public list, newest first, by state.
            models.Index(fields=("state", "-opened_at", "-id"), name="petition_by_state_time"),
            # The closing job: open petitions past their deadline.
            models.Index(
                fields=("deadline",),
                condition=models.Q(state="open"),
                name="petition_open_by_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def is_signable(self) -> bool:
        return self.state in self.SIGNABLE_STATES

    @property
    def addressed_body_name(self) -> str:
        if self.addressed_organisation is not None:
            return self.addressed_organisation.name
        return self.addressed_name


class PetitionRegionCount(models.Model):
    """How many validated signatures of a petition gave this province: the map and the
    CSV. Kept with `Petition.validated_count`, in the same transactions; signatures
    without a region are the difference."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="region_counts")
    region = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("region__code",)
        constraints = [
            models.UniqueConstraint(fields=("petition", "region"), name="one_count_per_region")
        ]

    def __str__(self) -> str:
        return f"petition {self.petition_id} in {self.region_id}: {self.count}"


class PetitionOwner(models.Model):
    """An owner of a petition: the account that wrote it, or a co-owner organisation, whose
    admin accepts (`accepted_at`) before the petition may look for sponsors."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_petitions",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_petitions",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, account__isnull=True)
                | models.Q(organisation__isnull=True, account__isnull=False),
                name="petition_owner_is_one",
            ),
            models.UniqueConstraint(
                fields=("petition", "organisation"), name="petition_owner_organisation_once"
            ),
            models.UniqueConstraint(
                fields=("petition", "account"), name="petition_owner_account_once"
            ),
        ]

    def __str__(self) -> str:
        return f"owner {self.pk} of petition {self.petition_id}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class Signature(models.Model):
    """One signature: of a person by her account, of a person by e-mail (double opt-in),
    or of an organisation through one of its admins (`signed_as_organisation`; `account`
    is then the admin who signed for it, never shown).

    An e-mail signature keeps the address only as `address_hash`
    (`petitions.addresses.address_hash` of its canonical form) and the domain, which bulk
    invalidation names; the address itself (`pending_address`) only until the signature
    is confirmed or expires. `client_key` is a keyed hash of the client under a key that
    changes every day (`services.client_key`), for the trending clients staff watch.

    A signature beyond the rate limits is taken but `needs_review`: it waits, pending,
    for a moderator even once confirmed (`confirmed_at`).
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("signature state", "pending")
        VALIDATED = "validated", pgettext_lazy("signature state", "validated")
        INVALIDATED = "invalidated", pgettext_lazy("signature state", "invalidated")
        WITHDRAWN = "withdrawn", pgettext_lazy("signature state", "withdrawn")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_signatures",
    )
    signed_as_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_signatures",
    )
    address_hash = models.CharField(max_length=64, blank=True)
    address_domain = models.CharField(max_length=255, blank=True)
    pending_address = models.EmailField(blank=True)
    nonce = models.CharField(max_length=32, blank=True)
    # The language she signed in: her confirmation mail is written in it.
    language = models.CharField(max_length=10, blank=True)
    display_name = models.CharField(max_length=100, blank=True)
    name_hidden = models.BooleanField(default=False)
    region = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    needs_review = models.BooleanField(default=False)
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            # Whose signature it is: an organisation (through an admin's account), an
            # account, or an address; never two of them.
            models.CheckConstraint(
                condition=models.Q(signed_as_organisation__isnull=False, address_hash="")
                | models.Q(
                    signed_as_organisation__isnull=True,
                    account__isnull=False,
                    address_hash="",
                )
                | models.Q(signed_as_organisation__isnull=True, account__isnull=True)
                & ~models.Q(address_hash=""),
                name="signature_has_one_signer",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=("pending", "validated", "invalidated", "withdrawn")),
                name="signature_state_is_known",
            ),
            # The address is kept only while the confirmation waits.
            models.CheckConstraint(
                condition=models.Q(pending_address="")
                | models.Q(state="pending", confirmed_at__isnull=True),
                name="signature_address_only_pending",
            ),
            models.UniqueConstraint(
                fields=("petition", "address_hash"),
                condition=models.Q(state__in=HOLDS_PLACE) & ~models.Q(address_hash=""),
                name="one_signature_per_address",
            ),
            models.UniqueConstraint(
                fields=("petition", "account"),
                condition=models.Q(
                    state__in=HOLDS_PLACE,
                    account__isnull=False,
                    signed_as_organisation__isnull=True,
                ),
                name="one_signature_per_account",
            ),
            models.UniqueConstraint(
                fields=("petition", "signed_as_organisation"),
                condition=models.Q(state__in=HOLDS_PLACE, signed_as_organisation__isnull=False),
                name="one_signature_per_organisation",
            ),
        ]
        indexes = [
            # The public list of signers, newest first.
            models.Index(
                fields=("petition", "-validated_at", "-id"),
                condition=models.Q(state="validated"),
                name="signature_validated_by_time",
            ),
            # Bulk invalidation by domain and time.
            models.Index(
                fields=("petition", "address_domain", "created_at"),
                name="signature_by_domain_time",
            ),
            # Trending clients: recent signatures by client.
            models.Index(fields=("created_at", "client_key"), name="signature_by_client"),
            # The review queue.
            models.Index(
                fields=("petition", "created_at"),
                condition=models.Q(needs_review=True, state="pending"),
                name="signature_needing_review",
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.pk} of petition {self.petition_id} ({self.state})"

    @property
    def is_organisation(self) -> bool:
        return self.signed_as_organisation_id is not None

    @property
    def shown_name(self) -> str:
        """What the public reads of the signer: an organisation's name, her display name,
        or nothing (the page then says "a signer")."""
        if self.signed_as_organisation is not None:
            return self.signed_as_organisation.name
        return "" if self.name_hidden else self.display_name


class PetitionEvent(Event):
    """A petition's timeline, append-only; its one writer is `petitions.services`.

    A person's signature is a row of `Signature` (with its times), not an event: a
    petition with a million signatures keeps a readable timeline. An organisation's
    signature, its withdrawal and every bulk invalidation are events.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("written")
        EDITED = "edited", _("draft edited")
        OWNER_ACCEPTED = "owner_accepted", _("co-owner accepted")
        SUBMITTED = "submitted", _("looking for sponsors")
        SPONSORED = "sponsored", _("sponsors found, waiting for a moderator")
        APPROVED = "approved", _("opened for signatures")
        REJECTED = "rejected", pgettext_lazy("petition event", "rejected")
        ORGANISATION_SIGNED = "organisation_signed", _("signed by an organisation")
        ORGANISATION_WITHDREW = "organisation_withdrew", _("an organisation withdrew its signature")
        SIGNATURES_INVALIDATED = "signatures_invalidated", _("signatures invalidated")
        SIGNATURES_REVIEWED = "signatures_reviewed", _("signatures reviewed")
        GOAL_REACHED = "goal_reached", _("signature goal reached")
        CLOSED = "closed", pgettext_lazy("petition event", "closed")
        DELIVERED = "delivered", pgettext_lazy("petition event", "delivered")
        ANSWERED = "answered", pgettext_lazy("petition event", "answered")

    # What the public moderation log lists.
    MODERATION_KINDS = (Kind.APPROVED, Kind.REJECTED, Kind.SIGNATURES_INVALIDATED)

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_events",
    )

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=("petition", "created_at"), name="petitionevent_petition_time"),
            models.Index(
                fields=("-created_at", "-id"),
                condition=models.Q(kind__in=("approved", "rejected", "signatures_invalidated")),
                name="petitionevent_moderation",
            ),
        ]

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)
