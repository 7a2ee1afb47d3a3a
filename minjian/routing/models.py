"""Routing: which organisations want which cases, and each organisation's inbox."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Subscription(models.Model):
    """An organisation wants the cases of one topic in one region.

    `topic` null means every topic and `region` null means everywhere; a region
    includes everything under it. The four unique constraints say "one row per
    (organisation, topic, region)" with NULL counted as a value, which a plain
    UniqueConstraint does not do (NULLs are distinct in SQL) and
    `nulls_distinct=False` does only on PostgreSQL 15+, not on SQLite.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "topic", "region"),
                condition=Q(topic__isnull=False, region__isnull=False),
                name="subscription_unique_topic_region",
            ),
            models.UniqueConstraint(
                fields=("organisation", "region"),
                condition=Q(topic__isnull=True, region__isnull=False),
                name="subscription_unique_all_topics",
            ),
            models.UniqueConstraint(
                fields=("organisation", "topic"),
                condition=Q(topic__isnull=False, region__isnull=True),
                name="subscription_unique_everywhere",
            ),
            models.UniqueConstraint(
                fields=("organisation",),
                condition=Q(topic__isnull=True, region__isnull=True),
                name="subscription_unique_everything",
            ),
        ]
        # Routing looks subscriptions up by the case's region chain, then topic.
        indexes = [models.Index(fields=("region", "topic"), name="subscription_region_topic")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.topic_id or '*'} in {self.region_id or '*'}"


class InboxItem(models.Model):
    """A case in an organisation's inbox.

    One row per (organisation, case): the unique constraint is what makes
    routing happen exactly once, however often the routing job is retried.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="inbox_items"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="inbox_items")
    routed_at = models.DateTimeField(default=timezone.now)
    # Set when someone addressed the case to this agency by name (not by subscription).
    addressed = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-routed_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "case"), name="inbox_one_item_per_case")
        ]
        indexes = [
            models.Index(
                fields=("organisation", "acknowledged_at", "-routed_at"), name="inbox_org_state"
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} in the inbox of {self.organisation_id}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
