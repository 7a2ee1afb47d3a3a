"""Members choose, per organisation, how often they hear of new cases."""

from __future__ import annotations

import pytest
from django.test import Client

from minjian.accounts.tests.factories import make_user
from minjian.notify.models import MemberPreference, NotificationEvent
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_the_page_needs_an_account(client: Client) -> None:
    response = client.get("/notify/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_switches_one_organisation_to_the_daily_digest(client: Client) -> None:
    member = make_user("member", email="member@example.org")
    river = make_organisation("green-huai-river", members=[member])
    make_organisation("clean-air", name_zh="蓝天", name_en="Blue Sky", members=[member])
    client.force_login(member)

    page = client.get("/notify/preferences/").content.decode()
    assert "淮河卫士" in page and "蓝天" in page

    response = client.post("/notify/preferences/", {"organisation": river.pk, "frequency": "daily"})
    assert response.status_code == 302
    preference = MemberPreference.objects.get()
    assert (preference.organisation, preference.frequency) == (river, "daily")
    assert preference.language == "zh-hans"
    event = NotificationEvent.objects.get()
    assert event.actor == member and event.payload["frequency"] == {
        "from": "immediate",
        "to": "daily",
    }


def test_nobody_sets_the_mail_of_an_organisation_she_is_not_in(client: Client) -> None:
    outsider = make_user("outsider", email="outsider@example.org")
    river = make_organisation("green-huai-river")
    client.force_login(outsider)
    response = client.post("/notify/preferences/", {"organisation": river.pk, "frequency": "none"})
    assert response.status_code == 403
    assert not MemberPreference.objects.exists()


def test_an_unknown_choice_is_refused(client: Client) -> None:
    member = make_user("member")
    river = make_organisation("green-huai-river", members=[member])
    client.force_login(member)
    response = client.post(
        "/notify/preferences/", {"organisation": river.pk, "frequency": "hourly"}
    )
    assert response.status_code == 400
    assert not MemberPreference.objects.exists()


def test_a_member_without_an_address_is_told_that_no_mail_comes(client: Client) -> None:
    member = make_user("member", email="")
    make_organisation("green-huai-river", members=[member])
    client.force_login(member)
    page = client.get("/notify/preferences/").content.decode()
    assert 'href="/accounts/"' in page


@pytest.mark.parametrize("organisation", ["99999999999999999999", "²", "", "river"])
def test_an_organisation_that_cannot_be_one_is_refused_without_an_error(
    client: Client, organisation: str
) -> None:
    member = make_user("member")
    make_organisation("green-huai-river", members=[member])
    client.force_login(member)
    response = client.post(
        "/notify/preferences/", {"organisation": organisation, "frequency": "none"}
    )
    assert response.status_code == 400
    assert not MemberPreference.objects.exists()
