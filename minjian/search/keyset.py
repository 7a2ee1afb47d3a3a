"""Pages of the case list that cost the same however deep they are
(`minjian.core.keyset`): the list's links carry the publication time and id of the case
at the edge of the page, and the next page is found through the index on those two
columns, at any depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from minjian.cases.models import Case
from minjian.core import keyset as core_keyset
from minjian.core.cursors import cursor_text, parse_cursor
from minjian.core.keyset import KeysetPage

__all__ = ["Cursor", "KeysetPage", "keyset_page"]


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


def keyset_page(
    cases: QuerySet[Case],
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    number: int,
    count: int,
    per_page: int,
) -> KeysetPage[Case]:
    """The page of `cases` (ordered newest published first) just past `after`, or just
    before `before`; with neither, page `number` counted from the start (a typed address:
    the one read that skips the pages before it)."""
    return core_keyset.keyset_page(
        cases,
        time_field="published_at",
        after=(after.published_at, after.case_id) if after else None,
        before=(before.published_at, before.case_id) if before else None,
        number=number,
        count=count,
        per_page=per_page,
    )
