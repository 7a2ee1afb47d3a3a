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
        INFORMAL = "informal", _("informal group")
        AGENCY = "agency", _("government agency")

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


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        ADMIN = "admin", _("admin")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("organisation", "user"), name="one_membership_per_user")
        ]


class OrganisationEvent(Event):
    """An organisation's history: created, edited, member added or removed, verified."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        pass
