"""What every backend shares: after commit, JSON arguments, the choice of backend, once(),
jobs deferred together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction

from minjian.jobs import deferred_together, job, once
from minjian.jobs.models import JobDone, PendingJob
from minjian.jobs.registry import JOBS, jobs_in, run_together
from minjian.jobs.tests import jobs_for_tests

received: list[Any] = []


@job
def keep_arguments(*args: Any, **kwargs: Any) -> None:
    received.append((args, kwargs))


@pytest.fixture(autouse=True)
def _nothing_received() -> None:
    received.clear()


@pytest.mark.django_db
def test_inline_jobs_run_after_commit_with_their_arguments_as_json(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        keep_arguments.defer(7, ("a", "b"), region="340321")
        assert received == []

    assert received == [((7, ["a", "b"]), {"region": "340321"})]


@pytest.mark.django_db
def test_an_argument_json_cannot_carry_is_refused_when_deferring() -> None:
    with pytest.raises(TypeError):
        keep_arguments.defer(object())


def test_a_second_job_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        job(keep_arguments.func)
    assert JOBS[keep_arguments.name] is keep_arguments


def test_an_unknown_backend_is_a_configuration_error(settings: Any) -> None:
    settings.MINJIAN_JOBS_BACKEND = "celery"
    with pytest.raises(ImproperlyConfigured, match="celery"):
        keep_arguments.defer(1)


def test_the_worker_refuses_to_start_without_redis(settings: Any) -> None:
    settings.MINJIAN_JOBS_REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL"):
        call_command("run_worker")


@pytest.mark.django_db
def test_once_says_yes_the_first_time_only() -> None:
    with transaction.atomic():
        assert once("route_case:1")
    with transaction.atomic():
        assert not once("route_case:1")
        assert once("route_case:2")
    assert JobDone.objects.count() == 2


@pytest.mark.django_db
def test_once_rolled_back_with_the_effect_lets_the_retry_do_it() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        assert once("mail:9")
        raise RuntimeError("the effect failed")
    with transaction.atomic():
        assert once("mail:9")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_once_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="atomic"):
        once("route_case:1")
    assert not jobs_for_tests.done("route_case:1")


@pytest.mark.django_db
def test_jobs_deferred_together_run_after_commit_in_the_order_they_were_deferred(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with deferred_together():
            keep_arguments.defer(1)
            keep_arguments.defer(2, region="340321")
        assert received == []

    assert len(callbacks) == 1
    assert received == [((1,), {}), ((2,), {"region": "340321"})]


@pytest.fixture
def redis_backend(settings: Any) -> None:
    """The Redis backend, whose rows stay in the outbox: no worker's relay runs here."""
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_backend")
def test_jobs_deferred_together_are_one_row_of_the_outbox(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True), deferred_together():
        keep_arguments.defer(1)
        with deferred_together():
            keep_arguments.defer(2)

    row = PendingJob.objects.get()
    assert (row.name, row.args) == (
        run_together.name,
        [[[keep_arguments.name, [1], {}], [keep_arguments.name, [2], {}]]],
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_backend")
def test_one_job_deferred_together_goes_alone(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True), deferred_together():
        keep_arguments.defer(1)

    assert list(PendingJob.objects.values_list("name", "args")) == [(keep_arguments.name, [1])]


@pytest.mark.django_db
def test_an_error_inside_defers_none_of_the_jobs_collected(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        deferred_together(),
    ):
        keep_arguments.defer(1)
        raise RuntimeError("the request failed")

    assert callbacks == []
    # And the next job deferred goes alone, as usual.
    with django_capture_on_commit_callbacks(execute=True):
        keep_arguments.defer(2)
    assert received == [((2,), {})]


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_backend")
def test_a_job_failing_in_a_batch_is_deferred_again_alone_and_the_others_run() -> None:
    run_together(
        [
            [jobs_for_tests.always_fail.name, [], {}],
            [jobs_for_tests.record.name, ["after the failure"], {}],
        ]
    )

    assert jobs_for_tests.done("after the failure")
    row = PendingJob.objects.get()
    assert (row.name, row.args, row.status) == (
        jobs_for_tests.always_fail.name,
        [],
        PendingJob.Status.PENDING,
    )


def test_the_jobs_a_batch_stands_for_are_read_from_it() -> None:
    batch = [[keep_arguments.name, [1], {}], [keep_arguments.name, [2], {"region": "340321"}]]

    assert jobs_in(run_together.name, [batch], {}) == [
        (keep_arguments.name, [1], {}),
        (keep_arguments.name, [2], {"region": "340321"}),
    ]
    assert jobs_in(keep_arguments.name, [3], {}) == [(keep_arguments.name, [3], {})]
