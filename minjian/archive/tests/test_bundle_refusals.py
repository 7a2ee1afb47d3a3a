"""Bad input changes nothing: a tampered or incomplete bundle, a signature by another key, a
newer schema, a wrong passphrase, an instance that is not empty, a failure halfway — each a
clear error, and not one row or media file written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minjian.accounts.tests.factories import make_user
from minjian.archive import manifest
from minjian.archive.bundle_export import FULL, PUBLIC, export_instance
from minjian.archive.tests.bundles import (
    PASSPHRASE,
    empty_the_instance,
    media_files,
    row_counts,
)
from minjian.cases.models import Case, CasePhoto
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.core import signing
from minjian.places.models import Region
from minjian.places.tests.factories import make_region_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages are matched in English (the Chinese are in the catalogue)."""
    with translation.override("en"):
        yield


@pytest.fixture
def bundle(regions: dict[str, Region], settings: Any, tmp_path: Path) -> Path:
    """A public bundle of two published cases with photos, then an empty instance."""
    for title in ("造纸厂向淮河排污", "河道垃圾堆积"):
        make_case(
            regions["340000"],
            title=title,
            photos=[
                jpeg_upload("a.jpg", color=(len(title), 9, 9)),
                jpeg_upload("b.jpg", color=(7, 7, 7)),
            ],
        )
    assert CasePhoto.objects.count() == 4
    export_instance(tmp_path / "bundle", PUBLIC)
    empty_the_instance(settings, tmp_path / "new-media")
    return tmp_path / "bundle"


def _import(path: Path, *arguments: str) -> str:
    out = StringIO()
    call_command("import_instance", str(path), *arguments, stdout=out)
    return out.getvalue()


def _refused(path: Path, message: str, settings: Any, *arguments: str) -> None:
    counts = row_counts()
    media = media_files(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match=message):
        _import(path, *arguments)
    assert row_counts() == counts
    assert media_files(Path(settings.MEDIA_ROOT)) == media


def _resign(bag: Path) -> None:
    """Makes a changed bag whole again by BagIt and signs it with the instance's key: what
    someone holding the key (or a bug) would write."""
    (bag / manifest.MANIFEST_NAME).unlink()
    (bag / manifest.SIGNATURE_NAME).unlink()
    bagit.Bag(str(bag)).save(manifests=True)
    manifest.write_manifest(bag, "public-bundle")


def _first_table_line(bag: Path, table: str) -> tuple[Path, list[bytes]]:
    path = bag / "data" / "tables" / f"{table}.jsonl"
    return path, path.read_bytes().splitlines(keepends=True)


def test_an_untouched_bundle_imports(bundle: Path, settings: Any) -> None:
    # In one argument: a base64url key may begin with "-", which alone reads as an option.
    output = _import(bundle, f"--trusted-key={signing.public_key_base64url()}")

    assert "Imported a public bundle" in output
    assert Case.objects.count() == 2
    assert len(media_files(Path(settings.MEDIA_ROOT))) == CasePhoto.objects.count() * 3
    # The sequences start past the imported ids: a new report is filed as usual.
    imported = max(Case.objects.values_list("id", flat=True))
    assert make_case(Region.objects.get(code="340000"), title="导入之后的新案例").pk > imported


def test_one_changed_byte_in_a_table_file_is_refused(bundle: Path, settings: Any) -> None:
    path = bundle / "data" / "tables" / "cases_case.jsonl"
    data = path.read_bytes().replace("淮河".encode(), "黄河".encode(), 1)
    path.write_bytes(data)

    _refused(bundle, "The bag does not check", settings)


def test_a_changed_media_file_is_refused(bundle: Path, settings: Any) -> None:
    media = next((bundle / "data" / "media").iterdir())
    media.write_bytes(media.read_bytes()[:-1] + b"\x00")

    _refused(bundle, "The bag does not check", settings)


def test_a_bag_missing_a_file_is_refused(bundle: Path, settings: Any) -> None:
    (bundle / "data" / "tables" / "cases_caseevent.jsonl").unlink()

    _refused(bundle, "The bag does not check", settings)


def test_a_change_made_whole_by_bagit_is_caught_by_the_signed_manifest(
    bundle: Path, settings: Any
) -> None:
    path = bundle / "data" / "tables" / "cases_case.jsonl"
    path.write_bytes(path.read_bytes().replace("淮河".encode(), "黄河".encode(), 1))
    bagit.Bag(str(bundle)).save(manifests=True)

    _refused(
        bundle, r"differ from its signed manifest: changed: data/tables/cases_case\.jsonl", settings
    )


def test_a_bundle_signed_by_another_key_is_refused_against_the_trusted_key(
    bundle: Path, settings: Any, tmp_path: Path
) -> None:
    trusted = signing.public_key_base64url()
    settings.MINJIAN_SIGNING_KEY_FILE = tmp_path / "other-key.pem"
    _resign(bundle)

    _refused(bundle, "does not hold by the trusted key", settings, f"--trusted-key={trusted}")


def test_a_signature_that_does_not_match_is_refused(bundle: Path, settings: Any) -> None:
    (bundle / manifest.SIGNATURE_NAME).write_text(signing.base64url(b"\x01" * 64))

    _refused(bundle, "does not hold", settings)


def test_a_bundle_of_a_newer_schema_is_refused(bundle: Path, settings: Any) -> None:
    package_path = bundle / "data" / "datapackage.json"
    package = json.loads(package_path.read_bytes())
    package["minjian"]["migrations"]["cases"].append("9999_from_the_future")
    package_path.write_text(json.dumps(package), encoding="utf-8")
    _resign(bundle)

    _refused(bundle, r"newer schema .*cases\.9999_from_the_future", settings)


def test_an_instance_that_is_not_empty_is_refused(bundle: Path, settings: Any) -> None:
    make_user("already-here")

    _refused(bundle, r"The instance is not empty.*accounts\.User", settings)


def test_a_failure_halfway_leaves_no_row_and_no_media_file(bundle: Path, settings: Any) -> None:
    """The last photo's name is taken in storage: the rows and the media files written
    before it are all taken back."""
    _path, lines = _first_table_line(bundle, "cases_casephoto")
    last = json.loads(lines[-1])["image"]["name"]
    taken = Path(settings.MEDIA_ROOT) / last
    taken.parent.mkdir(parents=True)
    taken.write_bytes(b"someone else's file")

    _refused(bundle, "A media file is already at", settings)
    assert media_files(Path(settings.MEDIA_ROOT)) == {last: b"someone else's file"}


def test_a_row_pointing_to_a_missing_row_is_refused(bundle: Path, settings: Any) -> None:
    path, lines = _first_table_line(bundle, "cases_caseevent")
    row = json.loads(lines[0])
    row["case_id"] = 987654
    path.write_bytes(
        json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        + b"\n"
        + b"".join(lines[1:])
    )
    _resign(bundle)

    _refused(bundle, "points to a row the bundle lacks", settings)


def test_a_folder_that_is_not_a_bundle_is_refused(tmp_path: Path, settings: Any) -> None:
    (tmp_path / "not-a-bundle").mkdir()

    _refused(tmp_path / "not-a-bundle", "is not a bag", settings)


def test_a_full_bundle_opens_with_its_passphrase_from_a_file_or_the_environment(
    regions: dict[str, Region], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case(regions["340000"], photos=[jpeg_upload("a.jpg")])
    counts = row_counts()
    monkeypatch.setenv("MINJIAN_BUNDLE_PASSPHRASE", PASSPHRASE)
    call_command("export_instance", str(tmp_path / "full"), "--kind", FULL, stdout=StringIO())
    monkeypatch.delenv("MINJIAN_BUNDLE_PASSPHRASE")
    empty_the_instance(settings, tmp_path / "new-media")
    wrong = tmp_path / "wrong-passphrase"
    wrong.write_text("not the passphrase\n")
    right = tmp_path / "passphrase"
    right.write_text(PASSPHRASE + "\n", encoding="utf-8")

    _refused(tmp_path / "full", "A full bundle needs a passphrase", settings)
    _refused(
        tmp_path / "full", "passphrase does not open", settings, "--passphrase-file", str(wrong)
    )
    _import(tmp_path / "full", "--passphrase-file", str(right))

    assert row_counts() == counts
    assert sorted(path.name for path in (tmp_path / "full").iterdir()) == [
        "bundle.tar.age",
        "identity.age",
    ]
    assert b"bagit" not in (tmp_path / "full" / "bundle.tar.age").read_bytes()


def test_a_full_bundle_is_not_written_without_a_passphrase(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="needs a passphrase"):
        call_command("export_instance", str(tmp_path / "full"), "--kind", FULL)
    assert not (tmp_path / "full").exists()


def test_a_bundle_is_not_written_over_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_instance", str(tmp_path / "taken"))


def test_a_refusal_is_said_in_chinese_too(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with (
        translation.override("zh-hans"),
        pytest.raises(CommandError, match="已存在：请给出一个新的文件夹"),
    ):
        call_command("export_instance", str(tmp_path / "taken"))


def test_regions_and_topics_loaded_by_setup_are_replaced_by_the_bundles(
    bundle: Path, regions: dict[str, Region]
) -> None:
    """An instance with only what setup loads counts as empty: the bundle's regions (with
    the ids its cases point to) replace them."""
    bundled = {row["code"]: row["id"] for row in _rows(bundle, "places_region")}
    make_region_tree()
    assert dict(Region.objects.values_list("code", "id")) != bundled

    _import(bundle)

    assert dict(Region.objects.values_list("code", "id")) == bundled
    assert Case.objects.filter(region_id__in=bundled.values()).count() == 2


def _rows(bag: Path, table: str) -> list[dict[str, Any]]:
    _path, lines = _first_table_line(bag, table)
    return [json.loads(line) for line in lines]
