"""Pages of the case list that cost the same however deep they are.

A page numbered the usual way skips the cases of every page before it (an OFFSET that
reads and drops them): the 50,000th page of a million cases reads a million. The list's
own links instead carry where the page next to them starts, as a *cursor*: the
publication time and id of the case at the edge of the page. The next page is then the
cases just past that one in the list's order (newest published first, then highest id),
found through the index on those two columns, at any depth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from minjian.cases.models import Case
from minjian.core.cursors import cursor_text, newer_than, older_than, parse_cursor


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    case_id: int

    @classmethod
    def of(cls, case: Case) -> Cursor:
        assert case.published_at is not None  # every listed case is public, so published
        return cls(case.published_at, case.pk)

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """From a link's `after` or `before`; anything `str` did not make is refused."""
        return cls(*parse_cursor(text))

    def __str__(self) -> str:
        return cursor_text(self.published_at, self.case_id)


class KeysetPage:
    """One page of the list, read from a cursor, with what its links need: the page's
    number (carried by the links, for "Page 3 of 50,000") and the cursors of its edges.
    Quacks like the Paginator page that `core/_pagination.html` reads."""

    def __init__(
        self, cases: list[Case], *, number: int, count: int, per_page: int, more_after: bool
    ) -> None:
        self.object_list = cases
        self.number = number
        self.count = count
        self.per_page = per_page
        self._more_after = more_after

    def __getitem__(self, index: int) -> Case:
        return self.object_list[index]

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self) -> Iterator[Case]:
        return iter(self.object_list)

    @property
    def paginator(self) -> KeysetPage:
        # The template asks the page's paginator for the number of pages.
        return self

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

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
        return str(Cursor.of(self.object_list[0])) if self.object_list else ""

    @property
    def next_cursor(self) -> str:
        return str(Cursor.of(self.object_list[-1])) if self.object_list else ""


def keyset_page(
    cases: QuerySet[Case],
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    number: int,
    count: int,
    per_page: int,
) -> KeysetPage:
    """The page of `cases` (ordered newest published first) just past `after`, or just
    before `before`; with neither, page `number` counted from the start (a typed address:
    the one read that skips the pages before it). Reads one case more than a page, to
    know whether another follows."""
    if before is not None:
        newer = newer_than(before.published_at, before.case_id, time_field="published_at")
        found = list(cases.filter(newer).order_by("published_at", "id")[: per_page + 1])
        found.reverse()
        return KeysetPage(
            found[-per_page:], number=number, count=count, per_page=per_page, more_after=True
        )
    if after is not None:
        cases = cases.filter(
            older_than(after.published_at, after.case_id, time_field="published_at")
        )
    skipped = 0 if after is not None else (number - 1) * per_page
    found = list(cases[skipped : skipped + per_page + 1])
    return KeysetPage(
        found[:per_page],
        number=number,
        count=count,
        per_page=per_page,
        more_after=len(found) > per_page,
    )
