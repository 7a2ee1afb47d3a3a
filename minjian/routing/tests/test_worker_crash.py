"""Routing and its mail on the production path: the real Redis queue and real
`run_worker` processes (the PostgreSQL + Redis run; skipped on SQLite). A worker
killed in the middle of routing leaves the job to the next worker, and each inbox
row, routed event and mail exists exactly once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.jobs.tests.live_worker import LiveWorkers, wait_until
from minjian.notify.tests.mailbox import Inbox, subject
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.models import InboxItem
from minjian.routing.tests.helpers import subscribed

# Workers read what the test committed; the topics the migrations wrote come back
# after each test's flush.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
MEMBER_ADDRESS = "lin@green-huai.example.org"


def _workers_mail_to(live_worker: LiveWorkers, smtp_settings: Any) -> None:
    live_worker.environ["MINJIAN_SMTP_HOST"] = smtp_settings.EMAIL_HOST
    live_worker.environ["MINJIAN_SMTP_PORT"] = str(smtp_settings.EMAIL_PORT)
    live_worker.environ["MINJIAN_SITE_URL"] = smtp_settings.MINJIAN_SITE_URL


def _ngo_with_member(regions: dict[str, Region]) -> Organisation:
    member = make_user("lin", email=MEMBER_ADDRESS)
    return subscribed(
        "green-huai", topic="environment", region=regions["340000"], members=(member,)
    )


def _routed(case: Case, organisation: Organisation) -> tuple[int, int]:
    inbox_rows = InboxItem.objects.filter(case=case, organisation=organisation).count()
    events = CaseEvent.objects.filter(
        case=case, organisation=organisation, kind=CaseEvent.Kind.ROUTED
    ).count()
    return inbox_rows, events


def test_a_worker_routes_a_published_case_and_mails_the_member(
    live_worker: LiveWorkers, smtp: Inbox, settings: Any, regions: dict[str, Region]
) -> None:
    _workers_mail_to(live_worker, settings)
    organisation = _ngo_with_member(regions)
    live_worker.start()

    case = make_case(regions["340321"], title="淮河边的造纸厂夜里排污")

    wait_until(lambda: bool(smtp.to(MEMBER_ADDRESS)), "the worker to route and mail the case")
    assert _routed(case, organisation) == (1, 1)
    (message,) = smtp.to(MEMBER_ADDRESS)
    assert "淮河边的造纸厂夜里排污" in subject(message)


def test_a_routing_job_whose_worker_dies_is_retried_and_delivers_once(
    live_worker: LiveWorkers,
    smtp: Inbox,
    settings: Any,
    regions: dict[str, Region],
    tmp_path: Path,
) -> None:
    _workers_mail_to(live_worker, settings)
    live_worker.environ["MINJIAN_TEST_PAUSE_DIR"] = str(tmp_path)
    organisation = _ngo_with_member(regions)
    pausing = ("minjian.routing.tests.pause_in_worker",)
    first = live_worker.start(import_modules=pausing)

    case = make_case(regions["340321"])
    wait_until(lambda: any(tmp_path.glob("paused-*")), "the routing job to reach its pause")
    live_worker.kill(first)
    assert _routed(case, organisation) == (0, 0)
    assert not smtp.messages

    (tmp_path / "go-on").touch()
    live_worker.start(import_modules=pausing)
    wait_until(lambda: bool(smtp.to(MEMBER_ADDRESS)), "another worker to route the case again")
    # Long enough for a duplicate delivery of the routing job or the mail to show.
    time.sleep(3)
    assert _routed(case, organisation) == (1, 1)
    assert len(smtp.to(MEMBER_ADDRESS)) == 1
