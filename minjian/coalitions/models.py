"""Coalitions of organisations: who belongs, what their people discuss, what they decide
together and what they put out in the coalition's name; the history of all of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minjian.core.models import BilingualName, Event
from minjian.redaction import render_redactions


class Coalition(BilingualName):
    """Organisations acting together. Its page is public; with `members_hidden`, who
    belongs is read only by the people of its member organisations."""

    purpose = models.TextField()
    members_hidden = models.BooleanField(default=False)
    founded_by = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="coalitions_founded"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")

    @property
    def readable_purpose(self) -> str:
        return render_redactions(self.purpose)


class CoalitionMember(models.Model):
    """An organisation's place in a coalition, as it stands now (its history is the
    coalition's events). One row per organisation and coalition, from its first
    invitation on: a declined or departed organisation may be invited again."""

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("coalition member", "invited")
        MEMBER = "member", pgettext_lazy("coalition member", "member")
        DECLINED = "declined", pgettext_lazy("coalition member", "declined")
        LEFT = "left", pgettext_lazy("coalition member", "left")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="coalition_memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    # Who votes for the organisation: one of its members, named by one of its admins.
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coalition_delegations",
    )
    invited_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("organisation__slug",)
        constraints = [
            models.UniqueConstraint(
                fields=("coalition", "organisation"), name="one_place_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=("invited", "member", "declined", "left")),
                name="coalition_member_status_is_known",
            ),
            # Only a member has a delegate.
            models.CheckConstraint(
                condition=models.Q(status="member") | models.Q(delegate__isnull=True),
                name="only_members_have_delegates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.coalition} ({self.status})"


class Option(models.TextChoices):
    AGREE = "agree", _("agree")
    ABSTAIN = "abstain", _("abstain")
    DISAGREE = "disagree", _("disagree")
    BLOCK = "block", _("block")


class Proposal(models.Model):
    """A decision put to the member organisations, each voting through its delegate
    until `closes_at`. When it closes (`closed_at`), the votes are counted once and kept
    (`agreed`: some agreed, more than disagreed, and none blocked)."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    agreed = models.BooleanField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    # The petition the organisations that agreed started together from it, if any.
    petition = models.OneToOneField(
        "petitions.Petition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coalition_proposal",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # The proposals whose closing time has come but that are not counted yet.
            models.Index(
                fields=("coalition", "closes_at"),
                condition=models.Q(closed_at__isnull=True),
                name="proposal_open_by_closing",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, agreed__isnull=True)
                | models.Q(closed_at__isnull=False, agreed__isnull=False),
                name="proposal_counted_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_closed(self) -> bool:
        return self.closed_at is not None or self.closes_at <= timezone.now()

    @property
    def readable_title(self) -> str:
        return render_redactions(self.title)

    @property
    def readable_text(self) -> str:
        return render_redactions(self.text)

    @property
    def readable_outcome(self) -> str:
        return render_redactions(self.outcome)


class Vote(models.Model):
    """A member organisation's vote on a proposal, cast by its delegate; changed in place
    until the proposal closes (every version is in the coalition's events)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    option = models.CharField(max_length=10, choices=Option.choices)
    reason = models.TextField()
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("organisation__slug",)
        constraints = [
            models.UniqueConstraint(
                fields=("proposal", "organisation"), name="one_vote_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(option__in=Option.values), name="vote_option_is_known"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="vote_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.option}"

    @property
    def readable_reason(self) -> str:
        return render_redactions(self.reason)


def tally_of(votes: Iterable[Vote]) -> dict[str, int]:
    counted = Counter(vote.option for vote in votes)
    return {option: counted.get(option, 0) for option in Option.values}


def is_agreed(tally: dict[str, int]) -> bool:
    """Agreed: some member agreed, more agreed than disagreed, and nobody blocked."""
    return (
        tally[Option.AGREE] > 0
        and tally[Option.AGREE] > tally[Option.DISAGREE]
        and tally[Option.BLOCK] == 0
    )


class Statement(models.Model):
    """A joint statement from an agreed proposal, signed by the organisations that
    agreed to it."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="statements")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="statement")
    text = models.TextField()
    signers = models.ManyToManyField("orgs.Organisation", related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-published_at", "-id")

    def __str__(self) -> str:
        return f"statement {self.pk}"

    @property
    def readable_text(self) -> str:
        return render_redactions(self.text)


class Thread(models.Model):
    """A discussion among the people of the member organisations. Its first post
    (`opening`) carries its title's fate: held for a moderator, the thread is too."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opening = models.OneToOneField(
        "Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-last_post_at", "-id")

    def __str__(self) -> str:
        return f"thread {self.pk}"

    @property
    def readable_title(self) -> str:
        return render_redactions(self.title)


class Post(models.Model):
    """One message of a thread, its personal data replaced. One that names a private
    person with her personal data waits for a moderator (`HELD`), read by nobody but its
    author and the moderators until it is released."""

    class Status(models.TextChoices):
        SHOWN = "shown", pgettext_lazy("post", "shown")
        HELD = "held", pgettext_lazy("post", "waiting for a moderator")
        WITHHELD = "withheld", pgettext_lazy("post", "withheld")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SHOWN)
    # Why it was held: `minjian.redaction.Reason` values.
    held_for = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(
                fields=("created_at",), condition=models.Q(status="held"), name="post_held"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=("shown", "held", "withheld")),
                name="post_status_is_known",
            )
        ]

    def __str__(self) -> str:
        return f"post {self.pk} ({self.status})"

    @property
    def readable_text(self) -> str:
        return render_redactions(self.text)


class CoalitionEvent(Event):
    """A coalition's history, append-only, written by `coalitions/services.py` alone.
    The kinds in PUBLIC_KINDS make its public timeline; the others (votes, threads and
    their moderation) are read by its members' people and moderators only."""

    class Kind(models.TextChoices):
        FOUNDED = "founded", _("founded")
        INVITED = "invited", _("organisation invited")
        JOINED = "joined", _("organisation joined")
        DECLINED = "declined", _("invitation declined")
        LEFT = "left", _("organisation left")
        DELEGATE_NAMED = "delegate_named", _("delegate named")
        PROPOSAL_OPENED = "proposal_opened", _("proposal put forward")
        VOTE_CAST = "vote_cast", _("vote cast")
        PROPOSAL_CLOSED = "proposal_closed", _("proposal closed")
        OUTCOME_STATED = "outcome_stated", _("outcome stated")
        STATEMENT_PUBLISHED = "statement_published", _("joint statement published")
        PETITION_STARTED = "petition_started", _("joint petition started")
        THREAD_STARTED = "thread_started", _("thread started")
        POST_HELD = "post_held", _("post held for a moderator")
        POST_RELEASED = "post_released", _("post released by a moderator")
        POST_WITHHELD = "post_withheld", _("post withheld by a moderator")

    # What the membership events tell: public unless the member list is hidden.
    MEMBERSHIP_KINDS = frozenset(
        {Kind.FOUNDED, Kind.INVITED, Kind.JOINED, Kind.DECLINED, Kind.LEFT, Kind.DELEGATE_NAMED}
    )
    PUBLIC_KINDS = MEMBERSHIP_KINDS | {
        Kind.PROPOSAL_OPENED,
        Kind.PROPOSAL_CLOSED,
        Kind.OUTCOME_STATED,
        Kind.STATEMENT_PUBLISHED,
        Kind.PETITION_STARTED,
    }

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="events")
    # The organisation the event is about (invited, joined, voted, signed...).
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=("coalition", "created_at"), name="coalitionevent_coalition_time")
        ]

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)
