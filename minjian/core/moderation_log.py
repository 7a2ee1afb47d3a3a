"""The public moderation log's entries from every app.

The log page belongs to `cases` (`cases/views_moderation.log`), but moderators act in
apps above it (a petition approved, signatures invalidated in bulk) that `cases` may not
import. Each such app registers, in its `AppConfig.ready`, a source of its newest public
entries; the page reads them all through `recent_entries`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LogEntry:
    """One moderator's action as the public reads it."""

    at: datetime
    action: str
    # What it was done to ("Petition #3: …") and where it is read, if anywhere.
    subject: str
    url: str
    reason: str
    # How many things the action touched (signatures invalidated), if it counts any.
    count: int | None = None


# A source gives its newest `limit` entries, newest first.
Source = Callable[[int], Sequence[LogEntry]]

_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add `source` to the log under `name`; registering a name again replaces it."""
    _sources[name] = source


def recent_entries(limit: int = 50) -> list[LogEntry]:
    """The newest `limit` entries of every registered source, newest first."""
    newest = heapq.merge(
        *(source(limit) for source in _sources.values()), key=lambda entry: entry.at, reverse=True
    )
    return [entry for _position, entry in zip(range(limit), newest, strict=False)]
