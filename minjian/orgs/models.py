"""Organisations: NGOs, informal groups and government agencies, with their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.core.models import BilingualName, Event


class Organisation(BilingualName):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        INFORMAL = "informal", _("Informal group")
        AGENCY = "agency", _("Government agency")

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="organisations")
    regions = models.ManyToManyField("places.Region", blank=True, related_name="organisations")
    contact_email = models.EmailField(blank=True)
    contact_url = models.URLField(blank=True)
    contact_note = models.CharField(max_length=300, blank=True)
    # Only site staff set this, through orgs.services.organisation_set_verified.
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("slug",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=("ngo", "informal", "agency")),
                name="organisation_kind_is_known",
            ),
            # The mark and its date move together, so "verified since" is never blank.
            models.CheckConstraint(
                condition=models.Q(verified=True, verified_at__isnull=False)
                | models.Q(verified=False, verified_at__isnull=True),
                name="organisation_verified_has_date",
            ),
        ]

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.AGENCY


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Admin")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Given by an admin of a verified organisation: may judge claims (`minjian.claims`)
    # and confirm duplicates in the organisation's name.
    verifier = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "user"), name="one_membership_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=("member", "admin")), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class OrganisationEvent(Event):
    """An organisation's history: created, edited, member added or removed, verified."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        MEMBER_ADDED = "member_added", _("member added")
        MEMBER_ROLE_CHANGED = "member_role_changed", _("member's role changed")
        MEMBER_REMOVED = "member_removed", _("member removed")
        MEMBER_VERIFIER_CHANGED = "member_verifier_changed", _("member's verifier mark changed")
        VERIFIED = "verified", _("verified")
        UNVERIFIED = "unverified", _("verification removed")
        # Written by minjian.routing: what the organisation's inbox receives.
        SUBSCRIPTION_ADDED = "subscription_added", _("subscription added")
        SUBSCRIPTION_REMOVED = "subscription_removed", _("subscription removed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        pass
