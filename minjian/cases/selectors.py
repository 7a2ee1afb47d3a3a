"""Every read of cases that a page or the API needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.times import public_time
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.redaction import render_redactions
from minjian.topics.models import Topic


def public_cases() -> QuerySet[Case]:
    return Case.objects.filter(state__in=Case.PUBLIC_STATES)


def public_case_list(
    *, topic: Topic | None = None, region: Region | None = None, state: str | None = None
) -> QuerySet[Case]:
    """Public cases, newest published first, ready for a list: with their topic, region
    and photos. A region includes every region under it. (Finding cases by their words
    is the search app's: `minjian.search.selectors.find_cases`.)"""
    cases = public_cases()
    if topic:
        cases = cases.filter(topic=topic)
    if region:
        cases = cases.filter(region__path__startswith=region.path)
    if state:
        cases = cases.filter(state=state)
    return (
        cases.select_related("topic", "region")
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("position", "id")))
        .order_by("-published_at", "-id")
    )


def ready_photo_by_key(key: str) -> CasePhoto | None:
    """A prepared photo with its case (callers check access), or None."""
    return (
        CasePhoto.objects.select_related("case")
        .filter(key=key, status=CasePhoto.Status.READY)
        .first()
    )


def case_with_timeline(case_id: int) -> Case | None:
    """One case with everything its page shows, whoever may see it: callers check access."""
    return (
        Case.objects.select_related("topic", "region", "region__parent", "region__parent__parent")
        .prefetch_related(
            Prefetch("photos", queryset=CasePhoto.objects.order_by("position", "id")),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor", "organisation").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .filter(pk=case_id)
        .first()
    )


@dataclass(frozen=True)
class CaseCounts:
    total: int
    open: int
    resolved: int
    this_week: int


def case_counts() -> CaseCounts:
    week_ago = timezone.now() - timedelta(days=7)
    figures = public_cases().aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(state__in=Case.OPEN_STATES)),
        resolved=Count("id", filter=Q(state=Case.State.RESOLVED)),
        this_week=Count("id", filter=Q(published_at__gte=week_ago)),
    )
    return CaseCounts(**figures)


def topics_with_counts() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        public_case_count=Count("cases", filter=Q(cases__state__in=Case.PUBLIC_STATES))
    ).order_by("position", "slug")


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    actor: str | None
    # To the minute for the public; None for what happened before publication
    # (the submission above all), which only the reporter and moderators read.
    created_at: datetime | None
    note: str
    # A text with personal data found in it, not yet released by a moderator.
    note_waiting: bool = False
    # The name of the organisation the event was written for or on behalf of.
    organisation: str | None = None
    # An agency's official response, shown as such.
    official: bool = False
    # An organisation's internal note: only in that organisation's inbox.
    internal: bool = False


MODERATION_EVENT_KINDS = CaseEvent.MODERATION_KINDS
# Notes meant for the reporter or other moderators, not for the public page.
PRIVATE_NOTE_KINDS = (CaseEvent.Kind.EDIT_REQUESTED, CaseEvent.Kind.HIDDEN)


def timeline(
    case: Case,
    *,
    for_reporter: bool = False,
    exact_times: bool = False,
    internal_notes_of: Organisation | None = None,
) -> list[TimelineEntry]:
    """The case's events as the public (or, with `for_reporter`, its reporter) reads them.

    Times (`minjian.cases.times`): the public reads each event's time to the
    minute, and no time at all for the events before the case was published
    (its submission, a moderator's request for an edit, the reporter's edits), so
    that the wait for a moderator does not tell who reported it. Its reporter
    and, with `exact_times`, moderators read every time as written.

    The reporter is never named on a public page: events they caused are
    attributed to "the reporter". Events by the platform itself have no actor.
    Moderators act as "a moderator", so that they are not singled out. Events
    written for an organisation carry its name.

    Internal notes belong to an organisation's inbox, never to the public page:
    only with `internal_notes_of` (for its members) are that organisation's own
    internal notes included.
    """
    events = [
        event
        for event in case.events.all()
        if not event.internal
        or (internal_notes_of is not None and event.organisation_id == internal_notes_of.pk)
    ]
    decided = {
        int(event.payload["event"]): event.kind
        for event in events
        if event.kind in (CaseEvent.Kind.NOTE_RELEASED, CaseEvent.Kind.NOTE_WITHHELD)
    }
    exact = for_reporter or exact_times
    published = False
    entries = []
    for event in events:
        published = published or event.kind == CaseEvent.Kind.PUBLISHED
        created_at: datetime | None = event.created_at
        if not exact:
            created_at = public_time(event.created_at) if published else None
        actor: str | None
        if event.kind == CaseEvent.Kind.SUBMITTED or (
            event.actor_id is not None and event.actor_id == case.reporter_id
        ):
            actor = str(_("the reporter"))
        elif event.kind in MODERATION_EVENT_KINDS and event.actor_id is not None:
            actor = str(_("a moderator"))
        else:
            actor = event.actor.username if event.actor else None
        held = bool(event.payload.get("held")) and decided.get(event.pk) != (
            CaseEvent.Kind.NOTE_RELEASED
        )
        private = (event.kind in PRIVATE_NOTE_KINDS or held) and not for_reporter
        entries.append(
            TimelineEntry(
                kind=event.kind,
                label=event.kind_label,
                actor=actor,
                created_at=created_at,
                note="" if private else render_redactions(str(event.payload.get("note", ""))),
                note_waiting=held and event.pk not in decided,
                organisation=event.organisation.name if event.organisation else None,
                official=event.kind == CaseEvent.Kind.OFFICIAL_RESPONSE,
                internal=event.internal,
            )
        )
    return entries


def moderation_queue() -> QuerySet[Case]:
    """Cases waiting for a moderator, oldest first."""
    return (
        Case.objects.filter(state=Case.State.SUBMITTED)
        .select_related("topic", "region")
        .prefetch_related(
            Prefetch("photos", queryset=CasePhoto.objects.order_by("position", "id")),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(
                    kind__in=(CaseEvent.Kind.EDIT_REQUESTED, CaseEvent.Kind.EDITED)
                ).order_by("created_at", "id"),
            ),
        )
        .order_by("created_at", "id")
    )


def moderation_log() -> QuerySet[CaseEvent]:
    """Every moderator's action, newest first: what the public moderation log shows.

    Publishing by the platform itself (a trusted reporter's case) is not a
    moderator's action and is left out.
    """
    return (
        CaseEvent.objects.filter(kind__in=CaseEvent.MODERATION_KINDS, actor__isnull=False)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def held_notes() -> list[CaseEvent]:
    """Texts on timelines that wait for a moderator, oldest first."""
    decided = {
        int(event.payload["event"])
        for event in CaseEvent.objects.filter(
            kind__in=(CaseEvent.Kind.NOTE_RELEASED, CaseEvent.Kind.NOTE_WITHHELD)
        )
    }
    return [
        event
        for event in CaseEvent.objects.filter(payload__held=True)
        .select_related("case")
        .order_by("created_at", "id")
        if event.pk not in decided
    ]
