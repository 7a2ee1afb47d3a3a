"""Writing the public record: appending entries (by the apps, in their own transactions),
removals as reason-coded tombstones, and sealing entries into the signed hash chain."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from minjian.core import signing
from minjian.core.inserts import insert
from minjian.record import jobs
from minjian.record.canonical import (
    GENESIS_HASH,
    canonical_json,
    checkpoint_message,
    digest,
    entry_hash,
    record_time,
)
from minjian.record.models import Checkpoint, Entry, Head

# Entries sealed per transaction: a backlog (a surge, a backfill) is sealed in steps
# that each hold the sealer's lock briefly, not in one long transaction.
SEAL_BATCH = 1000
# What a removal's content hash points at: the last full snapshot of the subject.
SNAPSHOT_KINDS = ("published", "edited")
_HEAD_ID = 1


def subject_of(subject_type: str, pk: int) -> str:
    """The record's name of a thing: "case:12"."""
    return f"{subject_type}:{pk}"


def append(subject: str, kind: str, body: Mapping[str, Any], at: datetime | None = None) -> Entry:
    """Add `body`, what the public may now read about `subject`, to the record.

    Called inside the caller's transaction, where it writes its own event: the entry
    exists if and only if the change commits. It only inserts an unsealed row (no lock,
    no chain: a surge of reports must not wait on one another here) and arranges one
    seal after the commit for the whole transaction.
    """
    entry = _unsealed(subject, kind, body, at)
    insert(entry)
    _arrange_seal()
    return entry


def append_all(entries: Iterable[tuple[str, str, Mapping[str, Any], datetime]]) -> int:
    """`append` of many (subject, kind, body, at) at once, in one INSERT: the thousands of
    lines of an allocation round. How many were appended."""
    added = Entry.objects.bulk_create(_unsealed(*entry) for entry in entries)
    if added:
        _arrange_seal()
    return len(added)


def _unsealed(
    subject: str, kind: str, body: Mapping[str, Any], at: datetime | None = None
) -> Entry:
    subject_type, _, subject_id = subject.partition(":")
    if not subject_id or not kind.startswith(f"{subject_type}."):
        raise ValueError(f"Kind {kind!r} does not name the type of subject {subject!r}.")
    # Stored as the database gives it back (a tuple as a list): the hash is of what is
    # stored, and the canonical form of a JSON value read back is the same bytes.
    canonical = canonical_json(body)
    return Entry(
        subject=subject,
        kind=kind,
        at=at or timezone.now(),
        body=json.loads(canonical),
        content_hash=digest(canonical),
    )


def record_removal(
    subject: str,
    kind: str,
    *,
    reason: str,
    protects_person: bool,
    explanation: str = "",
    at: datetime | None = None,
) -> Entry:
    """A tombstone for `subject`: why it was removed (a reason code, and the public text of
    the reason when the app has one) and the hash of the content that was public (its last
    published or edited snapshot, None if it never was), so that a mirror knows what it holds.

    A removal that protects a person also withholds the bodies of the subject's earlier
    entries (their content hashes stay in the chain): the record must not go on showing
    what the site took down to protect someone, and a mirror deletes it as well.
    """
    subject_type, _, subject_id = subject.partition(":")
    removed_at = at or timezone.now()
    last_snapshot = (
        Entry.objects.filter(
            subject=subject, kind__in=[f"{subject_type}.{what}" for what in SNAPSHOT_KINDS]
        )
        .order_by("-id")
        .values_list("content_hash", flat=True)
        .first()
    )
    if protects_person:
        Entry.objects.filter(subject=subject, body__isnull=False).update(body=None)
    return append(
        subject,
        kind,
        {
            "id": int(subject_id),
            "reason": reason,
            "protects_person": protects_person,
            "content_hash": last_snapshot,
            "at": record_time(removed_at),
            **({"explanation": explanation} if explanation else {}),
        },
        at=removed_at,
    )


def seal_record() -> int:
    """Give the unsealed entries, in the order of their ids, the next positions, chain
    them, and sign the new head with one checkpoint; returns how many were sealed.

    One sealer at a time: each step locks the head row. Entries that commit later with
    smaller ids (their transactions were longer) simply get later positions: positions,
    not ids, are the record's order.
    """
    Head.objects.get_or_create(pk=_HEAD_ID, defaults={"entry_hash": GENESIS_HASH})
    sealed = 0
    while True:
        with transaction.atomic():
            head = Head.objects.select_for_update().get(pk=_HEAD_ID)
            batch = list(
                Entry.objects.filter(position__isnull=True)
                .order_by("id")
                .only("id", "subject", "kind", "at", "content_hash")[:SEAL_BATCH]
            )
            _chain(batch, head)
            sealed += len(batch)
            if len(batch) < SEAL_BATCH:
                if sealed:
                    _sign_head(head)
                return sealed


def _chain(batch: list[Entry], head: Head) -> None:
    if not batch:
        return
    sealed_at = timezone.now()
    for entry in batch:
        entry.position = head.position + 1
        entry.previous_hash = head.entry_hash
        entry.entry_hash = entry_hash(
            position=entry.position,
            previous=entry.previous_hash,
            subject=entry.subject,
            kind=entry.kind,
            at=record_time(entry.at),
            content=entry.content_hash,
        )
        entry.sealed_at = sealed_at
        head.position, head.entry_hash = entry.position, entry.entry_hash
    _write_seals(batch)
    Head.objects.filter(pk=head.pk).update(position=head.position, entry_hash=head.entry_hash)


def _write_seals(batch: list[Entry]) -> None:
    """One UPDATE statement run for every entry (psycopg pipelines them): Django's
    `bulk_update` builds a CASE expression per row and field, 60 times slower here."""
    quote = connection.ops.quote_name
    columns = ("position", "previous_hash", "entry_hash", "sealed_at")
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Entry._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608  # names of the model, values as parameters
            [
                (
                    entry.position,
                    entry.previous_hash,
                    entry.entry_hash,
                    connection.ops.adapt_datetimefield_value(entry.sealed_at),
                    entry.pk,
                )
                for entry in batch
            ],
        )


def _sign_head(head: Head) -> Checkpoint:
    at = timezone.now()
    instance = instance_url()
    message = checkpoint_message(
        instance=instance,
        position=head.position,
        entry_hash=head.entry_hash,
        at=record_time(at),
    )
    return Checkpoint.objects.create(
        instance=instance,
        position=head.position,
        entry_hash=head.entry_hash,
        at=at,
        signature=signing.base64url(signing.sign(message)),
        key_id=signing.key_id(),
    )


def instance_url() -> str:
    """The instance a checkpoint names: its base URL, as /.well-known/minjian.json says it."""
    return str(settings.MINJIAN_SITE_URL).rstrip("/") + "/"


def _arrange_seal() -> None:
    """Defer one seal per transaction: its marker is an on-commit callback, which lives as
    long as the transaction (a rollback drops it with the deferred job)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _seal_arranged for _, callback, _ in connection.run_on_commit
    ):
        return
    jobs.seal.defer()
    transaction.on_commit(_seal_arranged)


def _seal_arranged() -> None:
    """The marker of a seal deferred in this transaction; nothing to do at the commit."""
