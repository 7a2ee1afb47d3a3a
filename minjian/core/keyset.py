"""Pages of a list, newest first, that cost the same however deep they are.

A page numbered the usual way skips the rows of every page before it (an OFFSET that
reads and drops them): the 50,000th page of a million cases reads a million. A list's
own links instead carry where the page next to them starts, as a cursor
(`minjian.core.cursors`): the time and id of the row at the edge of the page. The next
page is then the rows just past that one in the list's order (newest first, then highest
id), found through an index on the time, at any depth. A page asked for by its number
alone (a typed address) is the one read that skips the pages before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

from minjian.core.cursors import cursor_text, newer_than, older_than

Row = TypeVar("Row", bound=Model)
# A cursor as `minjian.core.cursors.parse_cursor` reads it: a row's time and id.
Edge = tuple[datetime, int]


class KeysetPage(Generic[Row]):
    """One page of a list, read from a cursor, with what its links need: the page's
    number (carried by the links, for "Page 3 of 50,000") and the cursors of its edges.
    Quacks like the Paginator page that `core/_pagination.html` reads. A list that is
    not counted (`count` None) has no number of pages: "Page 3"."""

    def __init__(
        self,
        rows: list[Row],
        *,
        time_field: str,
        number: int,
        count: int | None,
        per_page: int,
        more_after: bool,
    ) -> None:
        self.object_list = rows
        self.time_field = time_field
        self.number = number
        self.count = count
        self.per_page = per_page
        self._more_after = more_after

    def __getitem__(self, index: int) -> Row:
        return self.object_list[index]

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.object_list)

    @property
    def paginator(self) -> KeysetPage[Row]:
        # The template asks the page's paginator for the number of pages.
        return self

    @property
    def num_pages(self) -> int | None:
        return None if self.count is None else max(1, -(-self.count // self.per_page))

    def has_previous(self) -> bool:
        return self.number > 1 and bool(self.object_list)

    def has_next(self) -> bool:
        return self._more_after

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_cursor(self) -> str:
        return self._cursor_of(self.object_list[0]) if self.object_list else ""

    @property
    def next_cursor(self) -> str:
        return self._cursor_of(self.object_list[-1]) if self.object_list else ""

    def _cursor_of(self, row: Row) -> str:
        return cursor_text(getattr(row, self.time_field), row.pk)


def page_number(text: str) -> int:
    """A page's number as a link gives it; 1 for anything but a few plain digits."""
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else 1


def keyset_page(
    rows: QuerySet[Row],
    *,
    time_field: str,
    after: Edge | None = None,
    before: Edge | None = None,
    number: int,
    count: int | None,
    per_page: int,
) -> KeysetPage[Row]:
    """The page of `rows` (ordered newest first by `time_field`, then id) just past
    `after`, or just before `before`; with neither, page `number` counted from the start.
    Reads one row more than a page, to know whether another follows."""
    if before is not None:
        newer = newer_than(*before, time_field=time_field)
        found = list(rows.filter(newer).order_by(time_field, "id")[: per_page + 1])
        found.reverse()
        return KeysetPage(
            found[-per_page:],
            time_field=time_field,
            number=number,
            count=count,
            per_page=per_page,
            more_after=True,
        )
    if after is not None:
        rows = rows.filter(older_than(*after, time_field=time_field))
    skipped = 0 if after is not None else (number - 1) * per_page
    found = list(rows[skipped : skipped + per_page + 1])
    return KeysetPage(
        found[:per_page],
        time_field=time_field,
        number=number,
        count=count,
        per_page=per_page,
        more_after=len(found) > per_page,
    )
