"""The embedded default: jobs queued in the database and run by a thread of the process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from config.env import BASE_DIR
from minjian.jobs.models import JobDone, PendingJob
from minjian.jobs.pending import run_due_jobs, runner
from minjian.jobs.tests import jobs_for_tests
from minjian.jobs.tests.live_worker import database_url_of_test_database, wait_until


@pytest.fixture
def in_process_jobs(settings: Any) -> Iterator[None]:
    settings.MINJIAN_JOBS_BACKEND = "in-process"
    jobs_for_tests.release_in_process_job.clear()
    jobs_for_tests.threads_seen.clear()
    yield
    jobs_for_tests.release_in_process_job.set()
    runner.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_runs_after_commit_in_another_thread_while_the_request_goes_on(
    in_process_jobs: None,
) -> None:
    with transaction.atomic():
        jobs_for_tests.record_thread_when_released.defer("off-thread")
        # Queued with the work that asked for it: it commits or vanishes with it.
        assert PendingJob.objects.filter(args=["off-thread"]).exists()

    # The committing thread went on although the job has not finished (it waits for us).
    assert not jobs_for_tests.done("off-thread")
    jobs_for_tests.release_in_process_job.set()

    wait_until(lambda: jobs_for_tests.done("off-thread"), "the job thread to run it", 30)
    assert jobs_for_tests.threads_seen == ["minjian-pending-jobs"]
    assert threading.current_thread().name not in jobs_for_tests.threads_seen
    wait_until(lambda: not PendingJob.objects.exists(), "the done job to leave the queue", 10)


@pytest.mark.django_db
def test_a_job_deferred_in_a_rolled_back_transaction_is_not_queued(in_process_jobs: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs_for_tests.record.defer("rolled-back")
        raise RuntimeError("the request failed")

    assert not PendingJob.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jobs_left_by_a_stopped_process_run_when_the_next_one_starts(
    in_process_jobs: None,
) -> None:
    now = timezone.now()
    # Committed, then the process stopped before its thread ran it.
    PendingJob.objects.create(name=jobs_for_tests.record.name, args=["left"], run_after=now)
    # Taken by a process that died while running it: its lease has run out.
    PendingJob.objects.create(
        name=jobs_for_tests.record.name,
        args=["abandoned"],
        run_after=now,
        taken_until=now - timedelta(seconds=1),
    )
    # Being run by another live process right now: not to be run twice.
    PendingJob.objects.create(
        name=jobs_for_tests.record.name,
        args=["taken"],
        run_after=now,
        taken_until=now + timedelta(minutes=5),
    )

    runner.ensure_started()

    wait_until(
        lambda: jobs_for_tests.done("left") and jobs_for_tests.done("abandoned"),
        "the new process's thread to run what was left",
        30,
    )
    assert not jobs_for_tests.done("taken")
    assert list(PendingJob.objects.values_list("args", flat=True)) == [["taken"]]


@pytest.mark.django_db
def test_a_failing_job_waits_longer_each_time_then_stays_failed(settings: Any) -> None:
    settings.MINJIAN_JOBS_MAX_RETRIES = 2
    settings.MINJIAN_JOBS_MIN_BACKOFF_MS = 1000
    settings.MINJIAN_JOBS_MAX_BACKOFF_MS = 60_000
    pending = PendingJob.objects.create(
        name=jobs_for_tests.always_fail.name, run_after=timezone.now()
    )
    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        assert run_due_jobs() == 1
        pending.refresh_from_db()
        assert pending.attempts == attempt
        assert pending.status == PendingJob.Status.PENDING
        assert "failing on purpose" in pending.last_error
        assert run_due_jobs() == 0  # not due again yet
        waits.append(pending.run_after - before)
        PendingJob.objects.filter(pk=pending.pk).update(run_after=timezone.now())

    # Jittered: the n-th wait lies between min_backoff·2ⁿ⁻¹ and twice that.
    assert timedelta(seconds=1) <= waits[0] <= timedelta(seconds=2.1)
    assert timedelta(seconds=2) <= waits[1] <= timedelta(seconds=4.1)
    assert run_due_jobs() == 1
    pending.refresh_from_db()
    assert pending.status == PendingJob.Status.FAILED
    assert pending.attempts == 3
    assert run_due_jobs() == 0


@pytest.mark.django_db
def test_a_job_of_an_unknown_name_fails_with_a_message_saying_so() -> None:
    PendingJob.objects.create(name="minjian.gone.jobs.removed", run_after=timezone.now())

    run_due_jobs()

    assert "No job named 'minjian.gone.jobs.removed'" in PendingJob.objects.get().last_error
    assert not JobDone.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_process_that_ends_lets_its_job_under_way_finish() -> None:
    """A command (or a web process being restarted) that defers a job and exits at once."""
    code = (
        "import django; django.setup(); "
        "from minjian.jobs.tests.jobs_for_tests import record_slowly; "
        "record_slowly.defer('before-exit', 1.0)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_of_test_database(),
        "MINJIAN_JOBS": "in-process",
    }
    subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, timeout=120, check=True
    )

    assert jobs_for_tests.done("before-exit")
    assert not PendingJob.objects.exists()
