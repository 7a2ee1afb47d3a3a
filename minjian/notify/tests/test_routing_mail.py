"""Through routing itself: a case published and routed by the routing job is mailed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import translation

from minjian.accounts.tests.factories import make_user
from minjian.cases.models import CaseEvent
from minjian.notify.tests.mailbox import Inbox, link, readable, subject, text_body
from minjian.routing.services import inbox_add_internal_note, inbox_post_update
from minjian.routing.tests.helpers import published, subscribed

pytestmark = pytest.mark.django_db


def test_a_member_hears_of_a_case_routing_put_in_her_inbox(
    smtp: Inbox, regions: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = make_user("member", email="member@example.org")
    subscribed("green-huai-river", topic="environment", region=regions["340000"], members=(member,))
    subscribed("wuhan-watch", topic="environment", region=regions["420000"])

    case = published(django_capture_on_commit_callbacks, regions["340321"], title="淮河排污")

    (message,) = smtp.to("member@example.org")
    assert subject(message) == "green-huai-river有新案例：淮河排污"
    assert f"/cases/{case.pk}/" in readable(message)
    assert len(smtp.messages) == 1


def test_a_follower_gets_an_organisations_public_update_but_not_its_internal_note(
    smtp: Inbox, regions: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = make_user("member")
    organisation = subscribed(
        "green-huai-river", topic="environment", region=regions["340000"], members=(member,)
    )
    case = published(django_capture_on_commit_callbacks, regions["340321"], title="淮河排污")
    with TestCase.captureOnCommitCallbacks(execute=True):
        Client().post(f"/notify/follow/{case.pk}/", {"email": "fan@example.org"})
    (confirmation,) = smtp.to("fan@example.org")
    Client().post(link(confirmation, r"/notify/confirm/[^/\s]+/"))

    with django_capture_on_commit_callbacks(execute=True):
        inbox_add_internal_note(
            actor=member, organisation=organisation, case_id=case.pk, note="先别公开"
        )
        inbox_post_update(
            actor=member, organisation=organisation, case_id=case.pk, note="我们明天去取水样"
        )

    (update,) = smtp.to("fan@example.org")[1:]
    with translation.override("zh-hans"):
        what = str(CaseEvent.Kind.PUBLIC_UPDATE.label)
    assert subject(update) == f"案例 #{case.pk}：{what}"
    body = text_body(update)
    assert "我们明天去取水样" in body and "green-huai-river" in body
    assert "先别公开" not in readable(update)
