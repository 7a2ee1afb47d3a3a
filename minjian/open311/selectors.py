"""Reads for Open311: topics as services, public cases as service requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from minjian.accounts.tokens import token_digest
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.selectors import public_cases
from minjian.cases.times import public_bounds
from minjian.core.errors import DomainError
from minjian.core.text import parse_id
from minjian.open311.models import Open311Request
from minjian.orgs.models import Organisation

# GeoReport v2, GET Service Requests: "When not specified, the range defaults to most
# recent 90 days"; a range "may not span more than 90 days"; and at most 1000 results.
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
# Like other GeoReport v2 servers (Chicago's, for one), a list comes a page at a time
# (`page`, `page_size`): a whole national list of 90 days would be hundreds of kilobytes
# for every client that asks without filters. A client may ask for the spec's 1000.
DEFAULT_PAGE_SIZE = 100
# Far beyond any list of 90 days, and small enough that no offset overflows.
MOST_PAGES = 1_000_000
# Dates a query may name: wide enough for any report, far enough from the ends of
# Python's and the databases' calendars that a 90-day window never overflows them.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

STATUS_STATES = {"open": Case.OPEN_STATES, "closed": Case.DONE_STATES}


def open311_status(case: Case) -> str:
    return "closed" if case.state in Case.DONE_STATES else "open"


def parse_w3_datetime(raw: str, *, field: str) -> datetime:
    """A W3C date-time with its time zone (`2010-01-01T00:00:00Z`), as the spec requires."""
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise DomainError(
            "invalid_datetime",
            _("%(field)s must be a date and time with its time zone, e.g. 2010-01-01T00:00:00Z.")
            % {"field": field},
            field=field,
        )
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise DomainError(
            "datetime_out_of_range",
            _("%(field)s must lie between the years 1900 and 9000.") % {"field": field},
            field=field,
        )
    return utc


def _comma_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests, checked."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    states: tuple[str, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(
        cls,
        *,
        service_request_id: str | None = None,
        service_code: str | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
        status: str | None = None,
        page: str | None = None,
        page_size: str | None = None,
    ) -> RequestQuery:
        ids = [parse_id(part) for part in _comma_list(service_request_id)]
        if None in ids:
            raise DomainError(
                "invalid_service_request_id",
                _("service_request_id must be one or more numbers, separated by commas."),
                field="service_request_id",
            )
        if ids:
            # The spec: service_request_id "overrides all other arguments".
            return cls(ids=tuple(part for part in ids if part is not None))
        statuses = _comma_list(status)
        if any(part not in STATUS_STATES for part in statuses):
            raise DomainError(
                "invalid_status", _("status must be open, closed, or both."), field="status"
            )
        start = parse_w3_datetime(start_date, field="start_date") if start_date else None
        end = parse_w3_datetime(end_date, field="end_date") if end_date else None
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            assert end is not None
            start = end - DEFAULT_WINDOW
        if end is None:
            end = start + DEFAULT_WINDOW
        if end < start or end - start > DEFAULT_WINDOW:
            raise DomainError(
                "invalid_date_range",
                _("start_date must come before end_date, at most 90 days before it."),
                field="start_date",
            )
        return cls(
            service_codes=tuple(_comma_list(service_code)),
            start=start,
            end=end,
            states=tuple(state for part in statuses for state in STATUS_STATES[part]),
            page=_whole_number(page, field="page", default=1, most=MOST_PAGES),
            page_size=_whole_number(
                page_size, field="page_size", default=DEFAULT_PAGE_SIZE, most=MAX_RESULTS
            ),
        )


def _whole_number(raw: str | None, *, field: str, default: int, most: int) -> int:
    if raw is None or not raw.strip():
        return default
    number = parse_id(raw)
    if number is None or number > most:
        raise DomainError(
            f"invalid_{field}",
            _("%(field)s must be a whole number from 1 to %(most)s.")
            % {"field": field, "most": most},
            field=field,
        )
    return number


def _for_output(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("topic", "region").prefetch_related(
        Prefetch("photos", queryset=CasePhoto.objects.order_by("position", "id")),
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(internal=False)
            .select_related("actor", "organisation")
            .order_by("created_at", "id"),
        ),
    )


def service_requests(query: RequestQuery) -> list[Case]:
    """Public cases matching the query, newest published first: a page of them, or the
    ids asked for by `service_request_id` (never more than MAX_RESULTS)."""
    cases = public_cases()
    first, last = 0, MAX_RESULTS
    if query.ids:
        cases = cases.filter(pk__in=query.ids)
    else:
        # On the time a request shows (when it was published, to the minute), never
        # on when it was sent: minjian.cases.times.
        assert query.start is not None and query.end is not None  # parse sets both
        start, end = public_bounds(query.start, query.end)
        cases = cases.filter(published_at__gte=start, published_at__lt=end)
        if query.service_codes:
            cases = cases.filter(topic__slug__in=query.service_codes)
        if query.states:
            cases = cases.filter(state__in=query.states)
        first = (query.page - 1) * query.page_size
        last = first + query.page_size
    return list(_for_output(cases).order_by("-published_at", "-id")[first:last])


def agencies_addressed(case: Case) -> list[Organisation]:
    """The agencies a case was addressed to, from its (prefetched) timeline, in order."""
    found: dict[int, Organisation] = {}
    for event in case.events.all():
        if event.kind == CaseEvent.Kind.ADDRESSED and event.organisation is not None:
            found.setdefault(event.organisation.pk, event.organisation)
    return list(found.values())


def request_by_token(token: str) -> Open311Request:
    found = (
        Open311Request.objects.select_related("case")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if found is None:
        raise DomainError("unknown_token", _("There is no request with this token."), status=404)
    return found
