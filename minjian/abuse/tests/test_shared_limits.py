"""Limits that hold across processes: Minjian under gunicorn with two workers, as `make demo`
and docs/deploy.md run it, and not one shared byte of memory between requests.

gunicorn runs with `--max-requests 1`: every request is served by a worker process that
has never served one before, so whatever a process keeps in its own memory (Django's
local-memory cache, the embedded default's cache) cannot hold a limit. Two senders at
once keep both workers busy, so counts also race. The embedded default counts in the
database (a SQLite file in the SQLite run, PostgreSQL in the other); with Redis as the
cache, in Redis.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import altcha
import pytest
from django.conf import settings

from minjian.abuse.tests.processes import Browser, Gunicorn, embedded_environ, manage
from minjian.abuse.tests.proof import solve

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORT = {
    "title": "村口的桥断了",
    "description": "上周暴雨以后桥面塌了一半，孩子们每天绕行两公里上学。",
    "topic": "public-safety",
    "region": "340321",
}
# Regions to report in, and an account with an API token (printed).
SEED = """
from minjian.accounts import services
from minjian.accounts.tests.factories import make_user
from minjian.places.tests.factories import make_region_tree

make_region_tree()
reporter = make_user("busy-reporter")
print(services.api_token_issue(actor=reporter, user=reporter, name="script")[1])
"""


@dataclass
class Instance:
    server: Gunicorn
    token: str


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def instance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Instance]:
    environ = embedded_environ(tmp_path / "data")
    if request.param == "redis":
        environ["REDIS_URL"] = os.environ["REDIS_URL"]
        # Only the cache in Redis: jobs stay in the database, as no worker runs here.
        environ["MINJIAN_JOBS"] = "in-process"
    token = manage(environ, "shell", "-c", SEED).strip().splitlines()[-1]
    server = Gunicorn(
        environ,
        tmp_path / "gunicorn.log",
        "--workers",
        "2",
        "--max-requests",
        "1",
        "--preload",
    )
    try:
        yield Instance(server=server, token=token)
    finally:
        server.stop()


def test_one_account_files_no_more_reports_than_its_limit_across_worker_processes(
    instance: Instance,
) -> None:
    # The shipped limit: 10 reports an hour per account (MINJIAN_RATE_LIMITS["case_report"]).
    def send(_number: int) -> int:
        answer = Browser(instance.server.url).post(
            "/api/v1/cases", REPORT, headers={"Authorization": f"Bearer {instance.token}"}
        )
        return answer.status

    _clear_of_a_window_edge(settings.MINJIAN_RATE_LIMITS["case_report"][1])
    with ThreadPoolExecutor(max_workers=2) as senders:
        statuses = list(senders.map(send, range(14)))

    assert sorted(statuses) == [201] * 10 + [429] * 4, instance.server.log.read_text()


def _clear_of_a_window_edge(period: int, margin: float = 30.0) -> None:
    """Wait for the next window if this one ends within `margin` seconds: limits count in
    fixed windows of the clock, and a test that crossed one would count in two."""
    into = time.time() % period
    if into > period - margin:
        time.sleep(period - into + 1)


def test_one_solved_proof_of_work_is_accepted_once_across_worker_processes(
    instance: Instance,
) -> None:
    browser = Browser(instance.server.url)
    assert browser.get("/cases/report/").status == 200  # the CSRF cookie
    challenge = altcha.Challenge.from_dict(json.loads(browser.get("/altcha/challenge").text))
    payload = solve(challenge)

    first = browser.post("/cases/report/", {**REPORT, "altcha": payload})
    again = browser.post("/cases/report/", {**REPORT, "altcha": payload})

    # Taken: the browser follows the 303 to the receipt page.
    assert first.status == 200 and "Keep this receipt code" in first.text, first.text
    assert again.status == 400
    assert "This anti-spam check was used already." in again.text
