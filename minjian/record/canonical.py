"""The record's canonical form: the bytes that are hashed and signed, the same for the
instance that writes the record and for any mirror that checks it (contract.md).

Pure functions, no database: a mirror imports them as they are.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

# The previous hash of the first entry: there is nothing before it.
GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    """`value` as JSON with sorted keys, no spaces and UTF-8 text: one byte string for one
    value, whoever writes it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: bytes) -> str:
    """SHA-256 of `data`, 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def record_time(moment: datetime) -> str:
    """A moment as the record writes it: ISO 8601 in UTC with "Z", microseconds always
    written, so that one moment has one spelling."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(body: Any) -> str:
    return digest(canonical_json(body))


def entry_hash(
    *, position: int, previous: str, subject: str, kind: str, at: str, content: str
) -> str:
    """The hash that chains an entry to the one before it. It covers the content's hash,
    not the content, so that content withheld to protect a person leaves the chain whole."""
    return digest(
        canonical_json(
            {
                "position": position,
                "previous": previous,
                "subject": subject,
                "kind": kind,
                "at": at,
                "content": content,
            }
        )
    )


def checkpoint_message(*, instance: str, position: int, entry_hash: str, at: str) -> bytes:
    """The bytes a checkpoint's signature signs."""
    return canonical_json(
        {"instance": instance, "position": position, "entry_hash": entry_hash, "at": at}
    )
