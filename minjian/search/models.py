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
    `vector`, weighted A (title), B (description), C (updates), under a GIN
    index. `vector` stays empty on SQLite.
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
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
