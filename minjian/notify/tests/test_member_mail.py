"""Members of an organisation hear of cases routed to it: at once, in a daily digest, or never."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from minjian.accounts.tests.factories import make_user
from minjian.cases.tests.factories import make_case
from minjian.notify import jobs
from minjian.notify.models import MailDelivery, MemberPreference
from minjian.notify.tests.mailbox import (
    Inbox,
    html_body,
    readable,
    route,
    subject,
    text_body,
    unsubscribe_path,
)
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(regions: Any) -> dict[str, Any]:
    immediate = make_user("immediate-member", email="now@example.org")
    daily = make_user("daily-member", email="daily@example.org")
    silent = make_user("silent-member", email="silent@example.org")
    no_address = make_user("no-address-member", email="")
    organisation = make_organisation(
        "green-huai-river", members=[immediate, daily, silent, no_address], verified=True
    )
    MemberPreference.objects.create(
        user=daily, organisation=organisation, frequency=MemberPreference.Frequency.DAILY
    )
    MemberPreference.objects.create(
        user=silent, organisation=organisation, frequency=MemberPreference.Frequency.NONE
    )
    reporter = make_user("reporter-person", email="reporter@example.org")
    case = make_case(regions["340321"], reporter=reporter, title="造纸厂向淮河排污")
    return {"organisation": organisation, "case": case, "daily": daily}


def test_an_immediate_member_gets_one_mail_when_a_case_is_routed(
    smtp: Inbox, setting: dict[str, Any], committed: Any
) -> None:
    with committed():
        route(setting["case"], setting["organisation"])

    assert [recipients for recipients, _message in smtp.messages] == [["now@example.org"]]
    (message,) = smtp.to("now@example.org")
    # No language chosen yet: the site's default, Chinese.
    assert subject(message) == "淮河卫士有新案例：造纸厂向淮河排污"
    case_url = f"https://minjian.example.org/cases/{setting['case'].pk}/"
    assert case_url in text_body(message)
    assert f'href="{case_url}"' in html_body(message)
    assert "reporter-person" not in readable(message)
    path = unsubscribe_path(message)
    assert f"https://minjian.example.org{path}" in text_body(message)


def test_a_member_gets_mail_in_the_language_she_chose_her_preference_in(
    smtp: Inbox, setting: dict[str, Any], committed: Any, client: Any
) -> None:
    client.force_login(setting["daily"])
    client.post(
        "/notify/preferences/",
        {"organisation": setting["organisation"].pk, "frequency": "immediate"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    with committed():
        route(setting["case"], setting["organisation"])

    (message,) = smtp.to("daily@example.org")
    assert subject(message).startswith("New case for Huai River Guardians: ")
    assert "A new case reached the inbox of Huai River Guardians" in text_body(message)


def test_the_routed_job_run_twice_sends_each_mail_once(
    smtp: Inbox, setting: dict[str, Any], committed: Any
) -> None:
    with committed():
        event = route(setting["case"], setting["organisation"])
    jobs.mail_routed_case_to_members(event.pk)
    jobs.mail_routed_case_to_members(event.pk)

    assert len(smtp.to("now@example.org")) == 1
    assert MailDelivery.objects.filter(dedupe_key=f"routed:{event.pk}").count() == 1


def test_a_mail_the_server_refused_is_sent_when_the_job_is_retried(
    smtp: Inbox, setting: dict[str, Any], committed: Any
) -> None:
    smtp.refusing = True
    with pytest.raises(smtplib.SMTPDataError), committed():
        event = route(setting["case"], setting["organisation"])
    assert not MailDelivery.objects.exists(), "no claim is left by a mail not sent"

    smtp.refusing = False
    jobs.mail_routed_case_to_members(event.pk)
    assert len(smtp.to("now@example.org")) == 1


def test_a_daily_member_gets_nothing_at_once_and_one_digest(
    smtp: Inbox, setting: dict[str, Any], committed: Any, regions: Any
) -> None:
    second = make_case(regions["340321"], title="河边垃圾堆积")
    with committed():
        route(setting["case"], setting["organisation"])
        route(second, setting["organisation"])
    assert smtp.to("daily@example.org") == []

    today = timezone.localdate().isoformat()
    call_command("send_digests", date=today)
    call_command("send_digests", date=today)

    (digest,) = smtp.to("daily@example.org")
    assert subject(digest) == f"淮河卫士：{today} 有 2 个新案例"
    body = text_body(digest)
    assert "造纸厂向淮河排污" in body and "河边垃圾堆积" in body
    unsubscribe_path(digest)
    # The digest goes to daily members only; nobody else got one.
    assert len(smtp.to("now@example.org")) == 2
    assert smtp.to("silent@example.org") == []


def test_no_digest_for_a_day_without_cases(smtp: Inbox, setting: dict[str, Any]) -> None:
    call_command("send_digests", date="2020-01-01")
    assert smtp.messages == []


def test_members_who_chose_none_or_have_no_address_get_nothing(
    smtp: Inbox, setting: dict[str, Any], committed: Any
) -> None:
    with committed():
        route(setting["case"], setting["organisation"])
    recipients = {address for addresses, _message in smtp.messages for address in addresses}
    assert recipients == {"now@example.org"}


def test_a_hidden_case_is_not_mailed(
    smtp: Inbox, setting: dict[str, Any], committed: Any, staff: Any
) -> None:
    from minjian.cases.services import case_hide

    # Without `committed()` the deferred job does not run: the worker is late.
    event = route(setting["case"], setting["organisation"])
    case_hide(actor=staff, case_id=setting["case"].pk, reason="spam")
    jobs.mail_routed_case_to_members(event.pk)
    assert smtp.messages == []
