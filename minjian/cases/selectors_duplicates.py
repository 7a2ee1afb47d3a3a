"""Reads of duplicate reports: the verifiers' queue of suggested pairs, and the reports
merged into a case."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from minjian.cases.models import Case, CaseEvent, CasePhoto, DuplicateSuggestion


def suggested_duplicates() -> QuerySet[DuplicateSuggestion]:
    """Suggestions waiting for a verifier, highest score first, each with both cases as
    the queue shows them (topic, region, photos). A pair whose case or original is no
    longer public (merged through another suggestion, hidden meanwhile) is left out:
    there is nothing to decide of it."""
    photos = CasePhoto.objects.order_by("position", "id")
    return (
        DuplicateSuggestion.objects.filter(
            status=DuplicateSuggestion.Status.SUGGESTED,
            case__state__in=Case.PUBLIC_STATES,
            original__state__in=Case.PUBLIC_STATES,
        )
        .select_related("case__topic", "case__region", "original__topic", "original__region")
        .prefetch_related(
            Prefetch("case__photos", queryset=photos),
            Prefetch("original__photos", queryset=photos),
        )
        .order_by("-score", "id")
    )


def merged_reports(case: Case) -> list[int]:
    """The ids of the reports merged into `case`, in the order they were (from its
    events, which `selectors.case_with_timeline` has read already)."""
    return [
        int(event.payload["from"])
        for event in case.events.all()
        if event.kind == CaseEvent.Kind.MERGED_IN
    ]


def merged_into(case: Case) -> int | None:
    """The original a merged case leads to now (it follows its original if that was
    merged in turn), or None for a case that was not merged (from its events, which
    `selectors.case_with_timeline` has read already)."""
    if case.state != Case.State.HIDDEN or case.duplicate_of_id is None:
        return None
    merged = any(event.kind == CaseEvent.Kind.MERGED for event in case.events.all())
    return case.duplicate_of_id if merged else None
