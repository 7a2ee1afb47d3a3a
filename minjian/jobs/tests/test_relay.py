"""The Redis backend's relay: a request only writes its job's row; the workers' relay
sends committed rows to the real Redis queue, many at a time, and deletes them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minjian.jobs import deferred_together
from minjian.jobs.backends import SEND_GRACE
from minjian.jobs.models import PendingJob
from minjian.jobs.redis_queue import QUEUE_NAME
from minjian.jobs.relay import relay_outbox
from minjian.jobs.tests import jobs_for_tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_jobs(settings: Any) -> Iterator[redis.Redis]:
    """The Redis backend on a queue of this test's own; its keys removed afterwards."""
    if not settings.MINJIAN_JOBS_REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL (the PostgreSQL + Redis run)")
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_NAMESPACE = f"minjian-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(settings.MINJIAN_JOBS_REDIS_URL)
    yield client
    keys = list(client.scan_iter(match=f"{settings.MINJIAN_JOBS_NAMESPACE}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def queued(client: redis.Redis, namespace: str) -> list[list[Any]]:
    """The jobs in the Redis queue, each as [name, args, kwargs], in the order sent."""
    ids = client.lrange(f"{namespace}:{QUEUE_NAME}", 0, -1)
    messages = client.hmget(f"{namespace}:{QUEUE_NAME}.msgs", ids) if ids else []
    return [json.loads(message or "null")["args"] for message in messages]


@pytest.mark.redis
def test_a_deferred_job_is_a_row_due_after_the_grace_and_nothing_in_redis(
    redis_jobs: redis.Redis, settings: Any
) -> None:
    before = timezone.now()
    with CaptureQueriesContext(connection) as statements, transaction.atomic():
        jobs_for_tests.record.defer("written")

    row = PendingJob.objects.get()
    assert (row.name, row.args) == (jobs_for_tests.record.name, ["written"])
    assert row.run_after >= before + SEND_GRACE
    assert queued(redis_jobs, settings.MINJIAN_JOBS_NAMESPACE) == []
    # The row's insert in the transaction, and no second transaction after it.
    assert sum("jobs_pendingjob" in query["sql"] for query in statements.captured_queries) == 1


@pytest.mark.redis
def test_the_relay_sends_committed_jobs_to_redis_in_order_and_deletes_their_rows(
    redis_jobs: redis.Redis, settings: Any
) -> None:
    with transaction.atomic():
        jobs_for_tests.record.defer("first")
        with deferred_together():
            jobs_for_tests.record.defer("second")
            jobs_for_tests.record.defer("third")

    assert relay_outbox() == 2

    assert not PendingJob.objects.exists()
    sent = queued(redis_jobs, settings.MINJIAN_JOBS_NAMESPACE)
    assert sent[0] == [jobs_for_tests.record.name, ["first"], {}]
    assert [inner[1] for inner in sent[1][1][0]] == [["second"], ["third"]]
    assert relay_outbox() == 0


@pytest.mark.redis
def test_the_relay_sends_a_long_outbox_in_batches(redis_jobs: redis.Redis, settings: Any) -> None:
    PendingJob.objects.bulk_create(
        PendingJob(name=jobs_for_tests.record.name, args=[str(n)], run_after=timezone.now())
        for n in range(7)
    )

    assert [relay_outbox(limit=3) for _ in range(4)] == [3, 3, 1, 0]

    sent = queued(redis_jobs, settings.MINJIAN_JOBS_NAMESPACE)
    assert [args for _name, args, _kwargs in sent] == [[str(n)] for n in range(7)]


@pytest.mark.redis
def test_the_relay_leaves_rows_taken_failed_or_retried_to_the_database_thread(
    redis_jobs: redis.Redis, settings: Any
) -> None:
    now = timezone.now()
    PendingJob.objects.create(
        name=jobs_for_tests.record.name,
        args=["taken"],
        run_after=now,
        taken_until=now + timedelta(minutes=5),
    )
    PendingJob.objects.create(
        name=jobs_for_tests.record.name, args=["retried"], attempts=1, run_after=now
    )
    PendingJob.objects.create(
        name=jobs_for_tests.record.name,
        args=["failed"],
        run_after=now,
        status=PendingJob.Status.FAILED,
    )

    assert relay_outbox() == 0

    assert PendingJob.objects.count() == 3
    assert queued(redis_jobs, settings.MINJIAN_JOBS_NAMESPACE) == []


@pytest.mark.redis
def test_rows_the_relay_cannot_send_stay_due_at_once_for_the_database_thread(
    redis_jobs: redis.Redis, settings: Any
) -> None:
    with transaction.atomic():
        jobs_for_tests.record.defer("kept")
    settings.MINJIAN_JOBS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    assert relay_outbox() == 0

    row = PendingJob.objects.get()
    assert row.args == ["kept"]
    assert row.taken_until is None and row.attempts == 0
    # Due now: the worker processes' database thread runs it without waiting for Redis.
    assert row.run_after <= timezone.now()
