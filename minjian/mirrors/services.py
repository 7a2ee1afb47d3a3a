"""Following another instance: `follow` pins its address and key, `pull` brings its new
public record entries, checks them and keeps them.

A pull reads the source's record a page at a time after the head kept here, and keeps
each page in one transaction only once the page chains onto that head
(`record.verify.verify_entries`) and the source's signed checkpoint agrees with the chain
(`record.verify.verify_checkpoint`, with the key pinned at follow time). A pull that
stops (the source goes away, the process ends, `max_pages`) leaves the verified pages
before it, and the next one goes on from there. A source that lies is refused and no
longer pulled; what was verified before stays and is served.

The cases served under `/mirrors/<name>/` follow from the entries: published and edited
snapshots, removals with their reason. A removal that protects a person (personal data,
doxxing) takes the content here too: only the tombstone is kept, and the chain's hashes.
A case the source stops serving without saying why stays here, marked as vanished.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from minjian.core import signing
from minjian.core.errors import DomainError, NotFound
from minjian.mirrors import client, errors
from minjian.mirrors.models import MirroredCase, MirroredEntry, MirroredPhoto, Source
from minjian.record.canonical import digest
from minjian.record.verify import ChainBroken, verify_checkpoint, verify_entries, verify_head

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
# How many of a source's cases a pull asks the source about (the longest unasked first):
# a whole mirror is looked over every (cases / CHECKED_PER_PULL) pulls.
CHECKED_PER_PULL = 20
CASE = "case"
# What a page may change of a mirrored case.
CASE_FIELDS = [
    "title",
    "description",
    "state",
    "published_at",
    "snapshot",
    "content_hash",
    "removal",
    "removed_at",
    "removal_reason",
    "protects_person",
]
ENTRY_FIELDS = (
    "position",
    "subject",
    "kind",
    "at",
    "content_hash",
    "previous_hash",
    "entry_hash",
)


@dataclass
class PullResult:
    entries: int = 0
    pages: int = 0
    photos: int = 0
    vanished: int = 0
    # Whether the pull reached the source's last checkpoint (not stopped by `max_pages`).
    complete: bool = False
    head_position: int = 0
    photo_errors: list[str] = field(default_factory=list)


def follow(name: str, url: str, public_key: str | None = None) -> Source:
    """Follows the instance at `url` as `name`: reads its `/.well-known/minjian.json` and
    pins its signing key, which must be `public_key` (unpadded base64url) when given.
    Following a name again with the same address and key takes up a refused or
    unreachable source again from the head kept; another key is refused."""
    if not name or slugify(name) != name:
        raise DomainError(
            "invalid_name",
            _("A mirror's name is lowercase letters, digits and hyphens, as in its address."),
            field="name",
        )
    document = client.instance_document(url)
    instance, found_key = _instance_and_key(url, document)
    if public_key is not None and public_key.strip() != found_key:
        raise DomainError(
            "key_mismatch",
            _("The instance at %(url)s publishes another key (%(key_id)s) than the one given.")
            % {"url": url, "key_id": signing.key_id(_key_bytes(found_key))},
        )
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(name=name).first()
        if source is None:
            return Source.objects.create(
                name=name,
                url=url.rstrip("/") + "/",
                instance=instance,
                public_key=found_key,
                key_id=signing.key_id(_key_bytes(found_key)),
            )
        if source.public_key != found_key:
            raise DomainError(
                "key_changed",
                _(
                    "%(name)s was followed with the key %(kept)s; the instance at %(url)s now "
                    "publishes %(found)s. Follow it under another name."
                )
                % {
                    "name": name,
                    "kept": source.key_id,
                    "url": url,
                    "found": signing.key_id(_key_bytes(found_key)),
                },
            )
        source.url = url.rstrip("/") + "/"
        source.state = Source.State.FOLLOWING
        source.error_code = source.error_message = ""
        source.save(update_fields=["url", "state", "error_code", "error_message"])
        return source


def pull(name: str, *, page_size: int = PAGE_SIZE, max_pages: int | None = None) -> PullResult:
    """Brings the source's entries after the head kept here, a verified page at a time,
    then its new photos, and asks it about a few of its cases. Raises `SourceUnreachable`
    (state unreachable, content kept) or `SourceRefused` (state refused)."""
    source = _source(name)
    if source.state == Source.State.REFUSED:
        raise DomainError(
            "source_refused",
            _("%(name)s was refused (%(code)s) and is no longer pulled: %(message)s")
            % {"name": name, "code": source.error_code, "message": source.error_message},
        )
    Source.objects.filter(pk=source.pk).update(last_attempt_at=timezone.now())
    result = PullResult(head_position=source.head_position)
    try:
        _pull_pages(source, result, page_size=page_size, max_pages=max_pages)
        _fetch_photos(source, result)
        result.vanished = _check_cases(source)
    except errors.SourceUnreachable as error:
        _record_failure(source, error.code, str(error.message), unreachable=True)
        raise
    except errors.SourceRefused as error:
        _record_failure(source, error.code, str(error.message), unreachable=False)
        raise
    Source.objects.filter(pk=source.pk).update(
        state=Source.State.FOLLOWING,
        unreachable_since=None,
        last_synced_at=timezone.now(),
        error_code="",
        error_message="",
    )
    return result


def _source(name: str) -> Source:
    source = Source.objects.filter(name=name).first()
    if source is None:
        raise NotFound(_("No mirror is named %(name)s.") % {"name": name}, code="unknown_mirror")
    return source


def _instance_and_key(url: str, document: Mapping[str, Any]) -> tuple[str, str]:
    instance = document.get("base_url")
    key = document.get("signing_key")
    public_key = key.get("public_key") if isinstance(key, Mapping) else None
    algorithm = key.get("algorithm") if isinstance(key, Mapping) else None
    if not isinstance(instance, str) or not isinstance(public_key, str) or algorithm != "Ed25519":
        raise errors.malformed(url, "no base_url or Ed25519 signing_key")
    _key_bytes(public_key)
    return instance, public_key


def _key_bytes(public_key: str) -> bytes:
    """The raw key of its unpadded base64url form."""
    try:
        raw = base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4))
    except (binascii.Error, ValueError) as error:
        raise DomainError(
            "invalid_key", _("The public key is not base64url."), field="public_key"
        ) from error
    if len(raw) != 32:
        raise DomainError(
            "invalid_key", _("An Ed25519 public key is 32 bytes."), field="public_key"
        )
    return raw


def _record_failure(source: Source, code: str, message: str, *, unreachable: bool) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"error_code": code, "error_message": message}
    if unreachable:
        changes["state"] = Source.State.UNREACHABLE
        Source.objects.filter(pk=source.pk, unreachable_since__isnull=True).update(
            unreachable_since=now
        )
    else:
        changes["state"] = Source.State.REFUSED
    Source.objects.filter(pk=source.pk).update(**changes)
    logger.warning("mirror %s: %s %s", source.name, code, message)


# Reading the pages


@dataclass(frozen=True)
class _Page:
    entries: list[dict[str, Any]]
    checkpoint: dict[str, Any] | None


def _pull_pages(
    source: Source, result: PullResult, *, page_size: int, max_pages: int | None
) -> None:
    # An empty page with a checkpoint past the head is read once more: the source may
    # have sealed between reading its entries and its checkpoint.
    empty_reads_ahead = 0
    while max_pages is None or result.pages < max_pages:
        page = _read_page(source, after=source.head_position, limit=page_size)
        if not page.entries:
            ahead = page.checkpoint is not None and page.checkpoint["position"] > (
                source.head_position
            )
            if ahead and empty_reads_ahead == 0:
                empty_reads_ahead += 1
                continue
            _check_checkpoint(source, page.checkpoint, page.entries)
            if ahead:
                raise errors.lied(
                    "entries_missing",
                    "its checkpoint covers entries it does not serve "
                    f"(after {source.head_position})",
                )
            result.complete = True
            _keep_checkpoint(source, page.checkpoint)
            return
        empty_reads_ahead = 0
        _keep_page(source, page)
        result.pages += 1
        result.entries += len(page.entries)
        result.head_position = source.head_position


def _read_page(source: Source, *, after: int, limit: int) -> _Page:
    answer = client.entries_page(source.url, after=after, limit=limit)
    entries = answer.get("entries")
    checkpoint = answer.get("checkpoint")
    if not isinstance(entries, list) or not all(_entry_shaped(entry) for entry in entries):
        raise errors.malformed(source.url, "entries are not a list of record entries")
    if checkpoint is not None and not _checkpoint_shaped(checkpoint):
        raise errors.malformed(source.url, "the checkpoint is not a record checkpoint")
    if len(entries) > limit:
        raise errors.malformed(source.url, f"more than {limit} entries in a page")
    return _Page(entries, checkpoint)


def _entry_shaped(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and _is_position(entry.get("position"))
        and all(isinstance(entry.get(key), str) for key in ENTRY_FIELDS[1:])
        and (entry.get("body") is None or isinstance(entry.get("body"), dict))
        and _moment(entry["at"]) is not None
    )


def _checkpoint_shaped(checkpoint: Any) -> bool:
    return (
        isinstance(checkpoint, dict)
        and _is_position(checkpoint.get("position"))
        and all(
            isinstance(checkpoint.get(key), str)
            for key in ("instance", "entry_hash", "at", "signature")
        )
    )


def _is_position(value: Any) -> bool:
    # Not a bool, which Python counts as an int (True == 1).
    return type(value) is int and value >= 0


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _check_checkpoint(
    source: Source, checkpoint: dict[str, Any] | None, page: Sequence[Mapping[str, Any]]
) -> bool:
    """Checks the page's checkpoint against the pinned key and the chain kept here with
    `page` after it; whether it covers no more than that chain (so it can be kept)."""
    head = page[-1]["position"] if page else source.head_position
    if checkpoint is None:
        if head > 0:
            raise errors.lied("checkpoint_missing", "it serves entries without a checkpoint")
        return False
    try:
        verify_checkpoint(checkpoint, _key_bytes(source.public_key), source.instance)
    except ChainBroken as broken:
        raise errors.lied(broken.code, str(broken)) from broken
    kept = source.checkpoint
    if kept is not None and checkpoint["position"] < kept["position"]:
        raise errors.lied(
            "checkpoint_went_back",
            f"its checkpoint is at {checkpoint['position']}, after one at {kept['position']}",
        )
    if checkpoint["position"] > head:
        return False
    try:
        verify_head(checkpoint, _entry_hash_at(source, checkpoint["position"], page))
    except ChainBroken as broken:
        raise errors.lied(broken.code, str(broken)) from broken
    return True


def _entry_hash_at(source: Source, position: int, page: Sequence[Mapping[str, Any]]) -> str:
    for entry in page:
        if entry["position"] == position:
            return str(entry["entry_hash"])
    if position == 0:
        return source.head_hash if source.head_position == 0 else ""
    found = (
        MirroredEntry.objects.filter(source=source, position=position)
        .values_list("entry_hash", flat=True)
        .first()
    )
    return found or ""


def _keep_checkpoint(source: Source, checkpoint: dict[str, Any] | None) -> None:
    if checkpoint is not None and checkpoint != source.checkpoint:
        source.checkpoint = checkpoint
        Source.objects.filter(pk=source.pk).update(checkpoint=checkpoint)


def _keep_page(source: Source, page: _Page) -> None:
    """Verifies `page` onto the head kept and keeps it, all of it or nothing."""
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        if locked.head_position != source.head_position:
            # Another pull kept this page meanwhile: go on from its head.
            _copy_head(locked, source)
            return
        try:
            head_hash = verify_entries(page.entries, source.head_hash, source.head_position + 1)
        except ChainBroken as broken:
            raise errors.lied(broken.code, str(broken)) from broken
        covered = _check_checkpoint(source, page.checkpoint, page.entries)
        kept = [_entry(source, entry) for entry in page.entries]
        MirroredEntry.objects.bulk_create(kept)
        _apply_to_cases(source, kept)
        locked.head_position = kept[-1].position
        locked.head_hash = head_hash
        changed = ["head_position", "head_hash"]
        if covered:
            locked.checkpoint = page.checkpoint
            changed.append("checkpoint")
        locked.save(update_fields=changed)
        _copy_head(locked, source)


def _copy_head(kept: Source, source: Source) -> None:
    source.head_position = kept.head_position
    source.head_hash = kept.head_hash
    source.checkpoint = kept.checkpoint


def _entry(source: Source, entry: Mapping[str, Any]) -> MirroredEntry:
    body = entry.get("body")
    at = _moment(entry["at"])
    assert at is not None  # _read_page refused a page with an entry without a time
    return MirroredEntry(
        source=source,
        position=entry["position"],
        subject=entry["subject"],
        kind=entry["kind"],
        at=at,
        body=body,
        withdrawn=body is None,
        content_hash=entry["content_hash"],
        previous_hash=entry["previous_hash"],
        entry_hash=entry["entry_hash"],
    )


# From entries to cases


def _case_id(subject: str) -> int | None:
    kind, _separator, number = subject.partition(":")
    return int(number) if kind == CASE and number.isdigit() else None


def _apply_to_cases(source: Source, entries: Sequence[MirroredEntry]) -> None:
    """Brings the mirrored cases in line with a verified page, in its transaction."""
    touched = [entry for entry in entries if _case_id(entry.subject) is not None]
    if not touched:
        return
    ids = {_case_id(entry.subject) for entry in touched}
    cases = {
        case.case_id: case for case in MirroredCase.objects.filter(source=source, case_id__in=ids)
    }
    snapshots: set[int] = set()
    protected: set[int] = set()
    for entry in touched:
        case_id = _case_id(entry.subject)
        assert case_id is not None
        case = cases.get(case_id)
        if case is None:
            if entry.kind not in ("case.published", "case.removed"):
                continue
            case = cases[case_id] = MirroredCase(
                source=source, case_id=case_id, published_at=entry.at, content_hash=""
            )
        if entry.kind in ("case.published", "case.edited") and entry.body is not None:
            _take_snapshot(case, entry)
            snapshots.add(case_id)
            protected.discard(case_id)
        elif entry.kind == "case.event" and entry.body is not None:
            # A move of the case (acknowledged, resolved, ...) names the state it went to.
            moved_to = entry.body.get("to")
            if isinstance(moved_to, str) and moved_to:
                case.state = moved_to[:40]
        elif entry.kind == "case.removed" and entry.body is not None:
            _take_removal(case, entry)
            if case.protects_person:
                protected.add(case_id)
                snapshots.discard(case_id)
    existing = [case for case in cases.values() if case.pk is not None]
    MirroredCase.objects.bulk_create([case for case in cases.values() if case.pk is None])
    MirroredCase.objects.bulk_update(existing, CASE_FIELDS, batch_size=500)
    _photos_of_snapshots(
        [cases[case_id] for case_id in snapshots], had_photos={case.pk for case in existing}
    )
    for case_id in protected:
        _withdraw(cases[case_id])


def _take_snapshot(case: MirroredCase, entry: MirroredEntry) -> None:
    body = entry.body or {}
    case.snapshot = body
    case.content_hash = entry.content_hash
    case.title = str(body.get("title", ""))
    case.description = str(body.get("description", ""))
    case.state = str(body.get("state", case.state))
    published = body.get("published_at")
    moment = _moment(published) if isinstance(published, str) else None
    if entry.kind == "case.published" and moment is not None:
        case.published_at = moment
    # Published again after a removal: it is public at the source again.
    case.removal = MirroredCase.Removal.NONE
    case.removed_at = None
    case.removal_reason = ""
    case.protects_person = False


def _take_removal(case: MirroredCase, entry: MirroredEntry) -> None:
    body = entry.body or {}
    case.removal = MirroredCase.Removal.PUBLIC_REASON
    case.removed_at = entry.at
    case.removal_reason = str(body.get("reason", ""))[:40]
    case.protects_person = bool(body.get("protects_person"))
    if case.protects_person:
        case.title = case.description = ""
        case.snapshot = {}


def _photos_of_snapshots(cases: Sequence[MirroredCase], *, had_photos: set[int]) -> None:
    """The photo rows of `cases` as their new snapshots list them: new ones to fetch, those
    no longer listed gone with their files. `had_photos` are the cases kept before this
    page, the only ones that may have rows already."""
    rows: dict[int, dict[str, MirroredPhoto]] = {}
    for photo in MirroredPhoto.objects.filter(
        case_id__in=[case.pk for case in cases if case.pk in had_photos]
    ):
        rows.setdefault(photo.case_id, {})[photo.sha256] = photo
    dropped: list[MirroredPhoto] = []
    added: list[MirroredPhoto] = []
    for case in cases:
        listed = {
            str(photo["sha256"]): photo
            for photo in case.snapshot.get("photos", [])
            if isinstance(photo, Mapping) and isinstance(photo.get("sha256"), str)
        }
        have = rows.get(case.pk, {})
        dropped += [photo for sha256, photo in have.items() if sha256 not in listed]
        added += [
            MirroredPhoto(
                case=case,
                sha256=sha256[:64],
                width=_count(photo.get("width")),
                height=_count(photo.get("height")),
                position=_count(photo.get("position")),
                url=str(photo.get("url", ""))[:500],
            )
            for sha256, photo in listed.items()
            if sha256 not in have
        ]
    if dropped:
        _delete_files_on_commit(photo.stored_name.name for photo in dropped if photo.stored_name)
        MirroredPhoto.objects.filter(pk__in=[photo.pk for photo in dropped]).delete()
    MirroredPhoto.objects.bulk_create(added)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and 0 <= value < 2**15 else 0


def _withdraw(case: MirroredCase) -> None:
    """What the source removed to protect a person goes here too: the bodies of the
    case's entries and its photos' files. The hashes stay."""
    MirroredEntry.objects.filter(source_id=case.source_id, subject=case.subject).update(
        body=None, withdrawn=True
    )
    photos = MirroredPhoto.objects.filter(case=case)
    _delete_files_on_commit(photos.exclude(stored_name="").values_list("stored_name", flat=True))
    photos.delete()


def _delete_files_on_commit(names: Iterable[str]) -> None:
    names = list(names)

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete_files)


# Photos and the source's cases


def _fetch_photos(source: Source, result: PullResult) -> None:
    """Fetches the photos not fetched yet and keeps those whose SHA-256 is the one the
    record gives. A photo that fails stays to fetch at the next pull; a source out of
    reach stops the pull (`SourceUnreachable`)."""
    pending = MirroredPhoto.objects.filter(case__source=source, stored_name="").order_by("id")
    limit = settings.MINJIAN_MAX_PHOTO_BYTES
    for photo in pending.iterator():
        if not photo.url:
            continue
        address = client.absolute(source.url, photo.url)
        try:
            data = client.file_bytes(address, max_bytes=limit)
        except errors.SourceRefused as refused:
            result.photo_errors.append(str(refused.message))
            continue
        if digest(data) != photo.sha256:
            result.photo_errors.append(f"{address}: not the SHA-256 its record gives")
            continue
        name = default_storage.save(
            f"mirrors/{source.name}/{photo.sha256[:2]}/{photo.sha256}.jpg", ContentFile(data)
        )
        with transaction.atomic():
            stored = MirroredPhoto.objects.filter(pk=photo.pk, stored_name="").update(
                stored_name=name
            )
        if not stored:
            # Withdrawn (or fetched by another pull) meanwhile.
            default_storage.delete(name)
            continue
        result.photos += 1


def _check_cases(source: Source) -> int:
    """Asks the source about the cases of it asked about longest ago: one it no longer
    serves (404, 410) without a removal in its record is marked vanished; one it serves
    again is no longer. The number found vanished."""
    now = timezone.now()
    asked = list(
        MirroredCase.objects.filter(source=source)
        .filter(Q(removal=MirroredCase.Removal.NONE) | Q(removal=MirroredCase.Removal.VANISHED))
        .order_by("checked_at", "id")
        .only("id", "case_id", "removal")[:CHECKED_PER_PULL]
    )
    vanished = 0
    for case in asked:
        changes: dict[str, Any] = {"checked_at": now}
        if client.case_answers(source.url, case.case_id):
            # Served again (it was hidden and shown again): no longer vanished.
            changes |= {"removal": MirroredCase.Removal.NONE, "removed_at": None}
        elif case.removal == MirroredCase.Removal.NONE:
            changes |= {"removal": MirroredCase.Removal.VANISHED, "removed_at": now}
            vanished += 1
        # Only a case whose removal nothing changed meanwhile (a pull keeping a removal
        # with a public reason).
        MirroredCase.objects.filter(pk=case.pk, removal=case.removal).update(**changes)
    return vanished
