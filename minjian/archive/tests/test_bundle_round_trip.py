"""export → import → export gives the same table files and media, byte for byte, on the demo
(with its photos, petitions, coalitions, drives, claims) and on both engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minjian.archive import bundle_crypto
from minjian.archive.bundle_export import FULL, PUBLIC, export_bag, export_instance
from minjian.archive.bundle_import import import_instance
from minjian.archive.tests.bundles import (
    PASSPHRASE,
    bag_payload,
    empty_the_instance,
    load_demo_instance,
    media_files,
    named_media,
    row_counts,
)
from minjian.cases.models import Case


@pytest.mark.django_db
def test_a_full_bundle_of_the_demo_imports_whole_and_exports_again_byte_for_byte(
    settings: Any, tmp_path: Path
) -> None:
    load_demo_instance()
    counts = row_counts()
    media_before = named_media(Path(settings.MEDIA_ROOT))
    export_instance(tmp_path / "full", FULL, passphrase=PASSPHRASE, chunk_rows=7)
    first = bundle_crypto.unseal(tmp_path / "full", _folder(tmp_path / "opened"), PASSPHRASE)

    empty_the_instance(settings, tmp_path / "new-media")
    summary = import_instance(tmp_path / "full", passphrase=PASSPHRASE, chunk_rows=7)
    export_bag(tmp_path / "again", FULL, chunk_rows=5)

    assert row_counts() == counts
    assert summary.rows == {label: count for label, count in counts.items() if label in summary.rows}
    assert bag_payload(tmp_path / "again") == bag_payload(first)
    assert media_files(Path(settings.MEDIA_ROOT)) == media_before
    assert media_before, "the demo has photos"


@pytest.mark.django_db
def test_a_public_bundle_imports_its_public_part_and_exports_again_byte_for_byte(
    settings: Any, tmp_path: Path
) -> None:
    load_demo_instance()
    public_ids = sorted(Case.objects.filter(state__in=Case.PUBLIC_STATES).values_list("id", flat=True))
    export_instance(tmp_path / "public", PUBLIC)

    empty_the_instance(settings, tmp_path / "new-media")
    import_instance(tmp_path / "public")
    export_bag(tmp_path / "again", PUBLIC)

    assert bag_payload(tmp_path / "again") == bag_payload(tmp_path / "public")
    assert sorted(Case.objects.filter(state__in=Case.PUBLIC_STATES).values_list("id", flat=True)) == public_ids
    assert not Case.objects.filter(state=Case.State.SUBMITTED).exists()


def _folder(path: Path) -> Path:
    path.mkdir()
    return path
