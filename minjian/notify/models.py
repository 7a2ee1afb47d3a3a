"""Mail: what members of organisations and followers of cases want to receive, and what was sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.core.models import Event


class MemberPreference(models.Model):
    """How often a member of an organisation hears of cases that reach its inbox.

    No row means the default, `immediate`: a member hears of new cases unless she
    said otherwise.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("at once, one mail per case")
        DAILY = "daily", _("once a day, in a digest")
        NONE = "none", _("never")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preferences"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="mail_preferences"
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # The language of the pages she chose it on: accounts keep no language of their own.
    language = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("user", "organisation"), name="one_mail_preference_per_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=("immediate", "daily", "none")),
                name="mail_preference_frequency_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id}: {self.frequency}"


class CaseFollower(models.Model):
    """An e-mail address that follows a case's public updates, without an account.

    Double opt-in: nothing but the confirmation mail goes to the address until its
    owner confirms. `nonce` is part of the signed confirmation link; asking again
    replaces it, so only the newest link works.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    # The language the follower used when following: her mails are written in it.
    language = models.CharField(max_length=10)
    nonce = models.CharField(max_length=32)
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("case", "email"), name="one_follow_per_address"),
        ]
        indexes = [
            models.Index(fields=("case", "confirmed_at"), name="casefollower_case_confirmed")
        ]

    def __str__(self) -> str:
        return f"follower {self.pk} of case {self.case_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class MailDelivery(models.Model):
    """One mail sent (or being sent) to one address, at most once per `dedupe_key`.

    A job claims the row before it hands the mail to the SMTP server, in the same
    transaction (see `mail.deliver_once`): a retried job finds the claim and skips.
    The address is kept only as a keyed digest.
    """

    dedupe_key = models.CharField(max_length=120)
    recipient_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("dedupe_key", "recipient_digest"), name="one_delivery_per_mail"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dedupe_key} at {self.sent_at:%Y-%m-%d %H:%M}"


class NotificationEvent(Event):
    """What people did about their mail: followed, confirmed, unsubscribed, chose a frequency.

    Addresses are never written here: a follower appears by the id her follow had.
    """

    class Kind(models.TextChoices):
        FOLLOW_REQUESTED = "follow_requested", _("follow asked for")
        FOLLOW_CONFIRMED = "follow_confirmed", _("follow confirmed")
        FOLLOW_ENDED = "follow_ended", _("follow ended")
        PREFERENCE_CHANGED = "preference_changed", _("mail preference changed")

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_events",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_events",
    )

    class Meta(Event.Meta):
        pass
