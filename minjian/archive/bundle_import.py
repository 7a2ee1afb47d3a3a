"""Reading a bundle into an empty instance, whole or not at all.

Before anything is written, the bundle is checked: it is a bag whose every file matches its
sha256 and sha512 manifests (`bagit`), its signed manifest holds (by the key it names, or by
the key the operator trusts) and lists exactly its files, it is of this format, and every
migration its rows were written under is one this code knows (a bundle of a newer schema is
refused). The instance must be empty: no row in any exported table, except the reference
tables that setup loads (regions and their boundaries, topics), which the import replaces
with the bundle's, so that every id the rows point to is the bundle's.

Then one transaction, with foreign-key checks deferred to its end (PostgreSQL's deferrable
constraints, which Django makes; SQLite's `defer_foreign_keys`): every table in order, its
rows written in bulk (`bundle_load`: COPY on PostgreSQL, with the foreign keys and indexes
set aside and made again after; no model, no signal, no service, no job: nothing is routed,
mailed or queued again, and the stored dates are kept as they are), the search documents'
derived columns made again (the vector on PostgreSQL; SQLite's FTS table fills itself by its
triggers), every foreign key and unique index checked, the sequences set past the highest
ids, the media files put in place under their stored names, and the public pages' cache
versions bumped. If anything fails, the transaction rolls back and the media files already
put in place are removed.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import bagit
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from minjian.archive import bundle_crypto, bundle_load, manifest
from minjian.archive.bundle_export import CHUNK_ROWS, FORMAT, KINDS, BundleError
from minjian.archive.bundle_tables import (
    columns,
    exported_models,
    read_rows,
    table_name,
    table_path,
)
from minjian.core import public_cache
from minjian.search.indexing import fill_derived_columns

# Loaded by setup (`load_regions`, the topics' migration): replaced by the bundle's.
REFERENCE_TABLES = frozenset(
    {
        "places.Region",
        "places.RegionBoundary",
        "places.RegionOutline",
        "places.BoundaryLoad",
        "topics.Topic",
    }
)


@dataclass
class ImportSummary:
    kind: str
    key_id: str
    rows: dict[str, int] = field(default_factory=dict)
    media_files: int = 0


def import_instance(
    source: Path,
    *,
    passphrase: str | None = None,
    trusted_public_key: bytes | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportSummary:
    if not source.is_dir():
        raise BundleError(
            _("%(path)s is not a folder: give the folder of a bundle.") % {"path": source}
        )
    if not bundle_crypto.is_sealed(source):
        return _import_bag(source, trusted_public_key, chunk_rows)
    if not passphrase:
        raise BundleError(_("This bundle is encrypted: give its passphrase."))
    workdir = Path(tempfile.mkdtemp(prefix=".minjian-import-"))
    try:
        try:
            bag = bundle_crypto.unseal(source, workdir, passphrase)
        except bundle_crypto.SealError as error:
            raise BundleError(str(error)) from error
        return _import_bag(bag, trusted_public_key, chunk_rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _import_bag(bag: Path, trusted_public_key: bytes | None, chunk_rows: int) -> ImportSummary:
    report = _checked(bag, trusted_public_key)
    package = _package(bag)
    kind = package["minjian"]["kind"]
    if f"{kind}-bundle" != report.kind:
        raise BundleError(
            _("The signed manifest says %(signed)s, the data package %(kind)s.")
            % {"signed": report.kind, "kind": kind}
        )
    _check_schema(package["minjian"]["migrations"])
    tables = _tables(package)
    _check_empty()
    summary = ImportSummary(kind=kind, key_id=report.key_id)
    # Insertion-ordered, and found in constant time.
    placed: dict[tuple[Storage, str], None] = {}
    try:
        with transaction.atomic(), tempfile.TemporaryFile() as media_list:
            _defer_foreign_keys()
            _clear_reference_tables()
            try:
                with bundle_load.keys_and_indexes_set_aside(tables):
                    for model in tables:
                        summary.rows[table_name(model)] = _insert_table(
                            bag / "data", model, media_list, chunk_rows
                        )
                    fill_derived_columns()
                connection.check_constraints()
            except DatabaseError as error:
                raise BundleError(
                    _(
                        "The bundle's rows do not hold together (a row points to a row the "
                        "bundle lacks, or repeats one that must be unique): %(error)s"
                    )
                    % {"error": error}
                ) from error
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                    cursor.execute(statement)
            summary.media_files = _place_media(bag / "data" / "media", media_list, placed)
            public_cache.touch(*_PUBLIC_TAGS)
    except BaseException:
        for storage, name in placed:
            storage.delete(name)
        raise
    return summary


_PUBLIC_TAGS = (
    public_cache.CASES,
    public_cache.ORGANISATIONS,
    public_cache.DRIVES,
    public_cache.ACCOUNTABILITY,
    public_cache.BOUNDARIES,
)


def _checked(bag: Path, trusted_public_key: bytes | None) -> manifest.ManifestReport:
    try:
        bagit.Bag(str(bag)).validate()
    except bagit.BagValidationError as error:
        details = "; ".join(str(detail) for detail in error.details[:5])
        raise BundleError(
            _("The bag does not check: %(error)s %(details)s")
            % {"error": error.message, "details": details}
        ) from error
    except bagit.BagError as error:
        raise BundleError(
            _("%(path)s is not a bag: %(error)s") % {"path": bag, "error": error}
        ) from error
    try:
        report = manifest.check_manifest(bag, trusted_public_key)
    except manifest.ManifestError as error:
        raise BundleError(str(error)) from error
    if not report.signature_ok:
        message = (
            _(
                "The signature of the bundle's manifest does not hold by the trusted key "
                "(it names the key %(key)s)."
            )
            if trusted_public_key
            else _(
                "The signature of the bundle's manifest does not hold (it names the key %(key)s)."
            )
        )
        raise BundleError(message % {"key": report.key_id})
    problems = [
        f"{what}: {', '.join(paths[:5])}"
        for what, paths in (
            (_("missing"), report.missing),
            (_("changed"), report.changed),
            (_("extra"), report.extra),
        )
        if paths
    ]
    if problems:
        raise BundleError(
            "The bundle's files differ from its signed manifest: " + "; ".join(problems)
        )
    if report.kind not in {f"{kind}-bundle" for kind in KINDS}:
        raise BundleError(_("This is a %(kind)s, not a bundle.") % {"kind": report.kind})
    return report


def _package(bag: Path) -> dict[str, Any]:
    try:
        package = json.loads((bag / "data" / "datapackage.json").read_bytes())
        minjian = package["minjian"]
        version = minjian["format"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BundleError(
            _("The bundle's datapackage.json is unreadable: %(error)s") % {"error": error}
        ) from error
    if version != FORMAT:
        raise BundleError(
            _("The bundle is of the format %(format)r; this code reads %(known)s.")
            % {"format": version, "known": FORMAT}
        )
    if minjian.get("kind") not in KINDS or not isinstance(minjian.get("migrations"), dict):
        raise BundleError(_("The bundle's datapackage.json does not say its kind and schema."))
    return dict(package)


def _check_schema(migrations: dict[str, Any]) -> None:
    known = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app_label}.{name}"
        for app_label, names in migrations.items()
        for name in names
        if (app_label, name) not in known
    )
    if unknown:
        raise BundleError(
            _(
                "The bundle is of a newer schema than this code: it has migrations this code "
                "does not know (%(migrations)s). Upgrade Minjian first."
            )
            % {"migrations": ", ".join(unknown[:5])}
        )


def _tables(package: dict[str, Any]) -> list[type[models.Model]]:
    """The bundle's tables, in this code's order; a table this code does not export is refused."""
    by_label = {table_name(model): model for model in exported_models()}
    named: set[str] = set()
    for resource in package.get("resources", []):
        label = resource.get("minjian", {}).get("model")
        model = by_label.get(label)
        if model is None or resource.get("path") != table_path(model):
            raise BundleError(
                _("The bundle has a table this code does not know: %(table)r.") % {"table": label}
            )
        named.add(label)
    return [model for label, model in by_label.items() if label in named]


def _check_empty() -> None:
    occupied = [
        table_name(model)
        for model in exported_models()
        if table_name(model) not in REFERENCE_TABLES and model._base_manager.exists()
    ]
    if occupied:
        raise BundleError(
            _(
                "The instance is not empty: a bundle is imported only into an instance with no "
                "records (but regions and topics). It has rows in %(tables)s."
            )
            % {"tables": ", ".join(occupied[:8])}
        )


def _defer_foreign_keys() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA defer_foreign_keys = ON")


def _clear_reference_tables() -> None:
    with connection.cursor() as cursor:
        for model in reversed(exported_models()):
            if table_name(model) in REFERENCE_TABLES:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608  # a table name of this code's


def _insert_table(
    data: Path, model: type[models.Model], media_list: IO[bytes], chunk_rows: int
) -> int:
    table_columns = columns(model)
    known = {column.attname for column in table_columns}
    file_columns = [column for column in table_columns if column.is_file]
    label = table_name(model)
    coding = [
        (column.attname, column.decode, bundle_load.preparation(column.field), column.field)
        for column in table_columns
    ]
    inserted = 0

    def values(rows: Iterator[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
        nonlocal inserted
        for number, row in enumerate(rows, start=1):
            if not row.keys() <= known:
                raise BundleError(
                    _("%(table)s, row %(number)d: unknown columns %(columns)s.")
                    % {"table": label, "number": number, "columns": sorted(row.keys() - known)}
                )
            for column in file_columns:
                stored = row.get(column.attname)
                if isinstance(stored, dict) and stored.get("sha256"):
                    media_list.write(
                        f"{label}\t{column.attname}\t{stored['sha256']}\t{stored['name']}\n".encode()
                    )
            inserted = number
            yield tuple(
                _prepared(decode(row[attname]) if attname in row else field.get_default(), prepare)
                for attname, decode, prepare, field in coding
            )

    with (data / table_path(model)).open("rb") as lines:
        prepared_rows = values(read_rows(lines))
        try:
            while batch := list(itertools.islice(prepared_rows, chunk_rows)):
                bundle_load.insert_rows(model, [attname for attname, *_ in coding], batch)
        except (ValueError, TypeError, KeyError, DatabaseError) as error:
            raise BundleError(
                _("%(table)s: a row cannot be imported: %(error)s")
                % {"table": label, "error": error}
            ) from error
    return inserted


def _prepared(value: Any, prepare: bundle_load.Prepare | None) -> Any:
    return value if prepare is None else prepare(value)


def _place_media(
    folder: Path, media_list: IO[bytes], placed: dict[tuple[Storage, str], None]
) -> int:
    by_label = {table_name(model): model for model in exported_models()}
    media_list.seek(0)
    count = 0
    for line in media_list:
        label, attname, sha256, name = line.decode().rstrip("\n").split("\t", 3)
        file_field = next(
            field for field in by_label[label]._meta.concrete_fields if field.attname == attname
        )
        storage: Storage = file_field.storage  # type: ignore[attr-defined]  # a FileField's storage
        if (storage, name) in placed:
            # Two rows name the same stored file.
            continue
        if storage.exists(name):
            raise BundleError(
                _("A media file is already at %(name)s: the instance is not empty.")
                % {"name": name}
            )
        source = folder / sha256
        if not source.is_file():
            raise BundleError(
                _("The bundle lacks the media file %(sha256)s of %(name)s.")
                % {"sha256": sha256, "name": name}
            )
        with source.open("rb") as content:
            saved = storage.save(name, File(content))
        placed[storage, saved] = None
        if saved != name:
            raise BundleError(
                _("The media file %(name)s could not be stored under its name.") % {"name": name}
            )
        count += 1
    return count
