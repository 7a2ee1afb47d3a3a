"""Building a case's search document from the case as the public reads it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone

from minjian.cases.models import Case, locked_cases
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
        case = locked_cases().filter(pk=case_id).first()
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
        fill_derived_columns([case.pk])


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


# The terms of the list's filters a document is found by (`SearchDocument.filters`):
# "T<topic id> S<state> V<verdict> R<code> ..." for the case's region and every region
# above it, read from the region's path ("/340000/341100/341103/"). The same SQL on both
# engines.
FILTERS_SQL = (
    "'T' || cases_case.topic_id || ' S' || replace(cases_case.state, '_', '')"
    " || ' V' || replace(cases_case.verdict, '_', '')"
    " || ' R' || replace(substr(places_region.path, 2, length(places_region.path) - 2), '/', ' R')"
)
DERIVED_SQL = (
    f"SELECT cases_case.id, {FILTERS_SQL} AS filters"  # noqa: S608
    " FROM cases_case JOIN places_region ON places_region.id = cases_case.region_id"
)
# PostgreSQL's weighted vector of a document: the fields hold terms separated by
# spaces, so the 'simple' configuration only splits them there. The filters are
# added as they are, without a position: no search term can spell them (they start
# with a capital letter), and as they have no position they weigh nothing in a rank.
POSTGRESQL_VECTOR_SQL = (
    "setweight(to_tsvector('simple', search_searchdocument.title), 'A')"
    " || setweight(to_tsvector('simple', search_searchdocument.description), 'B')"
    " || setweight(to_tsvector('simple', search_searchdocument.updates), 'C')"
    " || array_to_tsvector(string_to_array(derived.filters, ' '))"
)


def fill_derived_columns(case_ids: Sequence[int] | None = None) -> int:
    """Derive from their cases the columns of the search documents that are not text
    (`filters`, and on PostgreSQL `vector` from the text and the filters) in one
    UPDATE: of the documents of `case_ids`, or of all of them (after a COPY of the
    documents' text). The number of documents updated."""
    assignments = "filters = derived.filters"
    if connection.vendor == "postgresql":
        assignments += f", vector = {POSTGRESQL_VECTOR_SQL}"
    sql = (
        f"UPDATE search_searchdocument SET {assignments} FROM ({DERIVED_SQL}) AS derived"  # noqa: S608
        " WHERE derived.id = search_searchdocument.case_id"
    )
    with connection.cursor() as cursor:
        if case_ids is None:
            cursor.execute(sql)
        elif not case_ids:
            return 0
        else:
            placeholders = ", ".join(["%s"] * len(case_ids))
            cursor.execute(f"{sql} AND search_searchdocument.case_id IN ({placeholders})", case_ids)
        return int(cursor.rowcount)


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
