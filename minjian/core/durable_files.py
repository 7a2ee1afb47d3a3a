"""Media files on the local disk, on the disk for good before anything names them.

Django's `FileSystemStorage` writes a file and returns: its bytes sit in the kernel's
cache for up to half a minute before they reach the disk. A report's photo is stored
just before the transaction that files the case commits, and PostgreSQL's commit is
flushed to the disk; a power cut in between would keep the case and lose its photo,
which a worker would then find empty. So each file is flushed (`fsync`) before `save`
returns, and so is its folder, which holds the new name. A flush costs a fraction of a
millisecond on an SSD; a report waits for it once per photo.
"""

from __future__ import annotations

import os
from typing import IO, Any

from django.core.files.storage import FileSystemStorage


class DurableFileSystemStorage(FileSystemStorage):
    """`FileSystemStorage` whose `save` returns once the file and its name are on the disk."""

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        saved = super().save(name, content, max_length=max_length)
        path = self.path(saved)
        flush_to_disk(path)
        flush_to_disk(os.path.dirname(path))
        return saved


def flush_to_disk(path: str) -> None:
    """Wait until what was written to `path` (a file, or a folder's list of names) is on
    the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
