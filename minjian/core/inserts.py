"""Rows inserted with one prepared statement, for the writes every report makes.

`Model.save()` and `bulk_create()` build and compile their INSERT anew each time: a
third of a millisecond of CPU a row, most of what the web spent on a report's five
inserts. Under a surge of reports the CPU is what every request waits for, so the hot
paths insert through here instead: the statement's text is made once per model and row
count, each value goes through its field exactly as Django's own insert does
(`pre_save`, then `get_db_prep_save`), and the database's answer fills the same
attributes `save()` fills (the primary key, generated columns).

What `save()` does besides is not done: no `pre_save`/`post_save` signal (as with
`bulk_create`), no `save()` override, no check of an unsaved related object. Use it
for append-only rows whose models have neither receivers nor overrides that matter.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def insert(*objs: M) -> None:
    """Insert `objs` (all of one model) in one statement; each gets its primary key and
    generated columns, as `save()` gives them."""
    _insert(objs, "")


def insert_or_ignore(obj: M) -> bool:
    """Insert `obj` unless a unique constraint already holds such a row (`ON CONFLICT DO
    NOTHING`: no savepoint, and two requests at once cannot both insert). Whether it was
    inserted."""
    return _insert((obj,), " ON CONFLICT DO NOTHING") == 1


def upsert(objs: Sequence[M], *, unique: Sequence[str], update: Sequence[str]) -> None:
    """Insert `objs`, or where a row with the same `unique` fields exists, set its `update`
    fields to theirs (`ON CONFLICT ... DO UPDATE`). Rows are locked in the order given:
    sort them where two transactions may upsert the same ones."""
    if objs:
        _insert(objs, _on_conflict_update(type(objs[0]), tuple(unique), tuple(update)))


def _insert(objs: Sequence[Model], on_conflict: str) -> int:
    if not objs:
        return 0
    model = type(objs[0])
    # As many rows a statement as the database takes parameters (SQLite's limit), as
    # `bulk_create` batches them.
    fields = _statement(model, 1, on_conflict)[1]
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    return sum(
        _insert_batch(objs[start : start + size], on_conflict)
        for start in range(0, len(objs), size)
    )


def _insert_batch(objs: Sequence[Model], on_conflict: str) -> int:
    statement, fields, returning = _statement(type(objs[0]), len(objs), on_conflict)
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        rows = cursor.fetchall() if returning else [()] * cursor.rowcount
    # Only with `ON CONFLICT DO NOTHING` can fewer rows come back, and then of one object.
    for obj, row in zip(objs, rows, strict=False):
        for field, value in zip(returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias
    return len(rows)


@functools.lru_cache(maxsize=256)
def _statement(
    model: type[Model], count: int, on_conflict: str
) -> tuple[str, list[Field[Any, Any]], list[Field[Any, Any]]]:
    """The INSERT of `count` rows of `model`, the fields whose values it takes in order,
    and the fields it returns (what `save()` reads back: an automatic primary key,
    generated columns)."""
    meta = model._meta
    fields: list[Field[Any, Any]] = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and field is not meta.auto_field
    ]
    returning: list[Field[Any, Any]] = (
        list(meta.db_returning_fields) if connection.features.can_return_columns_from_insert else []
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608  # the model's own names
        f"VALUES {', '.join([row] * count)}{on_conflict}"
    )
    if returning:
        statement += " RETURNING " + ", ".join(quote(field.column) for field in returning)
    return statement, fields, returning


def _on_conflict_update(
    model: type[Model], unique: tuple[str, ...], update: tuple[str, ...]
) -> str:
    quote = connection.ops.quote_name
    target = ", ".join(quote(_column(model, name)) for name in unique)
    changes = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}"
        for column in (_column(model, name) for name in update)
    )
    return f" ON CONFLICT ({target}) DO UPDATE SET {changes}"


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column
