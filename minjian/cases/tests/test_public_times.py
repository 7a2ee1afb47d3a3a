"""Times that do not identify the reporter (minjian/cases/times.py): the public reads
when a case was published, to the minute, and never when it was sent; a case a
moderator published reads like one published at once. Its reporter and staff
still read the exact times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.services import case_publish, case_request_edit
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.moments import PublishedTogether, published_together
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

TIME = re.compile(r'<time datetime="([^"]*)">([^<]*)</time>')


@pytest.fixture
def together(regions: dict[str, Region], staff: User) -> PublishedTogether:
    return published_together(regions["340321"], staff)


def shown(moment: datetime) -> str:
    """A time as the pages print it (in the site's zone, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def page_times(client: Client, path: str) -> list[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 200
    return TIME.findall(response.text)


def to_the_millisecond(moment: datetime) -> datetime:
    """As the API writes a time: JSON carries milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def api_times(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "created_at": answer["created_at"],
        "published_at": answer["published_at"],
        "timeline": [(entry["kind"], entry["created_at"]) for entry in answer["timeline"]],
    }


def test_the_case_page_shows_the_minute_of_publication_and_not_when_it_was_sent(
    client: Client, together: PublishedTogether
) -> None:
    anonymous = page_times(client, f"/cases/{together.anonymous.pk}/")
    trusted = page_times(client, f"/cases/{together.trusted.pk}/")

    minute = timezone.localtime(together.published_at).replace(second=0, microsecond=0)
    assert anonymous == [(minute.isoformat(), shown(together.published_at))]
    assert trusted == anonymous
    page = client.get(f"/cases/{together.anonymous.pk}/").text
    assert shown(together.sent_at) not in page


def test_lists_show_the_day_of_publication_only(
    client: Client, together: PublishedTogether
) -> None:
    day = timezone.localtime(together.published_at).strftime("%Y-%m-%d")
    for path in ("/", "/cases/"):
        assert set(page_times(client, path)) == {(day, day)}


def test_the_reporter_and_moderators_still_read_when_it_was_sent(
    client: Client, together: PublishedTogether, staff: User
) -> None:
    client.force_login(staff)
    page = client.get(f"/cases/{together.anonymous.pk}/").text
    assert shown(together.sent_at) in page
    reporter = together.trusted.reporter
    assert reporter is not None
    client.force_login(reporter)
    assert together.trusted.created_at.isoformat() in [
        datetime.fromisoformat(value).astimezone(UTC).isoformat()
        for value, _text in page_times(client, f"/cases/{together.trusted.pk}/")
    ]


def test_the_api_gives_the_public_the_same_times_for_both_cases(
    client: Client, together: PublishedTogether
) -> None:
    anonymous = client.get(f"/api/v1/cases/{together.anonymous.pk}").json()
    trusted = client.get(f"/api/v1/cases/{together.trusted.pk}").json()

    minute = together.published_at.replace(second=0, microsecond=0)
    assert api_times(anonymous) == {
        "created_at": None,
        "published_at": minute.isoformat().replace("+00:00", "Z"),
        "timeline": [
            ("submitted", None),
            ("published", minute.isoformat().replace("+00:00", "Z")),
        ],
    }
    assert api_times(trusted) == api_times(anonymous)
    listed = client.get("/api/v1/cases").json()["results"]
    assert {case["published_at"] for case in listed} == {anonymous["published_at"]}


def test_the_api_gives_the_reporter_and_staff_the_exact_times(
    client: Client, together: PublishedTogether, staff: User
) -> None:
    reporter = together.trusted.reporter
    assert reporter is not None
    for user, case in ((reporter, together.trusted), (staff, together.anonymous)):
        _token, raw = api_token_issue(actor=user, user=user, name="times")
        answer = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
        sent = to_the_millisecond(case.created_at)
        assert datetime.fromisoformat(answer["created_at"]) == sent
        assert datetime.fromisoformat(answer["timeline"][0]["created_at"]) == sent
    assert together.anonymous.created_at == together.sent_at


def test_the_moderation_log_gives_no_time_for_a_request_for_an_edit(
    client: Client, regions: dict[str, Region], staff: User, settings: Any
) -> None:
    """A request for an edit always comes before publication: the log names it, and
    the case, without the minute (nor a link to a page under review)."""
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["340321"])
    case_request_edit(actor=staff, case_id=case.pk, note="请删掉电话号码。")
    under_review = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "edit requested by a moderator" in under_review and f"#{case.pk}" in under_review
    assert f'href="/cases/{case.pk}/"' not in under_review
    assert TIME.findall(under_review) == []

    published = case_publish(actor=staff, case_id=case.pk)

    assert published.published_at is not None
    log = page_times(client, "/cases/moderation/log/")
    assert [text for _, text in log] == [shown(published.published_at)]
