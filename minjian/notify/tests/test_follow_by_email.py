"""Anyone follows a case by e-mail, with double opt-in, and gets its public updates."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client, TestCase

from minjian.accounts.tests.factories import make_user
from minjian.cases import services as case_services
from minjian.cases.models import CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.notify import jobs, tokens
from minjian.notify.models import CaseFollower, NotificationEvent
from minjian.notify.tests.mailbox import (
    Inbox,
    link,
    readable,
    subject,
    text_body,
    unsubscribe_path,
)
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

CONFIRM_LINK = r"/notify/confirm/[^/\s]+/"


@pytest.fixture
def case(regions: Any) -> Any:
    reporter = make_user("reporter-person", email="reporter@example.org")
    return make_case(regions["340321"], reporter=reporter, title="造纸厂向淮河排污")


def ask_to_follow(client: Client, case: Any, address: str, language: str = "zh-hans") -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"/notify/follow/{case.pk}/", {"email": address}, HTTP_ACCEPT_LANGUAGE=language
        )


def without_csrf_tokens(page: bytes) -> bytes:
    """The page without its CSRF tokens, which are masked differently on every page."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def confirmed_follower(client: Client, smtp: Inbox, case: Any, address: str, **kw: Any) -> Any:
    ask_to_follow(client, case, address, **kw)
    (confirmation,) = smtp.to(address)
    response = client.post(link(confirmation, CONFIRM_LINK))
    assert response.status_code == 200
    smtp.clear()
    return CaseFollower.objects.get(email=address)


def test_the_case_page_leads_an_anonymous_reader_to_the_follow_form(
    client: Client, case: Any
) -> None:
    # The case page she reads is the one every anonymous reader gets: no form of hers.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/notify/follow/{case.pk}/"' in page
    form = client.get(f"/notify/follow/{case.pk}/").content.decode()
    assert f'action="/notify/follow/{case.pk}/"' in form
    assert 'name="email"' in form


def test_the_case_page_offers_a_signed_in_reader_the_follow_form(
    client: Client, case: Any, staff: Any
) -> None:
    client.force_login(staff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/notify/follow/{case.pk}/"' in page
    assert 'name="email"' in page


def test_following_sends_only_a_confirmation_until_it_is_confirmed(
    client: Client, smtp: Inbox, case: Any, staff: Any, committed: Any
) -> None:
    response = ask_to_follow(client, case, "Fan@Example.org")
    assert response.status_code == 200
    assert "请查收邮件" in response.content.decode()
    (confirmation,) = smtp.to("Fan@example.org")
    assert subject(confirmation) == f"请确认你要关注案例 #{case.pk}"
    unsubscribe_path(confirmation)

    with committed():
        case_services.case_acknowledge(actor=staff, case_id=case.pk, note="已转交环保局")
    assert len(smtp.messages) == 1, "nothing but the confirmation before confirming"

    confirm_path = link(confirmation, CONFIRM_LINK)
    # Opening the link (as a mail scanner does) shows a button and confirms nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert CaseFollower.objects.get().confirmed_at is None

    assert client.post(confirm_path).status_code == 200
    assert CaseFollower.objects.get().confirmed_at is not None
    # The link works once.
    used = client.post(confirm_path)
    assert used.status_code == 409
    assert NotificationEvent.objects.filter(kind="follow_confirmed").count() == 1

    with committed():
        case_services.case_start_progress(actor=staff, case_id=case.pk, note="环保局已到现场")
    (update,) = smtp.to("Fan@example.org")[1:]
    assert subject(update) == f"案例 #{case.pk}：开始处理"
    assert "环保局已到现场" in text_body(update)
    assert "reporter-person" not in readable(update)


def test_an_expired_confirmation_link_is_refused(
    client: Client, smtp: Inbox, case: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask_to_follow(client, case, "late@example.org")
    follower = CaseFollower.objects.get()
    eight_days_ago = time.time() - 8 * 24 * 3600
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: eight_days_ago)
        old_token = tokens.confirmation_token(follower)

    response = client.post(f"/notify/confirm/{old_token}/")
    assert response.status_code == 410
    assert CaseFollower.objects.get().confirmed_at is None


def test_asking_again_makes_the_older_link_useless(client: Client, smtp: Inbox, case: Any) -> None:
    ask_to_follow(client, case, "twice@example.org")
    ask_to_follow(client, case, "twice@example.org")
    first, second = smtp.to("twice@example.org")
    assert client.post(link(first, CONFIRM_LINK)).status_code == 404
    assert client.post(link(second, CONFIRM_LINK)).status_code == 200


def test_the_answer_does_not_tell_whether_an_address_follows(
    client: Client, smtp: Inbox, case: Any
) -> None:
    confirmed_follower(client, smtp, case, "known@example.org")
    already = ask_to_follow(client, case, "known@example.org")
    new = ask_to_follow(client, case, "unknown@example.org")
    assert already.status_code == new.status_code == 200
    assert without_csrf_tokens(already.content) == without_csrf_tokens(new.content)
    # The address that follows already is not mailed again.
    assert smtp.to("known@example.org") == []


def test_a_follower_gets_mail_in_the_language_she_followed_in(
    client: Client, smtp: Inbox, case: Any, staff: Any, committed: Any
) -> None:
    ask_to_follow(client, case, "reader@example.org", language="en")
    (confirmation,) = smtp.to("reader@example.org")
    assert subject(confirmation) == f"Confirm that you want to follow case #{case.pk}"
    assert "Someone, perhaps you, asked to receive news" in text_body(confirmation)
    client.post(link(confirmation, CONFIRM_LINK))
    with committed():
        case_services.case_resolve(actor=staff, case_id=case.pk, note="")
    (update,) = smtp.to("reader@example.org")[1:]
    assert subject(update) == f"Case #{case.pk}: resolved"


def test_followers_get_no_internal_note_and_no_held_text_until_it_is_released(
    client: Client, smtp: Inbox, case: Any, staff: Any, committed: Any
) -> None:
    confirmed_follower(client, smtp, case, "fan@example.org")
    member = make_user("river-volunteer")
    organisation = make_organisation("green-huai-river", members=[member], verified=True)
    with committed():
        case_services.case_add_internal_note(
            actor=member, organisation=organisation, case_id=case.pk, note="内部讨论"
        )
        case_services.case_add_by_reporter(
            case=case, actor=case.reporter, text="厂长电话 13812345678"
        )
    assert smtp.messages == []

    held = CaseEvent.objects.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert held.payload.get("held") is True
    with committed():
        case_services.case_release_note(actor=staff, event_id=held.pk)
    (update,) = smtp.to("fan@example.org")
    assert subject(update) == f"案例 #{case.pk}：报告人补充"
    body = text_body(update)
    assert "厂长电话" in body and "13812345678" not in body


def test_the_update_job_run_twice_sends_once(
    client: Client, smtp: Inbox, case: Any, staff: Any, committed: Any
) -> None:
    confirmed_follower(client, smtp, case, "fan@example.org")
    with committed():
        case_services.case_acknowledge(actor=staff, case_id=case.pk, note="")
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.ACKNOWLEDGED)
    jobs.mail_update_to_followers(event.pk)
    assert len(smtp.to("fan@example.org")) == 1


def test_nothing_is_mailed_about_a_case_hidden_before_the_job_ran(
    client: Client, smtp: Inbox, case: Any, staff: Any
) -> None:
    confirmed_follower(client, smtp, case, "fan@example.org")
    # Without `committed()` the deferred job does not run: the worker is late.
    case_services.case_acknowledge(actor=staff, case_id=case.pk, note="")
    case_services.case_hide(actor=staff, case_id=case.pk, reason="spam")
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.ACKNOWLEDGED)
    jobs.mail_update_to_followers(event.pk)
    assert smtp.messages == []


def test_a_bad_address_is_shown_next_to_the_field(client: Client, smtp: Inbox, case: Any) -> None:
    response = ask_to_follow(client, case, "not an address")
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert smtp.messages == []


def test_confirmation_mails_to_one_address_are_rate_limited(
    client: Client, smtp: Inbox, case: Any
) -> None:
    # Signed in: no proof of work is asked, so only the limits of following count.
    client.force_login(make_user("eager-follower"))
    answers = [ask_to_follow(client, case, "target@example.org") for _ in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    assert answers[-1]["Retry-After"]
    assert len(smtp.to("target@example.org")) == 5


def test_without_javascript_only_a_few_follows_are_taken_per_connection(
    client: Client, smtp: Inbox, case: Any
) -> None:
    answers = [ask_to_follow(client, case, f"fan{n}@example.org") for n in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert smtp.to("fan3@example.org") == []
