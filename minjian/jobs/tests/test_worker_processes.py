"""Jobs through the real Redis queue to real `manage.py run_worker` processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from minjian.jobs import deferred_together
from minjian.jobs.models import JobDone, PendingJob
from minjian.jobs.tests import jobs_for_tests
from minjian.jobs.tests.jobs_for_tests import log_lines
from minjian.jobs.tests.live_worker import LiveWorkers, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_a_job_deferred_in_a_committed_transaction_runs_in_a_worker(
    live_worker: LiveWorkers,
) -> None:
    live_worker.start()
    with transaction.atomic():
        jobs_for_tests.record.defer("committed")
        # Not sent before the commit: a worker cannot see uncommitted data.
        assert not jobs_for_tests.done("committed")

    wait_until(lambda: jobs_for_tests.done("committed"), "the worker to run the job")
    # The worker's relay sent it to Redis and deleted its row.
    wait_until(lambda: not PendingJob.objects.exists(), "the row to leave the outbox", 10)


def test_jobs_deferred_together_run_in_a_worker_as_one_message(
    live_worker: LiveWorkers,
) -> None:
    live_worker.start()
    with transaction.atomic():
        with deferred_together():
            jobs_for_tests.record.defer("first of two")
            jobs_for_tests.record.defer("second of two")
        # One row of the outbox for both, for the relay to send once committed.
        assert PendingJob.objects.count() == 1

    wait_until(
        lambda: jobs_for_tests.done("first of two") and jobs_for_tests.done("second of two"),
        "the worker to run both jobs",
    )


def test_a_job_deferred_in_a_rolled_back_transaction_never_runs(
    live_worker: LiveWorkers,
) -> None:
    live_worker.start(threads=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs_for_tests.record.defer("rolled-back")
        raise RuntimeError("the request failed")
    # Deferred after the rolled-back one, run by the same single thread.
    jobs_for_tests.record.defer("after")

    wait_until(lambda: jobs_for_tests.done("after"), "the worker to run the later job")
    assert not jobs_for_tests.done("rolled-back")


@pytest.mark.parametrize("pause", ["before_commit", "after_commit"])
def test_a_job_whose_worker_is_killed_runs_again_and_takes_effect_once(
    live_worker: LiveWorkers, tmp_path: Path, pause: str
) -> None:
    log_file, go_on_file = tmp_path / "job.log", tmp_path / "go-on"
    first = live_worker.start()
    jobs_for_tests.record_with_pause.defer("effect", str(log_file), str(go_on_file), pause)
    wait_until(lambda: "paused" in log_lines(log_file), "the job to start")

    live_worker.kill(first)
    # Killed before its transaction committed, the job left nothing; after, its effect.
    assert jobs_for_tests.done("effect") == (pause == "after_commit")

    go_on_file.touch()
    live_worker.start()
    wait_until(lambda: "end" in log_lines(log_file), "another worker to run the job again")
    assert log_lines(log_file) == ["start", "paused", "start", "paused", "end"]
    assert JobDone.objects.filter(key="effect").count() == 1


def test_a_worker_stopped_with_sigterm_finishes_its_job_which_does_not_run_again(
    live_worker: LiveWorkers, tmp_path: Path
) -> None:
    log_file, go_on_file = tmp_path / "job.log", tmp_path / "go-on"
    first = live_worker.start()
    jobs_for_tests.record_with_pause.defer(
        "stopped", str(log_file), str(go_on_file), "after_commit"
    )
    wait_until(lambda: "paused" in log_lines(log_file), "the job to start")

    first.terminate()
    time.sleep(1)  # the worker is stopping while its job waits
    go_on_file.touch()
    assert first.wait(30) == 0

    assert log_lines(log_file) == ["start", "paused", "end"]
    live_worker.start(threads=1)
    jobs_for_tests.record.defer("later")
    wait_until(lambda: jobs_for_tests.done("later"), "the next worker to run a later job")
    assert log_lines(log_file) == ["start", "paused", "end"]


def test_a_failing_job_is_retried_with_growing_waits(
    live_worker: LiveWorkers, tmp_path: Path
) -> None:
    """The worker's retries wait 0.2 s, then 0.4 s (each up to twice that, jittered)."""
    log_file = tmp_path / "attempts.log"
    live_worker.start()
    jobs_for_tests.fail_then_record.defer("after-failures", str(log_file), 2)

    wait_until(lambda: jobs_for_tests.done("after-failures"), "the job to succeed")
    times = [float(line) for line in log_lines(log_file)]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.2
    assert times[2] - times[1] >= 0.4


def test_a_job_left_in_the_outbox_while_no_worker_ran_runs_when_one_starts(
    live_worker: LiveWorkers,
) -> None:
    PendingJob.objects.create(
        name=jobs_for_tests.record.name, args=["never-sent"], run_after=timezone.now()
    )

    live_worker.start()

    wait_until(lambda: jobs_for_tests.done("never-sent"), "the worker to run it")
    wait_until(lambda: not PendingJob.objects.exists(), "the row to leave the queue", 10)
