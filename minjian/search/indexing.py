"""Building a case's search document from the case as the public reads it."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.utils import timezone

from minjian.cases.models import Case
from minjian.cases.selectors import public_notes
from minjian.redaction import Kind
from minjian.redaction.text import ESCAPED_MARKUP_OPENING, MARKUP_OPENING, token
from minjian.search.models import SearchDocument
from minjian.search.text import index_terms


def index_case(case_id: int) -> None:
    """Make the case's search document match the case now; safe to run any number of times.

    A case the public cannot read (waiting for review, hidden, gone) has no
    document, so nothing of it can be found or shown in a snippet.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_public:
            SearchDocument.objects.filter(case_id=case_id).delete()
            return
        notes = public_notes(case)
        SearchDocument.objects.update_or_create(
            case=case,
            defaults={
                "title": searchable(case.title),
                "description": searchable(case.description),
                "updates": " ".join(searchable(note) for note in notes),
                "update_notes": notes,
                "indexed_at": timezone.now(),
            },
        )
        if connection.vendor == "postgresql":
            SearchDocument.objects.filter(case=case).update(vector=VECTOR)


def index_rebuild() -> tuple[int, int]:
    """Rebuild the document of every public case and drop the documents of the
    others, e.g. after a restore from a backup: (cases indexed, documents dropped)."""
    stale = SearchDocument.objects.exclude(case__state__in=Case.PUBLIC_STATES)
    dropped, _ = stale.delete()
    public = Case.objects.filter(state__in=Case.PUBLIC_STATES).order_by("id")
    indexed = 0
    for case_id in public.values_list("id", flat=True).iterator():
        index_case(case_id)
        indexed += 1
    return indexed, dropped


def fill_derived_columns() -> int:
    """Compute, in one UPDATE, the columns of every document that the database derives
    from its text (on PostgreSQL the weighted `vector`): for documents written in bulk,
    as the benchmarks' data does, rather than one by one by `index_case`. Returns how
    many documents were updated."""
    if connection.vendor != "postgresql":
        return 0
    return SearchDocument.objects.update(vector=VECTOR)


# PostgreSQL's weighted vector of a document. The fields hold terms separated by
# spaces, so the 'simple' configuration only splits them there.
VECTOR = (
    SearchVector("title", weight="A", config="simple")
    + SearchVector("description", weight="B", config="simple")
    + SearchVector("updates", weight="C", config="simple")
)


def searchable(stored: str) -> str:
    """The terms of a stored text, space-separated, with personal data left out.

    The tokens that stand for removed personal data are dropped rather than shown
    as placeholders, so that a search for "phone number" does not list every case
    a phone number was removed from.
    """
    text = stored
    for kind in Kind:
        text = text.replace(token(kind), " ")
    return " ".join(index_terms(text.replace(ESCAPED_MARKUP_OPENING, MARKUP_OPENING)))
