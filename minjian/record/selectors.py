"""Reading the public record."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from minjian.record.models import Checkpoint, Entry


def sealed_entries(*, after: int, limit: int) -> QuerySet[Entry]:
    """The sealed entries after position `after`, in the chain's order, at most `limit`."""
    return Entry.objects.filter(position__gt=after).order_by("position")[:limit]


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-position", "-id").first()


def whole_chain(batch: int = 2000) -> Iterator[list[Entry]]:
    """Every sealed entry in the chain's order, in lists of `batch`, in constant memory."""
    after = 0
    while page := list(sealed_entries(after=after, limit=batch)):
        yield page
        after = page[-1].position or after


def subjects_in_record(subject_type: str) -> set[str]:
    """The subjects of `subject_type` the record already names ("case:12")."""
    return set(
        Entry.objects.filter(subject__startswith=f"{subject_type}:")
        .values_list("subject", flat=True)
        .distinct()
    )
