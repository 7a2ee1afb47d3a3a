"""What the mirror's pages read: the sources followed, a source's cases newest first by
keyset, a case with its photos and timeline, and what was removed at a source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import CaseEvent
from minjian.core.cursors import cursor_text, older_than, parse_cursor
from minjian.core.errors import DomainError, NotFound
from minjian.mirrors.models import (
    MirroredCase,
    MirroredEntry,
    MirroredPhoto,
    Source,
    localised_name,
    removal_label,
)

CASES_PER_PAGE = 30
REMOVED_LISTED = 200
# The label of removals without a public reason, beside the source's reason codes.
VANISHED = "vanished"


def sources() -> QuerySet[Source]:
    """Every source followed, with how many of its cases are kept and how many removed."""
    return Source.objects.annotate(
        case_count=Count("cases"),
        removed_count=Count("cases", filter=~Q(cases__removal="")),
    ).order_by("name")


def source_by_name(name: str) -> Source:
    source = Source.objects.filter(name=name).first()
    if source is None:
        raise NotFound(_("This instance follows no source of that name."), code="unknown_mirror")
    return source


@dataclass(frozen=True)
class CasesPage:
    cases: list[MirroredCase]
    # The cursor of the page after this one; empty on the last page.
    next_cursor: str
    first: bool


def cases_page(source: Source, after: str = "") -> CasesPage:
    """A page of the source's cases, newest published first, after the cursor `after`
    (from the page before's link) through the index on (source, published_at, id)."""
    cases = MirroredCase.objects.filter(source=source).defer("snapshot", "description")
    if after:
        published_at, row_id = parse_cursor(after)
        cases = cases.filter(older_than(published_at, row_id, time_field="published_at"))
    found = list(cases.order_by("-published_at", "-id")[: CASES_PER_PAGE + 1])
    shown = found[:CASES_PER_PAGE]
    more = len(found) > CASES_PER_PAGE
    return CasesPage(
        cases=shown,
        next_cursor=cursor_text(shown[-1].published_at, shown[-1].pk) if more else "",
        first=not after,
    )


ENTRIES_PER_PAGE = 50


@dataclass(frozen=True)
class EntriesPage:
    entries: list[MirroredEntry]
    # The position after which the next page starts; None on the last page.
    next_after: int | None


def entries_page(source: Source, after: str = "") -> EntriesPage:
    """A page of every entry kept of the source's record (cases, petitions, organisations,
    verdicts, ...), in the chain's order, after the position `after` (a link's digits)."""
    if after and not (after.isascii() and after.isdigit() and len(after) <= 18):
        raise DomainError(
            "invalid_cursor",
            _("This link to a page of the list is damaged. Start again from the first page."),
            field="after",
        )
    found = list(
        MirroredEntry.objects.filter(source=source, position__gt=int(after or 0)).order_by(
            "position"
        )[: ENTRIES_PER_PAGE + 1]
    )
    shown = found[:ENTRIES_PER_PAGE]
    return EntriesPage(
        entries=shown,
        next_after=shown[-1].position if len(found) > ENTRIES_PER_PAGE else None,
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    at: datetime
    organisation: str
    text: str
    withdrawn: bool


def mirrored_case(source: Source, case_id: int) -> MirroredCase:
    case = (
        MirroredCase.objects.filter(source=source, case_id=case_id)
        .prefetch_related("photos")
        .first()
    )
    if case is None:
        raise NotFound(_("This mirror holds no case of that number."), code="unknown_mirrored_case")
    return case


def timeline(case: MirroredCase) -> list[TimelineEntry]:
    """The case's entries in the source's record, oldest first, as a timeline reads them."""
    entries = MirroredEntry.objects.filter(source_id=case.source_id, subject=case.subject)
    return [_timeline_entry(entry) for entry in entries.order_by("position")]


def _timeline_entry(entry: MirroredEntry) -> TimelineEntry:
    body: dict[str, Any] = entry.body or {}
    event_kind = str(body.get("kind", "")) if entry.kind == "case.event" else ""
    labels = {
        "case.published": _("published"),
        "case.edited": _("edited by the reporter"),
        "case.removed": _("removed at the source"),
    }
    if event_kind in CaseEvent.Kind.values:
        label = str(CaseEvent.Kind(event_kind).label)
    else:
        label = str(labels.get(entry.kind, event_kind or entry.kind))
    organisation = body.get("organisation")
    text = body.get("note") or body.get("rationale") or body.get("text") or ""
    return TimelineEntry(
        kind=entry.kind,
        label=label,
        at=entry.at,
        organisation=localised_name(organisation) if isinstance(organisation, dict) else "",
        text=str(text),
        withdrawn=entry.withdrawn,
    )


def stored_photo(source: Source, sha256: str) -> MirroredPhoto:
    photo = (
        MirroredPhoto.objects.filter(case__source=source, sha256=sha256)
        .exclude(stored_name="")
        .first()
    )
    if photo is None:
        raise NotFound(_("This mirror holds no such photo."), code="unknown_mirrored_photo")
    return photo


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    protects_person: bool
    count: int


@dataclass(frozen=True)
class MonthCount:
    month: datetime
    count: int


@dataclass(frozen=True)
class Removed:
    by_reason: list[ReasonCount]
    by_month: list[MonthCount]
    total: int
    cases: list[MirroredCase]
    # Every case kept from a source that went dark (unreachable), else None.
    kept_from_dark_source: int | None


def removed(source: Source) -> Removed:
    """What the source removed or stopped serving: counts by reason (its public reason
    code, or vanished without one) and by month, and the newest removals; and, when the
    whole source went dark, how many of its cases are kept here."""
    removed_cases = MirroredCase.objects.filter(source=source).exclude(removal="")
    by_reason = [
        ReasonCount(
            reason=_reason_key(row["removal"], row["removal_reason"]),
            label=removal_label(row["removal"], row["removal_reason"]),
            protects_person=row["protects_person"],
            count=row["count"],
        )
        for row in removed_cases.values("removal", "removal_reason", "protects_person")
        .annotate(count=Count("id"))
        .order_by("-count", "removal", "removal_reason")
    ]
    by_month = [
        MonthCount(month=row["month"], count=row["count"])
        for row in removed_cases.annotate(month=TruncMonth("removed_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    ]
    listed = list(
        removed_cases.defer("snapshot", "description").order_by("-removed_at", "-id")[
            :REMOVED_LISTED
        ]
    )
    dark = source.state == Source.State.UNREACHABLE
    return Removed(
        by_reason=by_reason,
        by_month=by_month,
        total=sum(row.count for row in by_reason),
        cases=listed,
        kept_from_dark_source=(
            MirroredCase.objects.filter(source=source).count() if dark else None
        ),
    )


def _reason_key(removal: str, reason: str) -> str:
    return VANISHED if removal == MirroredCase.Removal.VANISHED else reason
