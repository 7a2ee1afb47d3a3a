"""The facts of every public case routed to an organisation, kept as its timeline grows.

One `RoutedCase` per (organisation, public case routed to it): what the figures take
from that case's timeline (`minjian.accountability.facts` writes them, in the
transaction of each event that can change them). The league table, the organisation
pages, the API and the CSV downloads read these rows, so that no page reads the
timeline of every routed case; `facts.facts_from_timeline` computes the same rows
from the events, which is what the tests compare them with.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models

from minjian.cases.models import Case
from minjian.orgs.models import Organisation


class RoutedCase(models.Model):
    """For an organisation O and a public case routed to it (every time to the whole
    second, as `minjian.accountability.selectors` explains):

    - routed_at: O's first `routed` event for the case;
    - first_response_at, first_response_kind: O's first public response of any kind
      of `CaseEvent.RESPONSE_KINDS`;
    - acknowledged, answered: whether O ever acknowledged, or answered in words;
    - resolved_at: the first `resolved` event (by anyone) after routed_at;
    - first_response_seconds, resolution_seconds: the durations the percentiles are
      taken of (a response before the routing counts as zero seconds).
    """

    # Found by the unique constraint and the indexes below, which all start with it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    routed_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True)
    first_response_kind = models.CharField(max_length=32, blank=True)
    first_response_seconds = models.PositiveBigIntegerField(null=True)
    acknowledged = models.BooleanField()
    answered = models.BooleanField()
    resolved_at = models.DateTimeField(null=True)
    resolution_seconds = models.PositiveBigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case"], name="routed_case_once_per_organisation"
            )
        ]
        indexes = [
            # The counts of every organisation read from this index alone on PostgreSQL.
            models.Index(
                fields=["organisation", "routed_at"],
                include=[
                    "acknowledged",
                    "answered",
                    "first_response_seconds",
                    "resolution_seconds",
                ],
                name="routed_case_by_time",
            ),
            # The percentiles: each organisation's durations read in order, without a sort.
            models.Index(
                fields=["organisation", "first_response_seconds"],
                condition=models.Q(first_response_seconds__isnull=False),
                name="routed_case_responses",
            ),
            models.Index(
                fields=["organisation", "resolution_seconds"],
                condition=models.Q(resolution_seconds__isnull=False),
                name="routed_case_resolutions",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} routed to organisation {self.organisation_id}"

    @property
    def time_to_first_response(self) -> timedelta | None:
        return _duration(self.first_response_seconds)

    @property
    def time_to_resolution(self) -> timedelta | None:
        return _duration(self.resolution_seconds)


def _duration(seconds: int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


class DeliveredPetition(models.Model):
    """A petition delivered to an organisation on Minjian, and when it answered.

    Written by `accountability.petition_facts` when the petitions app delivers or
    records an answer; `petition_id` is the petition's id and `title` its title (this app
    sits below petitions and knows only what it is given). Times to the whole second, as
    for cases; the period of the figures picks petitions by `delivered_at` as it picks
    cases by `routed_at`.
    A delivered petition stays public (a moderator rejects a petition only before it
    closes), so no state leaves it out of the figures.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    petition_id = models.PositiveBigIntegerField()
    # As it was delivered (a petition's title does not change once it is open).
    title = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True)
    answer_seconds = models.PositiveBigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "petition_id"],
                name="delivered_petition_once_per_organisation",
            )
        ]
        indexes = [
            # The counts of every organisation read from this index alone on PostgreSQL,
            # as `routed_case_by_time` serves cases'.
            models.Index(
                fields=["organisation", "delivered_at"],
                include=["answer_seconds"],
                name="delivered_petition_by_time",
            ),
            # The percentiles: each organisation's times to answer read in order.
            models.Index(
                fields=["organisation", "answer_seconds"],
                condition=models.Q(answer_seconds__isnull=False),
                name="delivered_petition_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"petition {self.petition_id} delivered to organisation {self.organisation_id}"

    @property
    def time_to_answer(self) -> timedelta | None:
        return _duration(self.answer_seconds)
