"""Every mail unsubscribes in one click (RFC 8058); opening the link alone changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

from minjian.accounts.tests.factories import make_user
from minjian.cases import services as case_services
from minjian.cases.tests.factories import make_case
from minjian.notify.models import CaseFollower, MemberPreference, NotificationEvent
from minjian.notify.tests.mailbox import Inbox, link, route, text_body, unsubscribe_path
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_setting(regions: Any) -> dict[str, Any]:
    member = make_user("member", email="member@example.org")
    organisation = make_organisation("green-huai-river", members=[member], verified=True)
    return {
        "member": member,
        "organisation": organisation,
        "cases": [make_case(regions["340321"], title=f"案件{n}") for n in range(2)],
    }


def test_a_one_click_post_stops_a_members_mail(
    smtp: Inbox, member_setting: dict[str, Any], committed: Any
) -> None:
    organisation = member_setting["organisation"]
    with committed():
        route(member_setting["cases"][0], organisation)
    (first,) = smtp.to("member@example.org")
    path = unsubscribe_path(first)
    # The mail client's POST: no session, no CSRF token, only the RFC 8058 body.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    preference = MemberPreference.objects.get(user=member_setting["member"])
    assert preference.frequency == MemberPreference.Frequency.NONE
    event = NotificationEvent.objects.get(kind="preference_changed")
    assert event.organisation == organisation and event.payload["via"] == "unsubscribe"
    with committed():
        route(member_setting["cases"][1], organisation)
    assert len(smtp.to("member@example.org")) == 1


def test_opening_the_link_shows_a_button_and_unsubscribes_nothing(
    smtp: Inbox, member_setting: dict[str, Any], committed: Any, client: Client
) -> None:
    with committed():
        route(member_setting["cases"][0], member_setting["organisation"])
    (message,) = smtp.to("member@example.org")
    # The link in the body is the List-Unsubscribe URL.
    path = link(message, r"/notify/unsubscribe/[^/\s]+/")
    assert path == unsubscribe_path(message)

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post"' in html and "<button" in html
    assert not MemberPreference.objects.exists()

    with committed():
        route(member_setting["cases"][1], member_setting["organisation"])
    assert len(smtp.to("member@example.org")) == 2


def test_a_follower_unsubscribes_in_one_click_and_gets_nothing_more(
    smtp: Inbox, regions: Any, staff: Any, committed: Any
) -> None:
    case = make_case(regions["340321"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        Client().post(f"/notify/follow/{case.pk}/", {"email": "fan@example.org"})
    (confirmation,) = smtp.to("fan@example.org")
    Client().post(link(confirmation, r"/notify/confirm/[^/\s]+/"))
    with committed():
        case_services.case_acknowledge(actor=staff, case_id=case.pk, note="收到")
    update = smtp.to("fan@example.org")[1]
    assert "收到" in text_body(update)

    response = Client(enforce_csrf_checks=True).post(unsubscribe_path(update))
    assert response.status_code == 200
    assert not CaseFollower.objects.exists()
    assert NotificationEvent.objects.filter(kind="follow_ended", case=case).count() == 1
    # A second click is no error.
    assert Client().post(unsubscribe_path(update)).status_code == 200

    with committed():
        case_services.case_resolve(actor=staff, case_id=case.pk, note="")
    assert len(smtp.to("fan@example.org")) == 2


def test_a_link_not_made_here_is_refused(client: Client) -> None:
    response = client.post("/notify/unsubscribe/eyJmb2xsb3dlciI6MX0:forged:signature/")
    assert response.status_code == 404
