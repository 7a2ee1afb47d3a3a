"""The times a public reader gets: when a case was published, to the minute.

A trusted reporter's case is published in the transaction that submits it, the
same instant; anyone else's waits for a moderator. Whoever could read both the
submission and the publication instants could tell the two apart by the gap
between them, so pages, the API (for readers other than the reporter and staff),
Open311 and the feeds give no submission time at all, and every other time to
the minute. What they filter or sort on is the publication time at the same
grain, so a query cannot find out more than an answer shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# The finest time a public reader is given.
PUBLIC_GRAIN = timedelta(minutes=1)


def public_time(moment: datetime) -> datetime:
    """`moment` cut down to the minute it falls in."""
    return moment.replace(second=0, microsecond=0)


def public_time_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else public_time(moment)


def public_bounds(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """A range asked for, widened to whole minutes: [start's minute, the minute
    after end's). A filter on it selects by what the public reads, so moving a
    bound within a minute never changes the answer."""
    last = public_time(end)
    try:
        return public_time(start), last + PUBLIC_GRAIN
    except OverflowError:  # the last minute there is (9999-12-31T23:59)
        return public_time(start), last.replace(second=59, microsecond=999999)
