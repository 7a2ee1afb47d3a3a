"""The inbox pages: members only, plain forms that work without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.models import InboxItem, Subscription
from minjian.routing.tests.helpers import published, subscribed


@pytest.fixture
def member(db: Any) -> User:
    return make_user("river-volunteer")


@pytest.fixture
def watchers(member: User) -> Organisation:
    return subscribed("watchers", topic="environment", admins=(member,))


@pytest.fixture
def case(
    regions: dict[str, Region], watchers: Organisation, django_capture_on_commit_callbacks: Any
) -> Case:
    return published(django_capture_on_commit_callbacks, regions["340321"], title="夜里排黑水")


def _csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf_token(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def test_only_members_see_an_inbox(client: Client, user: User, case: Case) -> None:
    assert client.get("/inbox/watchers/").status_code == 302  # to the log-in page
    client.force_login(user)
    assert client.get("/inbox/watchers/").status_code == 403
    assert client.get(f"/inbox/watchers/cases/{case.pk}/").status_code == 403
    assert client.get("/inbox/no-such-org/").status_code == 404
    assert client.post(f"/inbox/watchers/cases/{case.pk}/note/", {"note": "x"}).status_code == 403
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.INTERNAL_NOTE).exists()


def test_a_member_acknowledges_from_the_list_with_a_plain_form(member: User, case: Case) -> None:
    client = _csrf_client(member)
    page = client.get("/inbox/watchers/").content.decode()
    assert "夜里排黑水" in page
    token = _csrf_token(client, "/inbox/watchers/")

    response = client.post(
        f"/inbox/watchers/cases/{case.pk}/acknowledge/",
        {"csrfmiddlewaretoken": token, "back": "list"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/inbox/watchers/"
    assert InboxItem.objects.get(case=case).acknowledged_at is not None
    assert "夜里排黑水" not in client.get("/inbox/watchers/").content.decode()
    assert "夜里排黑水" in client.get("/inbox/watchers/?show=acknowledged").content.decode()


def test_a_post_without_csrf_token_is_refused(member: User, case: Case) -> None:
    client = _csrf_client(member)
    response = client.post(f"/inbox/watchers/cases/{case.pk}/update/", {"note": "hi"})
    assert response.status_code == 403
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.PUBLIC_UPDATE).exists()


def test_an_update_and_an_internal_note_from_the_case_page(member: User, case: Case) -> None:
    client = _csrf_client(member)
    path = f"/inbox/watchers/cases/{case.pk}/"
    token = _csrf_token(client, path)
    client.post(f"{path}update/", {"csrfmiddlewaretoken": token, "note": "PUBLIC-TEXT"})
    client.post(f"{path}note/", {"csrfmiddlewaretoken": token, "note": "INTERNAL-TEXT"})

    inbox_page = client.get(path).content.decode()
    assert "PUBLIC-TEXT" in inbox_page
    assert "INTERNAL-TEXT" in inbox_page
    public_page = Client().get(f"/cases/{case.pk}/").content.decode()
    assert "PUBLIC-TEXT" in public_page
    assert "INTERNAL-TEXT" not in public_page


def test_an_empty_update_shows_the_error_next_to_the_field(member: User, case: Case) -> None:
    client = Client()
    client.force_login(member)
    response = client.post(f"/inbox/watchers/cases/{case.pk}/update/", {"note": ""})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_an_ngo_member_is_not_offered_the_official_response(member: User, case: Case) -> None:
    client = Client()
    client.force_login(member)
    page = client.get(f"/inbox/watchers/cases/{case.pk}/").content.decode()
    assert "/response/" not in page
    assert (
        client.post(f"/inbox/watchers/cases/{case.pk}/response/", {"note": "x"}).status_code == 403
    )


def test_an_admin_adds_and_removes_subscriptions_on_its_page(
    member: User, watchers: Organisation, regions: dict[str, Region]
) -> None:
    client = _csrf_client(member)
    token = _csrf_token(client, "/inbox/watchers/subscriptions/")

    response = client.post(
        "/inbox/watchers/subscriptions/",
        {"csrfmiddlewaretoken": token, "topic": "", "region": "340000"},
    )

    assert response.status_code == 302
    added = Subscription.objects.get(organisation=watchers, topic=None)
    assert added.region == regions["340000"]
    client.post(f"/inbox/watchers/subscriptions/{added.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert not Subscription.objects.filter(pk=added.pk).exists()


def test_the_header_links_to_the_inbox_for_members_only(
    client: Client, member: User, user: User, watchers: Organisation
) -> None:
    client.force_login(user)
    assert 'href="/inbox/"' not in client.get("/").content.decode()
    client.force_login(member)
    assert 'href="/inbox/"' in client.get("/").content.decode()
    index = client.get("/inbox/").content.decode()
    assert 'href="/inbox/watchers/"' in index


def test_the_reporter_addresses_her_case_from_the_case_page(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    reporter = make_user("reporter")
    agency = subscribed("bureau", kind=Organisation.Kind.AGENCY, topic="labour")
    case = published(django_capture_on_commit_callbacks, regions["340321"], reporter=reporter)
    client = _csrf_client(reporter)
    token = _csrf_token(client, f"/cases/{case.pk}/")
    assert (
        f'action="/inbox/cases/{case.pk}/address/"'
        in client.get(f"/cases/{case.pk}/").content.decode()
    )

    response = client.post(
        f"/inbox/cases/{case.pk}/address/",
        {"csrfmiddlewaretoken": token, "agency": "bureau", "note": ""},
    )

    assert response.status_code == 302
    assert InboxItem.objects.get(case=case, organisation=agency).addressed
    assert "/address/" not in Client().get(f"/cases/{case.pk}/").content.decode()


def test_each_inbox_action_says_what_was_done_in_the_past_tense(
    client: Client, member: User, case: Case
) -> None:
    client.force_login(member)
    said = {
        action: [
            str(message)
            for message in client.post(
                f"/inbox/watchers/cases/{case.pk}/{action}/",
                {"note": "排污口已拍照存档"},
                follow=True,
                HTTP_ACCEPT_LANGUAGE="en",
            ).context["messages"]
        ]
        for action in ("acknowledge", "update", "note")
    }

    assert said == {
        "acknowledge": [f"Case #{case.pk} acknowledged"],
        "update": [f"Public update posted on case #{case.pk}"],
        "note": [f"Internal note added to case #{case.pk} (members only)"],
    }
