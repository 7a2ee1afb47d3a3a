"""What abuse control keeps in the database: counters and waits under keyed hashes, used proofs.

The database is the store every process of an instance shares. The embedded default has
no Redis, and its gunicorn workers do not share memory: a limit kept in each worker's
memory is a limit per worker, and a proof of work remembered by one worker can be sent
again to another. With Redis the counters live there, and here only while Redis cannot
be reached (minjian/abuse/counters.py).

Rows name nobody: a counter's key is a keyed hash that changes every window
(minjian/abuse/ratelimit.py), and a used proof is the signature of a challenge this
server made. Rows are deleted once they have expired.
"""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """A rate-limit counter, or a wait (`count` 0), valid until `expires_at`.

    `expires_at` is a Unix time in seconds: compared as a number, the same on every
    database. A row past it counts as absent and is swept away later.
    """

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        # Named here because minjian/abuse/counters.py writes to it in SQL of its own.
        db_table = "abuse_counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.expires_at}"


class UsedProof(models.Model):
    """The signature of a solved proof-of-work challenge: unique, so a solution is taken once
    whichever process checks it. Kept until the challenge would have expired anyway."""

    # A SHA-256 of the signature: the same length whatever a client sends.
    signature = models.CharField(max_length=64, unique=True)
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.signature
