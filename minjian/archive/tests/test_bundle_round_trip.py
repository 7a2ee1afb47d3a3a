"""export → import → export gives the same table files and media, byte for byte, on the demo
(with its photos, petitions, coalitions, drives, claims) and on both engines; the full bundle's
instance holds a row of every exported table (`bundles.fill_what_the_demo_lacks`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.archive import bundle_crypto
from minjian.archive.bundle_export import FULL, PUBLIC, export_bag, export_instance
from minjian.archive.bundle_import import import_instance
from minjian.archive.tests.bundles import (
    PASSPHRASE,
    bag_payload,
    empty_the_instance,
    fill_what_the_demo_lacks,
    load_demo_instance,
    media_files,
    named_media,
    plant_secrets,
    row_counts,
)
from minjian.cases.models import Case, CaseEvent


@pytest.mark.django_db
def test_a_full_bundle_of_the_demo_imports_whole_and_exports_again_byte_for_byte(
    settings: Any, tmp_path: Path
) -> None:
    load_demo_instance()
    fill_what_the_demo_lacks()
    counts = row_counts()
    empty = sorted(label for label, count in counts.items() if count == 0)
    media_before = named_media(Path(settings.MEDIA_ROOT))
    export_instance(tmp_path / "full", FULL, passphrase=PASSPHRASE, chunk_rows=7)
    first = bundle_crypto.unseal(tmp_path / "full", _folder(tmp_path / "opened"), PASSPHRASE)

    empty_the_instance(settings, tmp_path / "new-media")
    summary = import_instance(tmp_path / "full", passphrase=PASSPHRASE, chunk_rows=7)
    export_bag(tmp_path / "again", FULL, chunk_rows=5)

    assert row_counts() == counts
    assert summary.rows == {
        label: count for label, count in counts.items() if label in summary.rows
    }
    assert bag_payload(tmp_path / "again") == bag_payload(first)
    assert media_files(Path(settings.MEDIA_ROOT)) == media_before
    assert media_before, "the demo has photos"
    # Every table holds a row, so that this round trip proves them all.
    assert empty == [], " ".join(empty)
    # A mirror's fetched photo is among the files that came across.
    assert any(name.startswith("mirrors/") for name in media_before)


@pytest.mark.django_db
def test_a_public_bundle_holds_no_secret_and_imports_and_exports_again_byte_for_byte(
    settings: Any, tmp_path: Path
) -> None:
    load_demo_instance()
    secrets = plant_secrets(settings)
    public_ids = _public_case_ids()
    export_instance(tmp_path / "public", PUBLIC)

    leaked = {
        secret: path.relative_to(tmp_path).as_posix()
        for path in sorted((tmp_path / "public").rglob("*"))
        if path.is_file()
        for secret in secrets
        if secret.encode("utf-8") in path.read_bytes()
    }
    empty_the_instance(settings, tmp_path / "new-media")
    import_instance(tmp_path / "public")
    export_bag(tmp_path / "again", PUBLIC)

    assert leaked == {}
    assert bag_payload(tmp_path / "again") == bag_payload(tmp_path / "public")
    assert _public_case_ids() == public_ids
    assert not Case.objects.filter(state=Case.State.SUBMITTED).exists()
    assert not User.objects.exclude(email="").exists()
    assert not CaseEvent.objects.filter(internal=True).exists()


def _public_case_ids() -> list[int]:
    return sorted(Case.objects.filter(state__in=Case.PUBLIC_STATES).values_list("id", flat=True))


def _folder(path: Path) -> Path:
    path.mkdir()
    return path
