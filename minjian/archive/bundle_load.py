"""Writing a bundle's rows into the database in bulk, as `pg_restore` does.

Building one model instance per row and inserting them with `bulk_create` cost about 180 µs
a row (Django's instance, its per-value preparation, a multi-row INSERT the server parses
and plans), so that an import of a million cases would take most of an hour. Here a row is
a tuple of values prepared once per column for the database, written by COPY on PostgreSQL
and by `executemany` on SQLite.

On PostgreSQL, the tables' foreign keys and their indexes that back no constraint are also
set aside while the rows come in and made again afterwards, in the same transaction: a
deferred foreign key checks each row on its own at the end, where adding the constraint
again checks the whole table in one join, and an index (a search vector's GIN index
above all) is built once from sorted rows rather than grown row by row. If a row points to
a row the bundle lacks, or breaks a unique index, making them again fails and the
transaction rolls back. Primary keys and unique constraints stay in place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

Prepare = Callable[[Any], Any]

# Fields whose value, as a bundle's row decodes it, is already what the driver takes.
_PLAIN_FIELDS = (
    models.IntegerField,
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.FloatField,
)


def preparation(field: models.Field[Any, Any]) -> Prepare | None:
    """How a decoded value of `field` becomes the database's, or None when it already is
    (Minjian defines no field classes of its own, so a plain kind prepares nothing more)."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]  # a relation's target field, typed only on ForeignKey
    if isinstance(target, _PLAIN_FIELDS):
        return None
    # The connection itself, not the proxy `django.db.connection` (a lookup each use).
    database = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, models.FileField):
        # A model's file field holds "" for no file (its FieldFile), whatever it was given.
        def stored_name(value: Any) -> Any:
            return field.get_db_prep_save(value or "", database)

        return stored_name

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, database)

    return prepare


def insert_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Writes `rows` (values in the order of `attnames`, prepared) into `model`'s table."""
    quote = connection.ops.quote_name
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = ", ".join(quote(fields[attname].column) for attname in attnames)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(attnames))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608  # names of this code's models


@contextlib.contextmanager
def keys_and_indexes_set_aside(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, the foreign keys of `tables` and their indexes that back no constraint
    are dropped, then made again when the block ends without an error (in the caller's
    transaction, which an error there rolls back). Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        # A table with checks still pending cannot be altered: they are made now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)"
            " ORDER BY 1, 2",
            [names],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)"
            " FROM pg_index AS index"
            " WHERE index.indrelid::regclass::text = ANY(%s) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint AS backed"
            "  WHERE backed.conindid = index.indexrelid AND backed.conrelid = index.indrelid)"
            " ORDER BY 1",
            [names],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        # Back to how Django makes its foreign keys: checked when the transaction commits.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
