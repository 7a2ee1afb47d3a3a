"""The signed manifest of a folder: every changed, missing or extra file is named exactly, and
a signature holds only by the key it must hold by."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minjian.archive import manifest
from minjian.core import signing


@pytest.fixture
def instance_key(settings: Any, tmp_path: Path) -> bytes:
    return _use_key(settings, tmp_path / "keys" / "instance.pem")


@pytest.fixture
def folder(tmp_path: Path, instance_key: bytes) -> Path:
    root = tmp_path / "mirror"
    (root / "cases" / "案件").mkdir(parents=True)
    (root / "index.html").write_text("<p>民间</p>", encoding="utf-8")
    (root / "cases" / "案件" / "1.html").write_bytes(b"case one")
    (root / "media.bin").write_bytes(bytes(range(256)) * 5000)
    manifest.write_manifest(root, "static-mirror")
    return root


def _use_key(settings: Any, path: Path) -> bytes:
    settings.MINJIAN_SIGNING_KEY_FILE = path
    settings.MINJIAN_SIGNING_KEY_MADE_AT_FIRST_USE = True
    return signing.public_key()


def test_an_untouched_folder_checks_whole_by_the_instance_key(
    folder: Path, instance_key: bytes
) -> None:
    report = manifest.check_manifest(folder, trusted_public_key=instance_key)

    assert report.ok
    assert report.key_id == signing.key_id(instance_key)
    assert report.kind == "static-mirror"
    assert sorted(report.files) == ["cases/案件/1.html", "index.html", "media.bin"]
    assert report.files["media.bin"].size == 256 * 5000


def test_the_manifest_is_canonical_json_and_its_signature_is_of_those_bytes(
    folder: Path, instance_key: bytes
) -> None:
    body = (folder / manifest.MANIFEST_NAME).read_bytes()
    signature = (folder / manifest.SIGNATURE_NAME).read_text()

    assert body == manifest.canonical_json(json.loads(body))
    assert json.loads(body)["format"] == "minjian-manifest/1"
    assert signing.verify(instance_key, body, manifest._decoded(signature))


def test_one_changed_byte_is_reported_as_that_file_changed(folder: Path) -> None:
    media = folder / "media.bin"
    data = bytearray(media.read_bytes())
    data[70_000] ^= 1
    media.write_bytes(bytes(data))

    report = manifest.check_manifest(folder)

    assert (report.changed, report.missing, report.extra) == (["media.bin"], [], [])
    assert report.signature_ok
    assert not report.ok


def test_a_missing_file_is_reported_missing(folder: Path) -> None:
    (folder / "cases" / "案件" / "1.html").unlink()

    report = manifest.check_manifest(folder)

    assert (report.changed, report.missing, report.extra) == ([], ["cases/案件/1.html"], [])


def test_an_extra_file_is_reported_extra(folder: Path) -> None:
    (folder / "cases" / "added.html").write_text("not listed")

    report = manifest.check_manifest(folder)

    assert (report.changed, report.missing, report.extra) == ([], [], ["cases/added.html"])


def test_a_manifest_signed_by_another_key_fails_against_the_trusted_key(
    folder: Path, instance_key: bytes, settings: Any, tmp_path: Path
) -> None:
    (folder / "index.html").write_text("<p>forged</p>", encoding="utf-8")
    other_key = _use_key(settings, tmp_path / "keys" / "other.pem")
    manifest.write_manifest(folder, "static-mirror")

    trusted = manifest.check_manifest(folder, trusted_public_key=instance_key)
    self_consistent = manifest.check_manifest(folder)

    assert not trusted.signature_ok
    assert trusted.key_id == signing.key_id(other_key)
    assert self_consistent.signature_ok and self_consistent.ok


def test_a_changed_manifest_fails_its_signature(folder: Path, instance_key: bytes) -> None:
    path = folder / manifest.MANIFEST_NAME
    body = json.loads(path.read_bytes())
    (folder / "index.html").write_text("<p>forged</p>", encoding="utf-8")
    body["files"]["index.html"] = {
        "sha256": manifest.stream_digest((folder / "index.html").open("rb")).sha256,
        "size": (folder / "index.html").stat().st_size,
    }
    path.write_bytes(manifest.canonical_json(body))

    report = manifest.check_manifest(folder, trusted_public_key=instance_key)

    assert not report.signature_ok
    assert (report.changed, report.missing, report.extra) == ([], [], [])


def test_a_signature_by_a_key_other_than_the_one_the_manifest_names_fails(
    folder: Path, settings: Any, tmp_path: Path
) -> None:
    body = (folder / manifest.MANIFEST_NAME).read_bytes()
    _use_key(settings, tmp_path / "keys" / "other.pem")
    (folder / manifest.SIGNATURE_NAME).write_text(signing.base64url(signing.sign(body)))

    assert not manifest.check_manifest(folder).signature_ok


def test_a_manifest_that_is_not_json_or_absent_is_refused(folder: Path) -> None:
    (folder / manifest.MANIFEST_NAME).write_bytes(b"\xff{not json")
    with pytest.raises(manifest.ManifestError, match="not JSON"):
        manifest.check_manifest(folder)

    (folder / manifest.MANIFEST_NAME).unlink()
    with pytest.raises(manifest.ManifestError, match=r"no minjian-manifest\.json"):
        manifest.check_manifest(folder)


def test_a_listed_path_outside_the_folder_is_missing_not_read(
    folder: Path, instance_key: bytes, tmp_path: Path
) -> None:
    (tmp_path / "secret").write_bytes(b"outside")
    manifest.write_manifest(folder, "static-mirror", [("../secret", "0" * 64, 7)])

    assert manifest.check_manifest(folder).missing == ["../secret"]


def test_given_files_are_listed_as_given_with_nfc_names(folder: Path, instance_key: bytes) -> None:
    decomposed = "cafe\u0301.txt"
    (folder / "café.txt").write_bytes(b"x")
    digest = manifest.stream_digest((folder / "café.txt").open("rb"))

    manifest.write_manifest(folder, "public-bundle", [(decomposed, digest.sha256, digest.size)])

    assert list(manifest.check_manifest(folder).files) == ["café.txt"]


@given(st.text(max_size=50).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_manifest_are_a_manifest_error_or_a_report(body: bytes) -> None:
    class Bytes:
        def read_bytes(self, path: str) -> bytes | None:
            return body if path == manifest.MANIFEST_NAME else None

        def list_files(self) -> list[str] | None:
            return None

        def digest(self, path: str) -> manifest.FileDigest | None:
            return None

    try:
        report = manifest.check_manifest(Bytes())
    except manifest.ManifestError:
        return
    assert not report.signature_ok


def test_over_http_changed_and_missing_files_are_reported_and_extras_cannot_be(
    folder: Path, instance_key: bytes
) -> None:
    (folder / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    (folder / "media.bin").unlink()
    (folder / "extra.html").write_text("not listed")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        report = manifest.check_manifest(
            f"http://127.0.0.1:{server.server_port}/", trusted_public_key=instance_key
        )
    finally:
        server.shutdown()
        server.server_close()

    assert report.signature_ok
    assert (report.changed, report.missing, report.extra) == (["index.html"], ["media.bin"], [])
    assert report.files["cases/案件/1.html"].size == len(b"case one")
