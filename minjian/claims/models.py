"""Claims that verifiers judge in the open: a case's report, or a claim a verifier wrote
down where it circulated; their verdicts, and the log of every step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minjian.cases.models import Case, CaseEvent
from minjian.core.models import Event
from minjian.redaction import render_redactions

Verdict = Case.Verdict


class Claim(models.Model):
    """What is judged: a case (`case`), or a statement a verifier wrote as it circulated
    (`statement`, redacted like a case's text) with where it was seen (`appearances`).

    `verdict` is the public verdict, kept in step with the claim's log by
    `claims.services` (for a case, with `Case.verdict` too, in the same transaction);
    `proposal` is a *false* or *corroborated* verdict that waits for verifiers of other
    organisations (`MINJIAN_VERDICT_CONFIRMATIONS`), not public until they agree.
    """

    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="claim"
    )
    statement = models.TextField(blank=True)
    verdict = models.CharField(
        max_length=20, choices=Verdict.choices, default=Verdict.UNVERIFIED, db_index=True
    )
    # The event that made `verdict` public, with its rationale and evidence; when.
    published = models.ForeignKey(
        "ClaimEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)
    proposal = models.ForeignKey(
        "ClaimEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            # A claim is a case or a statement, never both, never neither.
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, statement="")
                | models.Q(case__isnull=True) & ~models.Q(statement=""),
                name="claim_is_a_case_or_a_statement",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="claim_verdict_is_known"
            ),
        ]
        indexes = [
            # Recent verdicts and the ClaimReview feed, newest first, by keyset.
            models.Index(fields=("-verdict_at", "-id"), name="claim_by_verdict_time"),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk}"

    @property
    def text(self) -> str:
        """What is claimed, as a reader reads it: the case's title or the statement."""
        if self.case is not None:
            return self.case.readable_title
        return render_redactions(self.statement)


class ClaimAppearance(models.Model):
    """Where a verifier saw a claim: quoted as she typed it, never fetched by the site."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    url = models.URLField(max_length=2000, blank=True)
    platform = models.CharField(max_length=100, blank=True)
    seen_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", platform=""), name="appearance_has_url_or_platform"
            )
        ]

    def __str__(self) -> str:
        return self.url or self.platform


class ClaimEvent(Event):
    """A claim's log, append-only: written, a verdict proposed, confirmed, published.
    Each names the organisation its verifier acted for (none: the site's staff)."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("written down")
        VERDICT_PROPOSED = "verdict_proposed", _("verdict proposed, waiting for a second verifier")
        VERDICT_CONFIRMED = "verdict_confirmed", _("verdict confirmed by another organisation")
        VERDICT_PUBLISHED = "verdict_published", _("verdict published")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_events",
    )

    class Meta(Event.Meta):
        indexes = [models.Index(fields=("claim", "created_at"), name="claimevent_claim_time")]

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)


class Flag(models.Model):
    """A reader's flag on a public text: a case's report, one entry of its timeline, or a
    claim written down by a verifier. A rumour to check goes to the verifiers' queue, a
    text that exposes a person ("human flesh search") to the moderators'.

    Who flagged is not kept: `key` is a keyed hash of the client (her account or her
    network, `abuse.ratelimit.requester`), the kind and the item, under a key that
    changes every period (`services_flags.flag_key`), unique: one client's repeated
    flags of one item count once in a period. It cannot be turned back into the client,
    and two keys of one client, for two items or two periods, cannot be linked.
    """

    class Kind(models.TextChoices):
        RUMOUR = "rumour", _("a rumour to check")
        EXPOSES_PERSON = "exposes_person", _("exposes a person")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("flag status", "open")
        HANDLED = "handled", pgettext_lazy("flag status", "handled")
        DISMISSED = "dismissed", pgettext_lazy("flag status", "dismissed")

    # The case whose page shows the flagged text (its report, or an entry of its
    # timeline: `event`, which may come from a report merged into it), or the claim.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the reader wrote, personal data replaced (`minjian.redaction`).
    note = models.TextField(blank=True)
    key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            # A case (with or without one of its entries), or a claim: one item.
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, claim__isnull=True)
                | models.Q(case__isnull=True, event__isnull=True, claim__isnull=False),
                name="flag_names_one_item",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=("rumour", "exposes_person")),
                name="flag_kind_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=("open", "handled", "dismissed")),
                name="flag_status_is_known",
            ),
        ]
        indexes = [
            # The queues: the open flags of a kind, grouped per item.
            models.Index(
                fields=("kind", "case", "event", "claim"),
                condition=models.Q(status="open"),
                name="flag_open_by_item",
            )
        ]

    def __str__(self) -> str:
        return f"flag {self.pk} ({self.kind})"
