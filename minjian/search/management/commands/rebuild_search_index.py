"""Rebuild every case's search document, e.g. after a restore from a backup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.cases.models import Case
from minjian.search.indexing import index_case
from minjian.search.models import SearchDocument


class Command(BaseCommand):
    help = "Rebuild the search index of every public case and drop the documents of others."

    def handle(self, *args: Any, **options: Any) -> None:
        public = Case.objects.filter(state__in=Case.PUBLIC_STATES)
        stale = SearchDocument.objects.exclude(case__state__in=Case.PUBLIC_STATES)
        dropped, _ = stale.delete()
        count = 0
        for case_id in public.order_by("id").values_list("id", flat=True).iterator():
            index_case(case_id)
            count += 1
        self.stdout.write(f"Indexed {count} public cases; dropped {dropped} stale documents.")
