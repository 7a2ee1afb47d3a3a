"""Checking a copy of the record: that its entries chain from a known head and that a
checkpoint is the instance's signature. Pure, no database: what a mirror runs on what it
pulled, and `verify_record` on an instance's own chain (contract.md)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from minjian.core.signing import key_id, verify
from minjian.record.canonical import checkpoint_message, content_hash, entry_hash


class ChainBroken(Exception):
    """The copy is not what the instance sealed and signed: `code` says how (contract.md),
    `position` where, when it is an entry's."""

    def __init__(self, code: str, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position


def verify_entries(
    entries: Sequence[Mapping[str, Any]], previous_hash: str, next_position: int
) -> str:
    """Check that `entries` continue the chain whose head hash is `previous_hash`, the
    first of them at `next_position`; returns the new head hash.

    An entry whose body is None was withheld to protect a person: its content hash is
    still chained, only the content cannot be checked against it.
    """
    head = previous_hash
    expected_position = next_position
    for entry in entries:
        position = entry.get("position")
        if position != expected_position:
            raise ChainBroken(
                "gap",
                f"Expected the entry at position {expected_position}, found {position}.",
                position=expected_position,
            )
        if entry.get("body") is not None and content_hash(entry["body"]) != entry.get(
            "content_hash"
        ):
            raise ChainBroken(
                "content_changed",
                f"The body of entry {position} does not have its content hash.",
                position=position,
            )
        if entry.get("previous_hash") != head:
            raise ChainBroken(
                "not_chained",
                f"Entry {position} does not follow the entry before it.",
                position=position,
            )
        try:
            computed = entry_hash(
                position=position,
                previous=head,
                subject=entry["subject"],
                kind=entry["kind"],
                at=entry["at"],
                content=entry["content_hash"],
            )
        except (KeyError, TypeError) as error:
            raise ChainBroken(
                "hash_mismatch", f"Entry {position} lacks {error}.", position=position
            ) from error
        if computed != entry.get("entry_hash"):
            raise ChainBroken(
                "hash_mismatch",
                f"Entry {position} does not have the hash of its fields.",
                position=position,
            )
        head = computed
        expected_position += 1
    return head


def verify_checkpoint(
    checkpoint: Mapping[str, Any], public_key: bytes, expected_instance: str | None
) -> None:
    """Check that `checkpoint` is signed by `public_key` and, when given, names
    `expected_instance`; raises ChainBroken("bad_signature") when not."""
    if expected_instance is not None and checkpoint.get("instance") != expected_instance:
        raise ChainBroken(
            "bad_signature",
            f"The checkpoint names {checkpoint.get('instance')!r}, not {expected_instance!r}.",
        )
    if checkpoint.get("key_id") != key_id(public_key):
        raise ChainBroken("bad_signature", "The checkpoint was signed with another key.")
    try:
        message = checkpoint_message(
            instance=checkpoint["instance"],
            position=checkpoint["position"],
            entry_hash=checkpoint["entry_hash"],
            at=checkpoint["at"],
        )
        signature = _unbase64url(checkpoint["signature"])
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise ChainBroken("bad_signature", f"The checkpoint is malformed: {error}.") from error
    if not verify(public_key, message, signature):
        raise ChainBroken("bad_signature", "The checkpoint's signature does not verify.")


def verify_head(checkpoint: Mapping[str, Any], entry_hash_at_checkpoint: str) -> None:
    """Check that the verified chain's entry at the checkpoint's position, whose hash is
    `entry_hash_at_checkpoint`, is the head the checkpoint signed."""
    if checkpoint.get("entry_hash") != entry_hash_at_checkpoint:
        raise ChainBroken(
            "checkpoint_mismatch",
            f"The head signed at position {checkpoint.get('position')} is not the chain's.",
            position=checkpoint.get("position"),
        )


def _unbase64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
