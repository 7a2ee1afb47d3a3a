"""Entries and checkpoints as the contract writes them (contract.md): what the API serves
and what the verifier reads."""

from __future__ import annotations

from typing import Any

from minjian.record.canonical import record_time
from minjian.record.models import Checkpoint, Entry


def entry_document(entry: Entry) -> dict[str, Any]:
    return {
        "position": entry.position,
        "subject": entry.subject,
        "kind": entry.kind,
        "at": record_time(entry.at),
        "body": entry.body,
        "content_hash": entry.content_hash,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


def checkpoint_document(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "instance": checkpoint.instance,
        "position": checkpoint.position,
        "entry_hash": checkpoint.entry_hash,
        "at": record_time(checkpoint.at),
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
    }
