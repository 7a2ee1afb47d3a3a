"""`manage.py verify_record [URL]`: check that a public record (this instance's, or another
instance's at URL) is one unbroken hash chain signed by its instance's key, and say where
it breaks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.record.canonical import GENESIS_HASH
from minjian.record.reading import RecordSource, RemoteRecordSource, Unreadable
from minjian.record.verify import ChainBroken, verify_checkpoint, verify_entries, verify_head


class Command(BaseCommand):
    help = (
        "Check that the public record is one unbroken hash chain with a valid signed "
        "checkpoint: this instance's (from its database) or another's at URL (over HTTP)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", nargs="?", help="Another instance's base URL.")

    def handle(self, *args: Any, url: str | None = None, **options: Any) -> None:
        try:
            source = RemoteRecordSource(url) if url else RecordSource()
            count, checkpoint = _verify(source)
        except Unreadable as error:
            raise CommandError(f"Cannot read the record: {error}") from error
        except ChainBroken as error:
            where = f" at position {error.position}" if error.position is not None else ""
            raise CommandError(
                f"The record breaks{where}: {error.code}: {error.message}"
            ) from error
        if checkpoint is None:
            self.stdout.write(f"{count} entries chain; no checkpoint signs them yet.")
        else:
            self.stdout.write(
                f"{count} entries chain; the checkpoint at position {checkpoint['position']} "
                f"is signed by key {checkpoint['key_id']} of {checkpoint['instance']}."
            )


def _verify(source: RecordSource) -> tuple[int, dict[str, Any] | None]:
    """Read first, the checkpoint signs a head the chain read after it must contain."""
    checkpoint = source.checkpoint()
    if checkpoint is not None:
        verify_checkpoint(checkpoint, source.public_key(), source.instance)
    head, position = GENESIS_HASH, 1
    signed_head: str | None = None
    for page in source.pages():
        head = verify_entries(page, head, position)
        position += len(page)
        if checkpoint is not None and signed_head is None:
            signed_head = next(
                (e["entry_hash"] for e in page if e["position"] == checkpoint["position"]), None
            )
    if checkpoint is not None:
        if signed_head is None:
            raise ChainBroken(
                "gap",
                f"The checkpoint signs position {checkpoint['position']}, past the chain's end.",
                position=position,
            )
        verify_head(checkpoint, signed_head)
    return position - 1, checkpoint
