"""Background work of search: keeping each case's document in step with the case."""

from __future__ import annotations

from minjian.jobs import job
from minjian.search.indexing import index_case


@job
def reindex_case(case_id: int) -> None:
    """Rebuild the case's search document from its current state (idempotent)."""
    index_case(case_id)
