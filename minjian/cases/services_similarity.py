"""Keeping the similar-case index in step with the cases: one fingerprint (the MinHash
signature of the stored text, `cases.similarity`) and one LSH bucket per band for each
public case, nothing for any other.

`case_fingerprint_update` makes one case's rows match the case now; a job runs it after
every event that can change a case's public text or whether it is public
(`cases.receivers`). `rebuild_similarity_index` makes every case's rows again, e.g. after
a restore or a bulk load that bypassed the services (`manage.py rebuild_similarity`).

The text is the case's stored title and description: already redacted, so nothing of
the personal data a reporter typed is in the index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from minjian.cases import similarity
from minjian.cases.models import Case, CaseFingerprint, CaseLshBucket, locked_cases
from minjian.core.public_cache import touch

# The tag of the stored answers that list similar cases (`public_cache`): touched
# whenever the index changes, which happens in a job after the case's own events.
SIMILAR = "similar"
# Cases read, signed and written at a time by a rebuild: what memory holds.
REBUILD_BATCH = 5_000


def case_fingerprint_update(case_id: int) -> bool:
    """Make the case's fingerprint and buckets match the case now: its signature's for
    a public case, none for any other (waiting for review, hidden, merged, gone). Safe to
    run any number of times; costs two reads when nothing changed. Whether it changed
    the index."""
    with transaction.atomic():
        case = (
            locked_cases().filter(pk=case_id).values_list("state", "title", "description").first()
        )
        stored = (
            CaseFingerprint.objects.filter(case_id=case_id)
            .values_list("signature", "shingle_count")
            .first()
        )
        if case is None or case[0] not in Case.PUBLIC_STATES:
            if stored is None:
                return False
            _forget([case_id])
        else:
            made = similarity.fingerprint(case[1], case[2])
            if stored is not None and (bytes(stored[0]), stored[1]) == (
                similarity.to_bytes(made.signature),
                made.size,
            ):
                return False
            # A case's buckets are written with its fingerprint: none without one.
            if stored is not None:
                _forget([case_id])
            _store([(case_id, made)], at=timezone.now())
        touch(SIMILAR)
        return True


def rebuild_similarity_index() -> int:
    """Make the fingerprint and buckets of every public case again, and drop every
    other case's, in one transaction (the index is empty for others until it commits:
    lookups wait for it on PostgreSQL). The number of cases indexed."""
    indexed = 0
    now = timezone.now()
    with transaction.atomic():
        with _emptied_for_loading():
            for batch in _public_texts():
                _store(
                    [
                        (case_id, similarity.fingerprint(title, description))
                        for case_id, title, description in batch
                    ],
                    at=now,
                )
                indexed += len(batch)
        touch(SIMILAR)
    return indexed


def _public_texts() -> Iterator[list[tuple[int, str, str]]]:
    """Every public case's id and stored text, by id, a batch at a time (keyset: each
    batch reads from where the last one ended)."""
    after = 0
    while True:
        batch = list(
            Case.objects.filter(state__in=Case.PUBLIC_STATES, id__gt=after)
            .order_by("id")
            .values_list("id", "title", "description")[:REBUILD_BATCH]
        )
        if not batch:
            return
        yield batch
        after = batch[-1][0]


def _forget(case_ids: Sequence[int]) -> None:
    CaseLshBucket.objects.filter(case_id__in=case_ids).delete()
    CaseFingerprint.objects.filter(case_id__in=case_ids).delete()


def _store(made: Sequence[tuple[int, similarity.Fingerprint]], *, at: datetime) -> None:
    """The fingerprint and the buckets of each (case id, fingerprint): by COPY on
    PostgreSQL (a rebuild writes a bucket row per band and case, tens of millions at a
    million cases), by bulk inserts elsewhere."""
    fingerprints = [
        (
            case_id,
            similarity.to_bytes(printed.signature),
            printed.size,
            similarity.digest(printed.signature),
            at,
        )
        for case_id, printed in made
    ]
    buckets = [
        (bucket, case_id)
        for case_id, printed in made
        for bucket in similarity.buckets(printed.signature)
    ]
    if connection.vendor == "postgresql":
        _copy(
            CaseFingerprint._meta.db_table,
            ("case_id", "signature", "shingle_count", "digest", "updated_at"),
            fingerprints,
        )
        _copy(CaseLshBucket._meta.db_table, ("bucket", "case_id"), buckets)
        return
    CaseFingerprint.objects.bulk_create(
        [
            CaseFingerprint(
                case_id=case_id,
                signature=signature,
                shingle_count=size,
                digest=digest,
                updated_at=updated_at,
            )
            for case_id, signature, size, digest, updated_at in fingerprints
        ],
        batch_size=1000,
    )
    CaseLshBucket.objects.bulk_create(
        [CaseLshBucket(bucket=bucket, case_id=case_id) for bucket, case_id in buckets],
        batch_size=1000,
    )


def _copy(table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


@contextmanager
def _emptied_for_loading() -> Iterator[None]:
    """Empty the index for a rebuild to write it again. On PostgreSQL, the bucket table
    is loaded without its plain indexes and its foreign key, which are built again after,
    as `pg_restore` does: building an index once is much cheaper than keeping it in step
    with millions of rows, and a key checked row by row costs a lookup per row. Whatever
    the migrations made is what is made again."""
    if connection.vendor != "postgresql":
        CaseLshBucket.objects.all().delete()
        CaseFingerprint.objects.all().delete()
        yield
        return
    table = CaseLshBucket._meta.db_table
    with connection.cursor() as cursor:
        # Neither a table with checks of rows written earlier in this transaction still
        # waiting for its end can be emptied, nor its key dropped: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}, {CaseFingerprint._meta.db_table}")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        # Django's keys are checked at the end of the transaction again.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
