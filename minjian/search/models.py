"""The search index: one document per public case, its text already folded and segmented."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    """What a public case is found by: its terms (`minjian.search.text.index_terms`),
    space-separated, by field. Built by `minjian.search.indexing.index_case` from
    the case as the public reads it; a case nobody may read has no document.

    The database's own full-text index is built from these fields: on SQLite an
    FTS5 table that triggers keep in step (migration 0002), on PostgreSQL
    `vector`, weighted A (title), B (description), C (updates), under a RUM
    index that keeps the case's id beside each match, so that the most recently
    reported matches are read first (a GIN index where the RUM extension is
    missing, migration 0003). `vector` stays empty on SQLite.

    The list's filters are applied in that index too: `filters` holds them as terms
    no search can spell (capital letters: the terms of a search are folded to lower
    case), on SQLite in a column of its own of the FTS5 table, on PostgreSQL as
    lexemes of `vector` without a position. `filters` is derived from the case by
    `minjian.search.indexing.fill_derived_columns`.
    """

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    description = models.TextField()
    updates = models.TextField(blank=True)
    # The public texts of the timeline as stored (personal data as tokens), for
    # the snippets of the result list, so that a list page needs no event query.
    update_notes = models.JSONField(default=list, blank=True)
    vector = SearchVectorField(null=True, editable=False)
    # The case's topic, state, verdict and region with every region above it, as terms:
    # "T<topic id> S<state without underscores> V<verdict without underscores> R<code> ...".
    filters = models.TextField(blank=True, default="", editable=False)
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
