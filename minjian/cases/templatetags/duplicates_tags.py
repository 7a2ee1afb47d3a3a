"""Duplicate reports on a case's page: the reports merged into it."""

from __future__ import annotations

from typing import Any

from django import template

from minjian.cases import selectors_duplicates
from minjian.cases.models import Case

register = template.Library()


@register.inclusion_tag("cases/_merged_reports.html")
def merged_reports(case: Case) -> dict[str, Any]:
    """The reports merged into `case`, each linked to its tombstone (no query: read from
    the events its page has read already)."""
    return {"merged": selectors_duplicates.merged_reports(case)}


@register.filter
def merged_into(case: Case) -> int | None:
    """The case `case` was merged into and leads to now (its original), or None (reads
    the events its page has read already)."""
    return selectors_duplicates.merged_into(case)
