"""Keeping `RoutedCase` in step with the timelines.

Every event that can change a case's facts (a routing, a response, a resolution, a
move out of the public states) makes its case's rows be computed again from
that case's timeline, in the transaction that writes the event: a few queries over
one case, never over all of them. `facts_from_timeline` is that computation, and
`rebuild_facts` runs it over every routed case, after a bulk load that bypassed the
services; the tests compare the kept rows with it after every kind of event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Min

from minjian.accountability.models import RoutedCase
from minjian.cases.models import Case, CaseEvent
from minjian.core.public_cache import ACCOUNTABILITY, touch

Kind = CaseEvent.Kind
ANSWER_KINDS = (Kind.PUBLIC_UPDATE, Kind.OFFICIAL_RESPONSE)
ORGANISATION_KINDS = (Kind.ROUTED, *CaseEvent.RESPONSE_KINDS)
# When two responses share their first second, the one named first is the first response.
RESPONSE_ORDER: dict[str, int] = {
    kind: position for position, kind in enumerate(CaseEvent.RESPONSE_KINDS)
}
# Events that can change the facts of their case without moving it between states.
FACT_KINDS = frozenset((*ORGANISATION_KINDS, Kind.RESOLVED))

# Cases computed together by `rebuild_facts`: a few queries per batch.
REBUILD_BATCH = 2000
# Cases whose ids span at most this many times their number are read as a range.
DENSE_SPREAD = 4


def to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


class Fact(NamedTuple):
    """One `RoutedCase` row as computed, its fields named as the table's columns."""

    organisation_id: int
    case_id: int
    routed_at: datetime
    first_response_at: datetime | None
    first_response_kind: str
    first_response_seconds: int | None
    acknowledged: bool
    answered: bool
    resolved_at: datetime | None
    resolution_seconds: int | None

    @classmethod
    def of(
        cls,
        *,
        organisation_id: int,
        case_id: int,
        routed_at: datetime,
        first_response_at: datetime | None,
        first_response_kind: str,
        acknowledged: bool,
        answered: bool,
        resolved_at: datetime | None,
    ) -> Fact:
        """The fact with its durations counted from routed_at (a response before the
        routing takes no time)."""
        return cls(
            organisation_id=organisation_id,
            case_id=case_id,
            routed_at=routed_at,
            first_response_at=first_response_at,
            first_response_kind=first_response_kind,
            first_response_seconds=None
            if first_response_at is None
            else max(0, int((first_response_at - routed_at).total_seconds())),
            acknowledged=acknowledged,
            answered=answered,
            resolved_at=resolved_at,
            resolution_seconds=None
            if resolved_at is None
            else int((resolved_at - routed_at).total_seconds()),
        )


def facts_from_timeline(case_ids: Sequence[int]) -> list[Fact]:
    """The facts of these cases computed from their timelines, for the public ones
    among them, in three queries."""
    if not case_ids:
        return []
    # Many cases close together (a rebuild asks for 2,000 at a time) are read by the
    # range of their ids and those not asked for left out here: binding and planning a
    # list of 2,000 ids cost more than reading the few cases in between. A few cases
    # far apart are read by their ids.
    asked = set(case_ids)
    first_id, last_id = min(asked), max(asked)
    if last_id - first_id < DENSE_SPREAD * len(asked):
        within: dict[str, Any] = {"case_id__gte": first_id, "case_id__lte": last_id}
        cases = Case.objects.filter(pk__range=(first_id, last_id))
    else:
        within = {"case_id__in": asked}
        cases = Case.objects.filter(pk__in=asked)
    public = asked & set(
        cases.filter(state__in=Case.PUBLIC_STATES).values_list("pk", flat=True).order_by()
    )
    if not public:
        return []
    # The first event of each kind each organisation wrote or received on each case.
    firsts = (
        CaseEvent.objects.filter(
            kind__in=ORGANISATION_KINDS, internal=False, organisation__isnull=False, **within
        )
        .values_list("organisation_id", "case_id", "kind")
        .annotate(first_at=Min("created_at"))
        .order_by()
    )
    first_of: dict[tuple[int, int], dict[str, datetime]] = defaultdict(dict)
    for organisation_id, case_id, kind, first_at in firsts:
        if case_id in public:
            first_of[organisation_id, case_id][kind] = to_second(first_at)
    resolutions: dict[int, list[datetime]] = defaultdict(list)
    for case_id, resolved_at in (
        CaseEvent.objects.filter(kind=Kind.RESOLVED, **within)
        .order_by("created_at", "id")
        .values_list("case_id", "created_at")
    ):
        resolutions[case_id].append(to_second(resolved_at))

    facts = []
    for (organisation_id, case_id), first in first_of.items():
        routed_at = first.get(Kind.ROUTED)
        if routed_at is None:  # an organisation that acted on a case not routed to it
            continue
        responses = sorted(
            (moment, RESPONSE_ORDER[kind], kind)
            for kind, moment in first.items()
            if kind in RESPONSE_ORDER
        )
        facts.append(
            Fact.of(
                organisation_id=organisation_id,
                case_id=case_id,
                routed_at=routed_at,
                first_response_at=responses[0][0] if responses else None,
                first_response_kind=responses[0][2] if responses else "",
                acknowledged=Kind.ACKNOWLEDGED in first,
                answered=any(kind in first for kind in ANSWER_KINDS),
                resolved_at=next((m for m in resolutions[case_id] if m > routed_at), None),
            )
        )
    return facts


def refresh_facts(case_ids: Sequence[int]) -> None:
    """Compute these cases' facts again from their timelines and store them."""
    with transaction.atomic():
        removed, _by_model = RoutedCase.objects.filter(case_id__in=case_ids).delete()
        facts = facts_from_timeline(case_ids)
        _store(facts)
        if removed or facts:
            touch(ACCOUNTABILITY)


def rebuild_facts() -> int:
    """Compute every routed case's facts again, e.g. after a bulk load that bypassed
    the services; returns how many rows there are."""
    with transaction.atomic():
        RoutedCase.objects.all().delete()
        case_ids = _routed_case_ids()
        while batch := list(islice(case_ids, REBUILD_BATCH)):
            _store(facts_from_timeline(batch))
        touch(ACCOUNTABILITY)
    return RoutedCase.objects.count()


def _store(facts: Sequence[Fact]) -> None:
    # Rows, not model instances, and not INSERT statements on PostgreSQL: a rebuild
    # stores 1.3 million of them at a million cases; making an instance of each took a
    # third of its time, and psycopg spent more binding the values into statements
    # than PostgreSQL spent storing them. COPY takes the rows as they are.
    if not facts:
        return
    table, columns = RoutedCase._meta.db_table, ", ".join(Fact._fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for fact in facts:
                    copy.write_row(fact)
            return
        # Times as SQLite keeps them: text in UTC, as Django writes them.
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"INSERT INTO {table} ({columns})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(Fact._fields))})",
            [[adapt(v) if isinstance(v, datetime) else v for v in fact] for fact in facts],
        )


def _routed_case_ids() -> Iterator[int]:
    routed = CaseEvent.objects.filter(kind=Kind.ROUTED, organisation__isnull=False)
    return routed.values_list("case_id", flat=True).distinct().order_by("case_id").iterator()


def changes_facts(event: CaseEvent) -> bool:
    """Whether the event can change its case's facts: one of the kinds they are made
    of, or a move out of the public states (every move carries `from` and `to`).

    A move into them cannot: a case becomes public only from `submitted`, and was never
    routed before it was (routing reads public cases), so a report being published, the
    most common move of all, costs no query here."""
    if event.kind in FACT_KINDS:
        return True
    moved_from, moved_to = event.payload.get("from"), event.payload.get("to")
    return moved_from in Case.PUBLIC_STATES and moved_to not in Case.PUBLIC_STATES


def refresh_on_case_events(
    sender: type[CaseEvent], events: Iterable[CaseEvent], **kwargs: Any
) -> None:
    case_ids = list(dict.fromkeys(event.case_id for event in events if changes_facts(event)))
    if case_ids:
        refresh_facts(case_ids)
