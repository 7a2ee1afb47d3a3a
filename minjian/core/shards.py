"""Rows that many transactions raise at once (the count of every case in a province, the
version of the pages that list cases), kept in several rows each: a shard.

A row raised in a transaction is locked until its commit, and every report of a surge
raises the same few: kept in one row, they queued. In shards, two transactions wait for
each other only when they drew the same shard; readers add the shards up.
"""

from __future__ import annotations

import secrets
import threading

from django.db import transaction

_this_transaction = threading.local()


def transaction_shard(shards: int) -> int:
    """The shard (0 to `shards` - 1) that the current transaction raises of every sharded
    row, drawn once per transaction: a transaction that raises a row several times (a job
    publishing several cases) holds one of its shards, not several, so that it blocks
    fewer transactions and two such transactions cannot each wait for the other."""
    drawn = getattr(_this_transaction, "draw", None)
    if drawn is None:
        drawn = _this_transaction.draw = secrets.randbits(32)
    # Drawn again after the commit (at once outside a transaction). A transaction rolled
    # back leaves its draw to the next one, which is as random.
    transaction.on_commit(_forget_draw)
    return drawn % shards


def _forget_draw() -> None:
    _this_transaction.draw = None
