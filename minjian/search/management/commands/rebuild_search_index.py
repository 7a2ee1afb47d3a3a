"""Rebuild every case's search document, e.g. after a restore from a backup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.search.indexing import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of every public case and drop the documents of others."

    def handle(self, *args: Any, **options: Any) -> None:
        indexed, dropped = index_rebuild()
        self.stdout.write(f"Indexed {indexed} public cases; dropped {dropped} stale documents.")
