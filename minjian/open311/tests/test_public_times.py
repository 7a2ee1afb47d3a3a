"""Open311 gives when a request became public, to the minute, and selects on that:
never when it was sent, which would tell a moderated report from a trusted one
(minjian/cases/times.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.tests.moments import PublishedTogether, published_together
from minjian.open311.tests.conftest import as_json
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def together(regions: dict[str, Region], staff: User) -> PublishedTogether:
    return published_together(regions["340321"], staff)


def w3(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def found(client: Client, start: datetime, end: datetime) -> set[int]:
    status, answer = as_json(client, "requests", start_date=w3(start), end_date=w3(end))
    assert status == 200, answer
    return {request["service_request_id"] for request in answer}


def test_requested_datetime_is_the_minute_of_publication_for_both_cases(
    client: Client, together: PublishedTogether
) -> None:
    minute = together.published_at.replace(second=0, microsecond=0)
    for case in (together.anonymous, together.trusted):
        _status, [request] = as_json(client, f"requests/{case.pk}")
        assert request["requested_datetime"] == minute.isoformat()
        assert request["updated_datetime"] == minute.isoformat()


def test_dates_select_on_the_minute_of_publication_not_on_the_sending(
    client: Client, together: PublishedTogether
) -> None:
    both = {together.anonymous.pk, together.trusted.pk}
    hour = timedelta(hours=1)
    assert found(client, together.sent_at - hour, together.sent_at + hour) == set()
    assert found(client, together.published_at - hour, together.published_at + hour) == both
    # Bounds inside the minute cannot find out the second: the answer is the same.
    minute = together.published_at.replace(second=0, microsecond=0)
    assert found(client, minute + timedelta(seconds=59), minute + timedelta(seconds=59)) == both
    assert found(client, minute, minute) == both
    assert found(client, minute - hour, minute - timedelta(seconds=1)) == set()
