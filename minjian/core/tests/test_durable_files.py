"""Media files reach the disk before `save` returns (`minjian.core.durable_files`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from minjian.core.durable_files import DurableFileSystemStorage


def test_a_saved_file_and_its_new_name_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[tuple[int, int]] = []
    real_fsync = os.fsync

    def noting_fsync(descriptor: int) -> None:
        status = os.fstat(descriptor)
        flushed.append((status.st_dev, status.st_ino))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", noting_fsync)
    storage = DurableFileSystemStorage(location=tmp_path)

    name = storage.save("incoming/photo", ContentFile(b"\xff\xd8 a photo"))

    path = Path(storage.path(name))
    assert path.read_bytes() == b"\xff\xd8 a photo"
    identity = [(p.stat().st_dev, p.stat().st_ino) for p in (path, path.parent)]
    assert flushed == identity


def test_the_local_disk_keeps_media_durably_by_default() -> None:
    assert isinstance(storages["default"], DurableFileSystemStorage)
