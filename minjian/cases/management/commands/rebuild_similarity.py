"""`manage.py rebuild_similarity`: make the similar-case index again from the cases, e.g.
after a restore from a backup or a bulk load that bypassed the services, or after the
signature's seed or size changed (`cases.similarity`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.cases.services_similarity import rebuild_similarity_index


class Command(BaseCommand):
    help = "Rebuild the similar-case index (fingerprints and LSH buckets) of every public case."

    def handle(self, *args: Any, **options: Any) -> None:
        indexed = rebuild_similarity_index()
        self.stdout.write(f"Indexed {indexed} public case(s) for similar-case lookups.")
