"""The Redis backend's relay: the worker processes move committed jobs from the database
outbox to the Redis queue, many at a time.

A request that defers a job only writes its `PendingJob` row, in the transaction of the
work that asked for it (`backends.RedisBackend`): no message to Redis and no second
transaction to delete the row after the commit, which were a third of a report's
statements. A thread of every `run_worker` process takes the rows no one has taken, in
a transaction that locks them (others skip them), sends each to Redis and deletes them
all in one statement. A relay that dies between its sends and its commit leaves the rows
to be sent again: a job then runs twice, which every job allows. While Redis cannot be
reached the rows it failed to send are made due at once, and the same processes' database
thread (`pending.runner`) runs them from the database, as it runs any row the relay has
not sent within `backends.SEND_GRACE`.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from minjian.jobs import redis_queue
from minjian.jobs.models import PendingJob
from minjian.jobs.pending import QueueThread

logger = logging.getLogger(__name__)

# Rows sent in one transaction; an outbox with more is relayed again at once.
RELAY_BATCH = 500
# How often an idle relay looks for new rows: what a job waits, at most, before a
# worker can take it.
RELAY_POLL_SECONDS = 0.2


def relay_outbox(limit: int = RELAY_BATCH) -> int:
    """Send up to `limit` committed, untaken, never-run outbox rows to Redis and delete
    them; how many were sent."""
    taken: list[int] = []
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The deletion need not wait for the disk: a row that comes back after a
                # crash of the database is sent again (a job may run twice).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            rows = list(
                PendingJob.objects.select_for_update(skip_locked=True)
                .filter(status=PendingJob.Status.PENDING, attempts=0, taken_until__isnull=True)
                .order_by("pk")
                .values_list("pk", "name", "args", "kwargs")[:limit]
            )
            taken = [pk for pk, _name, _args, _kwargs in rows]
            for _pk, name, args, kwargs in rows:
                redis_queue.send(name, args, kwargs)
            # `_raw_delete`: a job row has no related rows to collect nor signals to send.
            PendingJob.objects.filter(pk__in=taken)._raw_delete(PendingJob.objects.db)
    except RedisError:
        logger.warning("Redis unreachable: %d jobs left in the database queue.", len(taken))
        PendingJob.objects.filter(pk__in=taken).update(run_after=timezone.now())
        return 0
    return len(taken)


relay = QueueThread(relay_outbox, name="minjian-jobs-relay", poll_seconds=RELAY_POLL_SECONDS)
