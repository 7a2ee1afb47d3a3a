"""Writing a bundle: the instance's record as a BagIt bag (RFC 8493), signed.

The bag (`export_bag`):

    bagit.txt, bag-info.txt              BagIt's own; bag-info names the format and kind
    manifest-sha256.txt, manifest-sha512.txt, tagmanifest-*.txt
    data/datapackage.json                Frictionless: each table's file, columns, key, rows,
                                         and the schema (each app's applied migrations)
    data/tables/<db table>.jsonl         one row a line, by primary key (bundle_tables)
    data/media/<sha256>                  every file of an exported row, once
    minjian-manifest.json, .sig          every other file, signed (archive.manifest)

A public bundle holds what `policy` lets the public read; a full one every table whole, and
is then sealed (`bundle_crypto`). Everything streams: rows are read in chunks by primary key
and written as they come, files are copied and hashed in chunks, so memory does not grow
with the instance.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import bagit
from django.conf import settings
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from minjian.accounts.models import User
from minjian.archive import bundle_crypto, manifest
from minjian.archive.bundle_tables import (
    Column,
    columns,
    encode_row,
    exported_models,
    table_name,
    table_path,
)
from minjian.archive.policy import Policy, Private, Public, policies

FORMAT = "minjian-bundle/1"
PUBLIC = "public"
FULL = "full"
KINDS = (PUBLIC, FULL)
CHUNK_ROWS = 2000
CHUNK_BYTES = 1 << 20


class BundleError(Exception):
    """A bundle that cannot be written or read; nothing was changed."""


@dataclass
class ExportSummary:
    kind: str
    rows: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    missing_media: int = 0
    bytes_written: int = 0


def export_instance(
    target: Path, kind: str, *, passphrase: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> ExportSummary:
    """Writes the bundle of `kind` at `target` (a folder that must not exist yet): the bag
    itself for a public bundle, the sealed bag for a full one."""
    if kind not in KINDS:
        raise BundleError(
            _("The kind of bundle is %(kinds)s, not %(kind)r.")
            % {"kinds": " | ".join(KINDS), "kind": kind}
        )
    if target.exists():
        raise BundleError(_("%(path)s already exists: give a new folder.") % {"path": target})
    if kind == FULL and not passphrase:
        raise BundleError(_("A full bundle is encrypted: give a passphrase."))
    if kind == PUBLIC:
        return export_bag(target, kind, chunk_rows=chunk_rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The plaintext bag lives only in a folder of its owner's, beside the target, until sealed.
    workdir = Path(tempfile.mkdtemp(prefix=".minjian-export-", dir=target.parent))
    try:
        summary = export_bag(workdir / "bag", kind, chunk_rows=chunk_rows)
        bundle_crypto.seal(workdir / "bag", target, passphrase or "")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return summary


def export_bag(root: Path, kind: str, *, chunk_rows: int = CHUNK_ROWS) -> ExportSummary:
    root.mkdir(parents=True)
    summary = ExportSummary(kind)
    listed: list[tuple[str, str, int]] = []
    media = _MediaWriter(root / "media", summary, listed)
    resources = []
    table_policies = policies()
    for model in exported_models():
        policy = table_policies[table_name(model)]
        if kind == PUBLIC and isinstance(policy, Private):
            continue
        written = _write_table(root, model, policy if kind == PUBLIC else None, media, chunk_rows)
        summary.rows[table_name(model)] = written.rows
        listed.append((f"data/{table_path(model)}", written.sha256, written.size))
        resources.append(_resource(model, written))
    package = json.dumps(
        {
            "profile": "data-package",
            "name": f"minjian-{kind}-bundle",
            "created": timezone.now().isoformat(),
            "resources": resources,
            "minjian": {
                "format": FORMAT,
                "kind": kind,
                "instance": settings.MINJIAN_SITE_URL,
                "migrations": applied_migrations(),
            },
        },
        indent=1,
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    (root / "datapackage.json").write_bytes(package)
    listed.append(("data/datapackage.json", hashlib.sha256(package).hexdigest(), len(package)))
    bagit.make_bag(
        str(root),
        bag_info={
            "Source-Organization": settings.MINJIAN_SITE_URL,
            "External-Description": f"Minjian {kind} bundle ({FORMAT})",
            "Minjian-Bundle-Format": FORMAT,
            "Minjian-Bundle-Kind": kind,
        },
        checksums=["sha256", "sha512"],
    )
    for tag_file in sorted(root.glob("*.txt")):
        with tag_file.open("rb") as stream:
            digest = manifest.stream_digest(stream)
        listed.append((tag_file.name, digest.sha256, digest.size))
    manifest.write_manifest(root, f"{kind}-bundle", listed)
    summary.bytes_written = sum(size for _, _, size in listed)
    return summary


def applied_migrations() -> dict[str, list[str]]:
    """Each app's applied migrations, by name: what schema the rows are of."""
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


@dataclass
class _Written:
    rows: int = 0
    size: int = 0
    sha256: str = ""
    columns: list[Column] = field(default_factory=list)


class _HashingFile:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.hasher = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.hasher.update(data)
        self.size += len(data)


def _write_table(
    root: Path,
    model: type[models.Model],
    public: Policy | None,
    media: _MediaWriter,
    chunk_rows: int,
) -> _Written:
    table_columns = columns(model)
    queryset = model._base_manager.order_by("pk")
    blanked: dict[str, Any] = {}
    transform = None
    if isinstance(public, Public):
        if public.rows is not None:
            queryset = public.rows(queryset)
        blanked = _emptied_account_links(model, public.account_links_kept) | public.blanked
        transform = public.transform
    path = root / table_path(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = _Written(columns=table_columns)
    names = [column.attname for column in table_columns]
    # How each column's value is written, chosen once per table rather than once per value.
    coding = [(column.attname, _encoder(column, blanked, media)) for column in table_columns]
    with path.open("wb") as stream:
        output = _HashingFile(stream)
        for values in queryset.values_list(*names).iterator(chunk_size=chunk_rows):
            row = {
                name: encode(value) for (name, encode), value in zip(coding, values, strict=True)
            }
            if transform is not None:
                row = transform(row)
            output.write(encode_row(row))
            written.rows += 1
    written.size = output.size
    written.sha256 = output.hasher.hexdigest()
    return written


def _encoder(column: Column, blanked: dict[str, Any], media: _MediaWriter) -> Callable[[Any], Any]:
    if column.attname in blanked:
        blank = blanked[column.attname]
        return lambda _value: blank
    if column.is_file:
        return lambda value: media.add(column.field, value) if value else value
    return column.encode


def _emptied_account_links(model: type[models.Model], kept: tuple[str, ...]) -> dict[str, Any]:
    """In a public bundle, every nullable link to an account is empty, but those `kept`."""
    return {
        field.attname: None
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is User
        and field.null
        and field.attname not in kept
    }


def _resource(model: type[models.Model], written: _Written) -> dict[str, Any]:
    return {
        "name": model._meta.db_table,
        "path": table_path(model),
        "format": "jsonl",
        "mediatype": "application/jsonl",
        "encoding": "utf-8",
        "bytes": written.size,
        "hash": f"sha256:{written.sha256}",
        "schema": {
            "fields": [
                {"name": column.attname, "type": column.frictionless_type}
                for column in written.columns
            ],
            "primaryKey": [model._meta.pk.attname] if model._meta.pk else [],
        },
        "minjian": {"model": table_name(model), "rows": written.rows},
    }


class _MediaWriter:
    """Copies each file once, named by its SHA-256, hashing it as it copies."""

    def __init__(
        self, folder: Path, summary: ExportSummary, listed: list[tuple[str, str, int]]
    ) -> None:
        self.folder = folder
        self.summary = summary
        self.listed = listed

    def add(self, file_field: models.Field[Any, Any], name: str) -> dict[str, Any]:
        storage = file_field.storage  # type: ignore[attr-defined]  # a FileField's storage
        self.folder.mkdir(exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".copying-")
        hasher = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(descriptor, "wb") as copy:
                try:
                    with storage.open(name, "rb") as source:
                        for chunk in _chunks(source):
                            copy.write(chunk)
                            hasher.update(chunk)
                            size += len(chunk)
                except FileNotFoundError:
                    self.summary.missing_media += 1
                    return {"name": name, "sha256": None}
            sha256 = hasher.hexdigest()
            final = self.folder / sha256
            if final.exists():
                return {"name": name, "sha256": sha256}
            os.replace(temporary, final)
            self.summary.media_files += 1
            self.listed.append((f"data/media/{sha256}", sha256, size))
            return {"name": name, "sha256": sha256}
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK_BYTES):
        yield chunk
