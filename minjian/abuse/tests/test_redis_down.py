"""With Redis down, no report is lost: the web form, the API and Open311 take it, store it,
and leave its background work in the `PendingJob` outbox, run once Redis is back.

The test starts a Redis server of its own, points the cache (rate limits) and the job
queue at it, and kills it. Rate limits then count in the database (minjian/abuse/counters.py)
and jobs stay in the database queue (minjian/jobs/relay.py), each with a warning in the
log and no error page.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altcha
import pytest
from django.test import Client
from django.utils import timezone

from minjian.abuse.tests.processes import RedisServer
from minjian.abuse.tests.proof import solve
from minjian.accounts import services as account_services
from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.core.cache import BACKEND as REDIS_CACHE
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.jobs.models import PendingJob
from minjian.jobs.pending import run_due_jobs
from minjian.jobs.registry import jobs_in
from minjian.jobs.relay import relay_outbox
from minjian.jobs.tests.live_worker import LiveWorkers, wait_until
from minjian.open311.services import open311_key_issue
from minjian.places.models import Region
from minjian.search.models import SearchDocument

# Transactional: jobs are deferred to after a real commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOUR = 3600
REPORT = {
    "title": "村口的桥断了",
    "description": "上周暴雨以后桥面塌了一半，孩子们每天绕行两公里上学。",
    "topic": "public-safety",
    "region": "340321",
}


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_own_redis(settings: Any, redis_server: RedisServer) -> RedisServer:
    """The cache and the job queue on the test's own Redis, as production has them."""
    settings.CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": redis_server.url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_REDIS_URL = redis_server.url
    settings.MINJIAN_JOBS_NAMESPACE = f"test-{uuid.uuid4().hex}"
    return redis_server


def _token(user: User) -> str:
    return account_services.api_token_issue(actor=user, user=user, name="app")[1]


def _solved(client: Client) -> str:
    return solve(altcha.Challenge.from_dict(json.loads(client.get("/altcha/challenge").content)))


def test_with_redis_down_reports_by_form_api_and_open311_are_stored_and_their_jobs_wait(
    on_own_redis: RedisServer, regions: dict[str, Region], user: User, caplog: Any
) -> None:
    token = _token(user)
    _key, api_key = open311_key_issue(name="civic-app")
    web = Client()
    proof = _solved(web)
    on_own_redis.stop()

    with caplog.at_level(logging.WARNING):
        by_form = web.post("/cases/report/", {**REPORT, "altcha": proof})
        by_api = OpenAPICheckingClient().post(
            "/api/v1/cases", REPORT, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        by_open311 = Client().post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": "public-safety",
                "description": REPORT["description"],
                "attribute[region]": REPORT["region"],
            },
        )

    assert (by_form.status_code, by_api.status_code, by_open311.status_code) == (303, 201, 201)
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == 3
    assert all(case.state == Case.State.PUBLISHED for case in cases)
    # Their background work (routing, the search index) waits in the database outbox.
    waiting = list(PendingJob.objects.all())
    indexing = [
        args
        for job in waiting
        for name, args, _kwargs in jobs_in(job.name, job.args, job.kwargs)
        if name == "minjian.search.jobs.reindex_case"
    ]
    assert sorted(args[0] for args in indexing) == [case.pk for case in cases]
    assert not SearchDocument.objects.exists()
    # A worker's relay cannot send it to Redis: it is made due at once, for the workers'
    # database thread to run.
    with caplog.at_level(logging.WARNING):
        assert relay_outbox() == 0
    assert all(job.run_after <= timezone.now() for job in PendingJob.objects.all())
    # Warnings, no error.
    warned = {record.name for record in caplog.records if record.levelno == logging.WARNING}
    assert {"minjian.abuse.counters", "minjian.jobs.relay"} <= warned
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []

    on_own_redis.start()
    while run_due_jobs():
        pass

    assert not PendingJob.objects.exists()
    assert set(SearchDocument.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}


def test_with_redis_down_rate_limits_still_hold_in_the_database(
    on_own_redis: RedisServer, regions: dict[str, Region], user: User, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "case_report": (2, HOUR)}
    token = _token(user)
    on_own_redis.stop()

    statuses = [
        OpenAPICheckingClient()
        .post("/api/v1/cases", REPORT, HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
        for _ in range(3)
    ]

    assert statuses == [201, 201, 429]
    assert Case.objects.count() == 2


def test_with_redis_down_a_proof_of_work_is_still_taken_once(
    on_own_redis: RedisServer, regions: dict[str, Region]
) -> None:
    web = Client()
    proof = _solved(web)
    on_own_redis.stop()

    first = web.post("/cases/report/", {**REPORT, "altcha": proof}, HTTP_ACCEPT_LANGUAGE="en")
    again = web.post("/cases/report/", {**REPORT, "altcha": proof}, HTTP_ACCEPT_LANGUAGE="en")

    assert (first.status_code, again.status_code) == (303, 400)
    assert "This anti-spam check was used already." in again.content.decode()


@pytest.mark.postgres
def test_a_worker_empties_the_outbox_while_redis_is_down_and_takes_the_queue_once_it_is_back(
    on_own_redis: RedisServer, live_worker: LiveWorkers, regions: dict[str, Region], user: User
) -> None:
    live_worker.start()
    token = _token(user)
    on_own_redis.stop()

    during = OpenAPICheckingClient().post(
        "/api/v1/cases", REPORT, HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert during.status_code == 201
    case_id = during.json()["id"]
    # The worker's database thread runs what never reached Redis.
    wait_until(
        lambda: SearchDocument.objects.filter(case_id=case_id).exists(),
        "the worker to run the waiting job",
    )
    wait_until(lambda: not PendingJob.objects.exists(), "the outbox to empty")

    on_own_redis.start()
    after = OpenAPICheckingClient().post(
        "/api/v1/cases", REPORT, HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert after.status_code == 201
    # Relayed through Redis this time: nothing is left in the database.
    wait_until(lambda: not PendingJob.objects.exists(), "the relay to empty the outbox")
    wait_until(
        lambda: SearchDocument.objects.filter(case_id=after.json()["id"]).exists(),
        "the worker to take the job from Redis",
    )
