"""Cursors: where the next page of a list, newest first, starts. A list's links carry
the time and id of the row at the edge of the page before, so that the next page is
read through an index on those two columns however deep it is, rather than by an
OFFSET that reads every row before it. In a link, a cursor is two runs of plain digits:
the microseconds since 1970, and the id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError

_SEPARATOR = "."
# A cursor's time is in microseconds since then: exact, in plain digits.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_text(at: datetime, row_id: int) -> str:
    """The cursor of the row `row_id` of time `at`, for a link."""
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}{_SEPARATOR}{row_id}"


def parse_cursor(text: str) -> tuple[datetime, int]:
    """The time and id of a link's cursor; anything `cursor_text` did not make is refused
    (`invalid_cursor`, about the field `after`)."""
    moment, separator, row_id = text.partition(_SEPARATOR)
    if not (separator and _digits(moment) and _digits(row_id)):
        raise _invalid()
    try:
        at = _EPOCH + timedelta(microseconds=int(moment))
    except OverflowError as error:
        raise _invalid() from error
    return at, int(row_id)


def older_than(at: datetime, row_id: int, *, time_field: str) -> Q:
    """The rows past a cursor in a list newest first: an earlier `time_field`, or the same
    and a lower id. The plain bound on the time is what lets the database start its index
    scan at the cursor: the disjunction alone is checked row by row from the newest (on
    PostgreSQL, page 3,000 of 100,000 cases read and dropped 60,001 rows, 73 ms)."""
    return Q(**{f"{time_field}__lte": at}) & (
        Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "id__lt": row_id})
    )


def newer_than(at: datetime, row_id: int, *, time_field: str) -> Q:
    """The rows before a cursor in a list newest first (`older_than`, the other way)."""
    return Q(**{f"{time_field}__gte": at}) & (
        Q(**{f"{time_field}__gt": at}) | Q(**{time_field: at, "id__gt": row_id})
    )


def _digits(text: str) -> bool:
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


def _invalid() -> DomainError:
    return DomainError(
        "invalid_cursor",
        _("This link to a page of the list is damaged. Start again from the first page."),
        field="after",
    )
