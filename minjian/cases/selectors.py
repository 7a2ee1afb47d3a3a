"""Every read of cases that a page or the API needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from django.db.models import Count, Model, Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases.claim_review import PublicVerdict, verdict_of_event
from minjian.cases.models import EVERY, EXPOSES_PERSON, Case, CaseEvent, CasePhoto, CaseTally
from minjian.cases.times import public_time
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.redaction import render_redactions
from minjian.topics.models import Topic

M = TypeVar("M", bound=Model)


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


def case_as_filed(case: Case, *, photos: list[CasePhoto], events: list[CaseEvent]) -> Case:
    """The case just filed, as `case_with_timeline` reads it, from the rows the filing
    service wrote (`services.Submission`): the answer to a report reads nothing again,
    which was a sixth of what a report cost."""
    # Django keeps what `prefetch_related` read in this cache: filled with the rows at
    # hand (already in the order `case_with_timeline` gives), `case.photos.all()` and
    # `case.events.all()` answer without a query.
    case._prefetched_objects_cache = {  # type: ignore[attr-defined]  # Django's own cache, not in the stubs
        "photos": _already_read(CasePhoto.objects.filter(case=case), photos),
        "events": _already_read(CaseEvent.objects.filter(case=case), events),
    }
    return case


def _already_read(queryset: QuerySet[M], rows: list[M]) -> QuerySet[M]:
    # How prefetching fills a queryset.
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # nothing more to prefetch
    return queryset


@dataclass(frozen=True)
class CaseCounts:
    total: int
    open: int
    resolved: int
    this_week: int


def case_counts() -> CaseCounts:
    """The home page's figures: totals from the tallies; the cases published this week
    counted over this week's cases alone, found by their publication time's index."""
    by_state = dict(
        CaseTally.objects.filter(topic_id=EVERY, region_id=EVERY)
        .values_list("state")
        .annotate(number=Sum("number"))
        .order_by()
    )
    week_ago = timezone.now() - timedelta(days=7)
    return CaseCounts(
        total=sum(by_state.get(state, 0) for state in Case.PUBLIC_STATES),
        open=sum(by_state.get(state, 0) for state in Case.OPEN_STATES),
        resolved=by_state.get(Case.State.RESOLVED, 0),
        this_week=public_cases().filter(published_at__gte=week_ago).count(),
    )


def public_case_count(
    *, topic: Topic | None = None, region: Region | None = None, state: str | None = None
) -> int:
    """How many cases `public_case_list` lists for these filters, from the tallies."""
    tallies = CaseTally.objects.filter(
        topic_id=topic.pk if topic else EVERY,
        region_id=region.pk if region else EVERY,
        state__in=[state] if state else Case.PUBLIC_STATES,
    )
    return tallies.aggregate(number=Sum("number"))["number"] or 0


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    public_cases: int


def topics_with_counts() -> list[TopicCount]:
    """Every topic with its number of public cases, from the tallies."""
    counts = dict(
        CaseTally.objects.filter(region_id=EVERY, state__in=Case.PUBLIC_STATES)
        .exclude(topic_id=EVERY)
        .values_list("topic_id")
        .annotate(number=Sum("number"))
        .order_by()
    )
    return [
        TopicCount(topic, counts.get(topic.pk, 0))
        for topic in Topic.objects.order_by("position", "slug")
    ]


class Audience(StrEnum):
    """Who may read the text of a timeline entry. The public reads only `PUBLIC`;
    `text_audience` decides which, `may_read` who belongs to it."""

    PUBLIC = "public"
    # A moderator's request for an edit: it is addressed to the reporter, who must
    # read all of it to answer, and to the other moderators.
    REPORTER = "reporter"
    # A text held because personal data was found in it, until a moderator releases
    # it (or for good, once withheld): its writer and the moderators.
    WRITER = "writer"
    # The note of a hide, typed for other moderators: not even the reporter reads it
    # (she learns the kind of reason, which the public tombstone shows too).
    MODERATORS = "moderators"
    # An organisation's internal note: its members, in its inbox; not even moderators.
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class TimelineReader:
    """Who reads a case's timeline. The doors say who a viewer is to a case
    (`cases.access.timeline_reader`, routing's inbox); `timeline` and `may_read`
    say what each reader reads."""

    # Its reporter: by her account, or by her receipt code.
    reporter: bool = False
    # Staff.
    moderator: bool = False
    # A member reading in her organisation's inbox, with its internal notes.
    organisation: Organisation | None = None
    # The account reading, so that a writer reads her own held text.
    account_id: int | None = None

    @property
    def exact_times(self) -> bool:
        return self.reporter or self.moderator


PUBLIC_READER = TimelineReader()


def text_audience(event: CaseEvent, *, released: bool) -> Audience:
    """Who may read the text (`payload["note"]`) of `event`: the one rule for every
    page, feed, API, export, mail and search document. `released`: a moderator has
    released this held text (a `note_released` event names it)."""
    if event.internal:
        return Audience.ORGANISATION
    if event.kind == CaseEvent.Kind.HIDDEN:
        return Audience.MODERATORS
    if event.kind == CaseEvent.Kind.EDIT_REQUESTED:
        return Audience.REPORTER
    if event.payload.get("held") and not released:
        return Audience.WRITER
    return Audience.PUBLIC


def may_read(reader: TimelineReader, case: Case, event: CaseEvent, audience: Audience) -> bool:
    if audience == Audience.PUBLIC:
        return True
    if audience == Audience.ORGANISATION:
        return reader.organisation is not None and event.organisation_id == reader.organisation.pk
    if reader.moderator:
        return True
    if audience == Audience.REPORTER:
        return reader.reporter
    if audience == Audience.WRITER:
        return _wrote(reader, case, event)
    return False


def _wrote(reader: TimelineReader, case: Case, event: CaseEvent) -> bool:
    """Whether the reader wrote `event`: with her account, or as the case's reporter
    (an anonymous reporter's additions have no actor)."""
    if reader.account_id is not None and event.actor_id == reader.account_id:
        return True
    return reader.reporter and (
        (event.kind == CaseEvent.Kind.ADDED_BY_REPORTER and MERGED_FROM not in event.payload)
        or (case.reporter_id is not None and event.actor_id == case.reporter_id)
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    actor: str | None
    # To the minute for the public; None for what happened before publication
    # (the submission above all), which only the reporter and moderators read.
    created_at: datetime | None
    # The text, if this reader may read it (`may_read`); else "".
    note: str
    # Who may read the text (an `Audience` value): pages say so beside a text the
    # public does not read.
    audience: str = Audience.PUBLIC.value
    # A text with personal data found in it, not yet released by a moderator.
    note_waiting: bool = False
    # A held text a moderator kept from the public.
    note_withheld: bool = False
    # The name of the organisation the event was written for or on behalf of.
    organisation: str | None = None
    # An agency's official response, shown as such.
    official: bool = False
    # An organisation's internal note: only in that organisation's inbox.
    internal: bool = False
    # How many photos an addition brought (shown once its text is public).
    photos_added: int = 0
    # A verdict (`minjian.claims`): its label, rationale, evidence and organisations.
    verdict: PublicVerdict | None = None
    # The report merged into this case that the entry comes from (`services_merge`).
    merged_from: int | None = None
    # Its event, which a reader may flag (`minjian.claims`, the flag link of the page).
    event_id: int | None = None


MODERATION_EVENT_KINDS = CaseEvent.MODERATION_KINDS
ADDITIONS = (CaseEvent.Kind.ADDED_BY_REPORTER, CaseEvent.Kind.ADDED_BY_WITNESS)
MERGE_KINDS = (CaseEvent.Kind.MERGED, CaseEvent.Kind.MERGED_IN)


def _decided_notes(events: Iterable[CaseEvent]) -> dict[int, str]:
    """The held texts a moderator released or withheld: their event ids, with the decision."""
    return {
        int(event.payload["event"]): event.kind
        for event in events
        if event.kind in (CaseEvent.Kind.NOTE_RELEASED, CaseEvent.Kind.NOTE_WITHHELD)
    }


def timeline(case: Case, *, reader: TimelineReader = PUBLIC_READER) -> list[TimelineEntry]:
    """The case's events as `reader` reads them (the public, by default).

    Texts: each reader reads what `text_audience` and `may_read` let her; an
    organisation's internal note is not even listed for anyone else.

    Times (`minjian.cases.times`): the public reads each event's time to the
    minute, and no time at all for the events before the case was published
    (its submission, a moderator's request for an edit, the reporter's edits), so
    that the wait for a moderator does not tell who reported it. Its reporter
    and moderators read every time as written.

    The reporter is never named on a public page: events they caused are
    attributed to "the reporter". Events by the platform itself have no actor.
    Moderators act as "a moderator", so that they are not singled out. Events
    written for an organisation carry its name.

    Reports merged into the case (`services_merge.case_merge`): below the event that
    merged each come its texts and additions, "from the merged report #N" (read with
    its events in two queries, only for a case that has any), and what its reporter
    adds later is on this timeline; she is "the reporter of merged report #N".
    """
    events = list(case.events.all())
    merged = _merged_report_entries(events, reader)
    entries = []
    for entry, event in _entries(case, events, reader):
        entries.append(entry)
        if event.kind == CaseEvent.Kind.MERGED_IN:
            entries.extend(merged.get(int(event.payload["from"]), []))
    return entries


# On an addition that its reporter made to a report merged into this case.
MERGED_FROM = "merged_from"


def _merged_report_entries(
    events: Sequence[CaseEvent], reader: TimelineReader
) -> dict[int, list[TimelineEntry]]:
    """What the timeline shows of each report merged into its case: its texts (or the
    mark of a text held for a moderator) and its reporter's additions, as `reader` reads
    them there, not as its reporter or an organisation would."""
    report_ids = [int(e.payload["from"]) for e in events if e.kind == CaseEvent.Kind.MERGED_IN]
    if not report_ids:
        return {}
    reports = Case.objects.filter(pk__in=report_ids).prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor", "organisation").order_by(
                "created_at", "id"
            ),
        )
    )
    read_there = TimelineReader(moderator=reader.moderator, account_id=reader.account_id)
    carried = (Audience.PUBLIC.value, Audience.WRITER.value)
    return {
        report.pk: [
            entry
            for entry, _event in _entries(
                report, list(report.events.all()), read_there, merged_from=report.pk
            )
            if entry.audience in carried
            and (entry.note or entry.note_waiting or entry.note_withheld or entry.kind in ADDITIONS)
        ]
        for report in reports
    }


def _entries(
    case: Case,
    events: Sequence[CaseEvent],
    reader: TimelineReader,
    *,
    merged_from: int | None = None,
) -> Iterator[tuple[TimelineEntry, CaseEvent]]:
    """The entries of `case`'s own events (`timeline`), each with its event; those of a
    report merged into another case are marked so (`merged_from`)."""
    decided = _decided_notes(events)
    published = False
    for event in events:
        audience = text_audience(
            event, released=decided.get(event.pk) == CaseEvent.Kind.NOTE_RELEASED
        )
        readable = may_read(reader, case, event, audience)
        if event.internal and not readable:
            continue
        published = published or event.kind == CaseEvent.Kind.PUBLISHED
        created_at: datetime | None = event.created_at
        if not reader.exact_times:
            created_at = public_time(event.created_at) if published else None
        actor: str | None
        from_report = (
            merged_from
            or event.payload.get(MERGED_FROM)
            or (event.payload.get("from") if event.kind == CaseEvent.Kind.MERGED_IN else None)
        )
        if event.kind == CaseEvent.Kind.ADDED_BY_WITNESS:
            # Never named, not even to moderators, whether she has an account or not.
            actor = str(_("another witness"))
        elif event.kind == CaseEvent.Kind.ADDED_BY_REPORTER and (
            merged_from or MERGED_FROM in event.payload
        ):
            actor = str(_("the reporter of merged report #%(id)d") % {"id": from_report})
        elif event.kind == CaseEvent.Kind.SUBMITTED or (
            event.actor_id is not None and event.actor_id == case.reporter_id
        ):
            actor = (
                str(_("the reporter of merged report #%(id)d") % {"id": merged_from})
                if merged_from
                else str(_("the reporter"))
            )
        elif event.kind in MODERATION_EVENT_KINDS and event.actor_id is not None:
            actor = str(_("a moderator"))
        elif event.kind in MERGE_KINDS and event.organisation_id is None:
            # Staff acting for no organisation, as moderators do.
            actor = str(_("a moderator"))
        else:
            actor = event.actor.username if event.actor else None
        held = bool(event.payload.get("held"))
        yield (
            TimelineEntry(
                kind=event.kind,
                label=event.kind_label,
                actor=actor,
                created_at=created_at,
                note=render_redactions(str(event.payload.get("note", ""))) if readable else "",
                audience=audience.value,
                note_waiting=held and event.pk not in decided,
                note_withheld=held and decided.get(event.pk) == CaseEvent.Kind.NOTE_WITHHELD,
                organisation=event.organisation.name if event.organisation else None,
                official=event.kind == CaseEvent.Kind.OFFICIAL_RESPONSE,
                internal=event.internal,
                photos_added=int(event.payload.get("photos", 0)) if event.kind in ADDITIONS else 0,
                verdict=verdict_of_event(event) if event.kind == CaseEvent.Kind.VERDICT else None,
                merged_from=int(from_report) if from_report else None,
                event_id=event.pk,
            ),
            event,
        )


def addition_sent(case: Case, kind: CaseEvent.Kind, submission: str) -> CaseEvent | None:
    """The addition to `case` already made by the form that carries the token
    `submission` (the same form sent twice: a reload, a second tap)."""
    if not submission:
        return None
    return case.events.filter(kind=kind, payload__submission=submission).first()


def public_notes(case: Case) -> list[str]:
    """The texts of the case's timeline the public reads, oldest first, as stored
    (with the tokens of removed personal data): what the search index holds. Not
    internal notes, not the notes meant for the reporter or moderators, and not a
    held text until a moderator has released it (`text_audience`)."""
    events = list(case.events.order_by("created_at", "id"))
    decided = _decided_notes(events)
    return [
        note
        for event in events
        if (note := str(event.payload.get("note", "")).strip())
        and text_audience(event, released=decided.get(event.pk) == CaseEvent.Kind.NOTE_RELEASED)
        == Audience.PUBLIC
    ]


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


@dataclass(frozen=True)
class MonthOfHolds:
    month: date  # its first day
    held: int


def holds_for_exposing_a_person(months: int = 12) -> list[MonthOfHolds]:
    """How many reports and texts waited for a moderator for naming a private person with
    her personal data, in each of the last `months` calendar months (the current one
    first): the count the public moderation log shows, never which ones, nor their text."""
    first_days = [timezone.localdate().replace(day=1)]
    while len(first_days) < months:
        first_days.append((first_days[-1] - timedelta(days=1)).replace(day=1))
    since = timezone.make_aware(datetime.combine(first_days[-1], time.min))
    counted = dict(
        CaseEvent.objects.filter(payload__has_key=EXPOSES_PERSON, created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(Count("id"))
        .order_by()
    )
    held = {month.date(): number for month, number in counted.items()}
    return [MonthOfHolds(month, held.get(month, 0)) for month in first_days]


@dataclass(frozen=True)
class HeldText:
    """A text on a timeline waiting for a moderator, with the photos held with it (a
    witness's addition: `CasePhoto.held`)."""

    event: CaseEvent
    photos: list[CasePhoto]


def held_notes() -> list[HeldText]:
    """Texts on timelines that wait for a moderator, oldest first, with their photos."""
    decided = _decided_notes(
        CaseEvent.objects.filter(
            kind__in=(CaseEvent.Kind.NOTE_RELEASED, CaseEvent.Kind.NOTE_WITHHELD)
        )
    )
    waiting = [
        event
        for event in CaseEvent.objects.filter(payload__held=True)
        .select_related("case")
        .order_by("created_at", "id")
        if event.pk not in decided
    ]
    photo_ids = [int(pk) for event in waiting for pk in event.payload.get("photo_ids", [])]
    photos = CasePhoto.objects.in_bulk(photo_ids) if photo_ids else {}
    return [
        HeldText(
            event=event,
            photos=[photos[pk] for pk in event.payload.get("photo_ids", []) if pk in photos],
        )
        for event in waiting
    ]
