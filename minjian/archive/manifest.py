"""The signed manifest of a directory of files (a bundle, a static mirror), which anyone can
check with the instance's public key, from a folder or over HTTP, without asking the instance.

A manifest is two files at the directory's root:

- `minjian-manifest.json`: the canonical JSON (keys sorted, no spaces, UTF-8) of
  `{"format": "minjian-manifest/1", "instance": base URL, "key_id", "public_key" (the raw
  Ed25519 key in unpadded base64url), "made_at" (ISO 8601, UTC), "kind", "files": {path:
  {"sha256", "size"}}}`, where each path is relative, POSIX, in Unicode NFC, and the two
  manifest files themselves are not listed;
- `minjian-manifest.sig`: the detached Ed25519 signature of exactly those bytes, in unpadded
  base64url (minjian/core/signing.py).

Checking says which listed files are missing, which changed (their size or SHA-256 differ),
which are there but not listed (only where the files can be listed: not over HTTP), and
whether the signature holds: by the key named in the manifest itself, or, when the checker
trusts a key, by that key only (a manifest re-signed by anyone else then fails).

Files are read through a `Reader`, so that one check serves a folder and a web server:
`read_bytes(path)` (None when there is no such file), `list_files()` (None when the files
cannot be listed) and `digest(path)` (SHA-256 and size, streamed in chunks, so that a file of
any size is hashed in constant memory).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import os
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.utils import timezone

from minjian.core import signing

FORMAT = "minjian-manifest/1"
MANIFEST_NAME = "minjian-manifest.json"
SIGNATURE_NAME = "minjian-manifest.sig"
KINDS = frozenset({"public-bundle", "full-bundle", "static-mirror"})
CHUNK_BYTES = 1 << 20
HTTP_TIMEOUT_SECONDS = 30


class ManifestError(Exception):
    """The manifest cannot be read at all: absent, not JSON, not of this format."""


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int


class Reader(Protocol):
    """Where the files of a manifested directory are read from."""

    def read_bytes(self, path: str) -> bytes | None: ...

    def list_files(self) -> list[str] | None: ...

    def digest(self, path: str) -> FileDigest | None: ...


@dataclass
class ManifestReport:
    """What checking a manifest found. `signature_ok` is whether the signature holds by the
    trusted key (or, when none was given, by the key the manifest names)."""

    signature_ok: bool
    key_id: str
    kind: str
    instance: str
    made_at: str
    files: dict[str, FileDigest] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signature_ok and not (self.missing or self.changed or self.extra)


def normalized_path(path: str) -> str:
    return unicodedata.normalize("NFC", path)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def stream_digest(stream: IO[bytes]) -> FileDigest:
    hasher = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_BYTES):
        hasher.update(chunk)
        size += len(chunk)
    return FileDigest(hasher.hexdigest(), size)


class FolderReader:
    """The files of a folder on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read_bytes(self, path: str) -> bytes | None:
        target = self._inside(path)
        return target.read_bytes() if target is not None and target.is_file() else None

    def list_files(self) -> list[str] | None:
        return sorted(_walk(self.root))

    def digest(self, path: str) -> FileDigest | None:
        target = self._inside(path)
        if target is None or not target.is_file():
            return None
        with target.open("rb") as stream:
            return stream_digest(stream)

    def _inside(self, path: str) -> Path | None:
        # A manifest is untrusted input until checked: none of its paths may leave the root.
        target = (self.root / path).resolve()
        return target if target.is_relative_to(self.root.resolve()) else None


class HttpReader:
    """The files under a base URL; they cannot be listed over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def read_bytes(self, path: str) -> bytes | None:
        with self._open(path) as response:
            return None if response is None else response.read()

    def list_files(self) -> list[str] | None:
        return None

    def digest(self, path: str) -> FileDigest | None:
        with self._open(path) as response:
            return None if response is None else stream_digest(response)

    def _open(self, path: str) -> _Response:
        url = urllib.parse.urljoin(self.base_url, urllib.parse.quote(path))
        if not url.startswith(self.base_url):
            return _Response(None)
        try:
            return _Response(urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS))  # noqa: S310  # only http(s) URLs given by the operator
        except urllib.error.HTTPError as error:
            if error.code in (403, 404, 410):
                return _Response(None)
            raise


class _Response:
    """An HTTP response (or None for a missing file) as a context manager."""

    def __init__(self, response: IO[bytes] | None) -> None:
        self.response = response

    def __enter__(self) -> IO[bytes] | None:
        return self.response

    def __exit__(self, *exc_info: object) -> None:
        if self.response is not None:
            self.response.close()


def reader_for(location: str | Path) -> Reader:
    """A reader of a folder path or an http(s) URL."""
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        return HttpReader(location)
    return FolderReader(Path(location))


def write_manifest(
    root: Path, kind: str, files: Iterable[tuple[str, str, int]] | None = None
) -> Path:
    """Writes and signs the manifest of the folder `root`: of `files` (path, sha256, size)
    when given, else of every file in it, hashed here. Returns the manifest's path."""
    if kind not in KINDS:
        raise ValueError(f"Unknown manifest kind {kind!r}.")
    if files is None:
        files = _hashed_files(root)
    listed = {
        normalized_path(path): {"sha256": sha256, "size": size} for path, sha256, size in files
    }
    public_key = signing.public_key()
    body = canonical_json(
        {
            "format": FORMAT,
            "instance": settings.MINJIAN_SITE_URL.rstrip("/") + "/",
            "key_id": signing.key_id(public_key),
            "public_key": signing.base64url(public_key),
            "made_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "kind": kind,
            "files": listed,
        }
    )
    manifest = root / MANIFEST_NAME
    manifest.write_bytes(body)
    (root / SIGNATURE_NAME).write_bytes(signing.base64url(signing.sign(body)).encode("ascii"))
    return manifest


def check_manifest(
    root_or_reader: Path | str | Reader, trusted_public_key: bytes | None = None
) -> ManifestReport:
    """Checks every file listed in the manifest and its signature. Raises ManifestError when
    the manifest itself is absent or unreadable; everything else is in the report."""
    reader = (
        reader_for(root_or_reader) if isinstance(root_or_reader, (str, Path)) else root_or_reader
    )
    body = reader.read_bytes(MANIFEST_NAME)
    if body is None:
        raise ManifestError(f"There is no {MANIFEST_NAME}.")
    manifest = _parsed(body)
    claimed_key = _decoded(manifest["public_key"])
    key = trusted_public_key if trusted_public_key is not None else claimed_key
    signature = _decoded((reader.read_bytes(SIGNATURE_NAME) or b"").decode("ascii", "replace"))
    listed = {
        path: FileDigest(str(entry["sha256"]), int(entry["size"]))
        for path, entry in manifest["files"].items()
    }
    report = ManifestReport(
        signature_ok=claimed_key == key and signing.verify(key, body, signature),
        key_id=signing.key_id(claimed_key) if claimed_key else "",
        kind=str(manifest["kind"]),
        instance=str(manifest["instance"]),
        made_at=str(manifest["made_at"]),
        files=listed,
    )
    for path, expected in sorted(listed.items()):
        found = reader.digest(path)
        if found is None:
            report.missing.append(path)
        elif found != expected:
            report.changed.append(path)
    present = reader.list_files()
    if present is not None:
        report.extra = sorted(
            set(present) - set(listed) - {MANIFEST_NAME, SIGNATURE_NAME},
        )
    return report


def _parsed(body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{MANIFEST_NAME} is not JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError(f"{MANIFEST_NAME} is not of the format {FORMAT}.")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("size"), int)
        for entry in files.values()
    ):
        raise ManifestError(f"{MANIFEST_NAME} does not list its files as {{sha256, size}}.")
    if not all(
        isinstance(manifest.get(key), str) for key in ("public_key", "kind", "instance", "made_at")
    ):
        raise ManifestError(f"{MANIFEST_NAME} does not name its key, kind, instance and date.")
    return manifest


def _decoded(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        return b""


def _walk(root: Path) -> Iterator[str]:
    for directory, _, names in os.walk(root):
        for name in names:
            yield normalized_path((Path(directory) / name).relative_to(root).as_posix())


def _hashed_files(root: Path) -> Iterator[tuple[str, str, int]]:
    reader = FolderReader(root)
    for path in sorted(_walk(root)):
        if path in (MANIFEST_NAME, SIGNATURE_NAME):
            continue
        digest = reader.digest(path)
        if digest is not None:
            yield path, digest.sha256, digest.size
