"""The tables of a bundle: which models, in which order, and how a row becomes one line of
JSON and back, the same bytes on SQLite and PostgreSQL.

Every concrete model of an installed `minjian.*` app is a table, many-to-many through tables
included (accounts.User is Minjian's own), unless `policy.NOT_EXPORTED` says why not. The
order puts a table after the tables its foreign keys point to; a self-reference or a cycle
(a claim and its published event, a thread and its opening post) is broken at the edge
found last, and the import defers its foreign-key checks to the end of its transaction.

A row is a JSON object with sorted keys and no spaces, one a line, tables ordered by primary
key. Values: datetimes in ISO 8601 UTC, dates ISO, decimals as strings, binary as base64,
JSON fields as JSON, a file as `{"name": its storage name, "sha256": its content's digest}`
(the file itself is `media/<sha256>`; a name whose file is gone has `"sha256": null`).
Generated columns (a case's grid cell) and the search vector (made again from the text) are
not written.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from minjian.archive.policy import NOT_EXPORTED

Encoder = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    attname: str
    field: models.Field[Any, Any]
    encode: Encoder
    decode: Encoder
    frictionless_type: str

    @property
    def is_file(self) -> bool:
        return isinstance(self.field, models.FileField)


def table_name(model: type[models.Model]) -> str:
    return model._meta.label


def table_path(model: type[models.Model]) -> str:
    return f"tables/{model._meta.db_table}.jsonl"


def exported_models() -> list[type[models.Model]]:
    """Every table of the bundle, each after the tables it points to."""
    candidates = {
        table_name(model): model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("minjian.")
        and not model._meta.proxy
        and table_name(model) not in NOT_EXPORTED
    }
    ordered: list[type[models.Model]] = []
    state: dict[str, str] = {}

    def visit(label: str) -> None:
        if state.get(label):
            # Done, or on the path: a cycle, broken here.
            return
        state[label] = "visiting"
        model = candidates[label]
        for field in model._meta.concrete_fields:
            target = field.related_model
            if field.is_relation and target is not None and not isinstance(target, str):
                target_label = table_name(target)
                if target_label in candidates and target_label != label:
                    visit(target_label)
        state[label] = "done"
        ordered.append(model)

    for label in sorted(candidates):
        visit(label)
    return ordered


def columns(model: type[models.Model]) -> list[Column]:
    return [
        _column(field)
        for field in model._meta.concrete_fields
        if not isinstance(field, (models.GeneratedField, SearchVectorField))
    ]


def encode_row(row: dict[str, Any]) -> bytes:
    return (
        json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        + b"\n"
    )


def read_rows(lines: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    for line in lines:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError("a row is not a JSON object")
        yield row


def _column(field: models.Field[Any, Any]) -> Column:
    encode, decode, kind = _coding(field)
    return Column(field.attname, field, encode, decode, kind)


def _coding(field: models.Field[Any, Any]) -> tuple[Encoder, Encoder, str]:
    if isinstance(field, models.DateTimeField):
        return _optional(_datetime_text), _optional(datetime.datetime.fromisoformat), "datetime"
    if isinstance(field, models.DateField):
        return _optional(datetime.date.isoformat), _optional(datetime.date.fromisoformat), "date"
    if isinstance(field, models.DecimalField):
        return _optional(str), _optional(decimal.Decimal), "number"
    if isinstance(field, models.BinaryField):
        return _optional(_base64), _optional(base64.b64decode), "string"
    if isinstance(field, models.JSONField):
        return _same, _same, "object"
    if isinstance(field, models.FileField):
        # The file's name only here; the bundle's writer adds its digest (`media/`).
        return _same, _file_name, "object"
    if isinstance(field, models.BooleanField):
        return _same, _same, "boolean"
    if isinstance(field, models.FloatField):
        return _same, _same, "number"
    if isinstance(field, (models.IntegerField, models.AutoField)) or field.is_relation:
        target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]  # a relation's target field, typed only on ForeignKey
        if isinstance(target, (models.IntegerField, models.AutoField)):
            return _same, _same, "integer"
    if isinstance(field, models.UUIDField):
        return _optional(str), _same, "string"
    return _same, _same, "string"


def _same(value: Any) -> Any:
    return value


def _optional(function: Callable[[Any], Any]) -> Encoder:
    def coded(value: Any) -> Any:
        return None if value is None else function(value)

    return coded


def _datetime_text(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def _base64(value: bytes | memoryview) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _file_name(value: Any) -> str | None:
    """A stored file's name; an empty file field is written as it is ("" or null)."""
    if value is None:
        return None
    if value == "":
        return ""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise ValueError("a file is not {name, sha256}")
    return str(value["name"])
