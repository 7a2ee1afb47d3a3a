"""The inbox in the JSON API: members' tokens only, errors with stable codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.tests.helpers import published, subscribed


def _auth(user: User) -> dict[str, str]:
    _token, secret = api_token_issue(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def official(db: Any) -> User:
    return make_user("bureau-office")


@pytest.fixture
def bureau(official: User) -> Organisation:
    return subscribed(
        "bureau", topic="environment", kind=Organisation.Kind.AGENCY, members=(official,)
    )


@pytest.fixture
def case(
    regions: dict[str, Region], bureau: Organisation, django_capture_on_commit_callbacks: Any
) -> Case:
    return published(django_capture_on_commit_callbacks, regions["340321"], title="排污口")


def test_a_member_reads_the_inbox(client: Client, official: User, case: Case) -> None:
    response = client.get("/api/v1/inbox/bureau", headers=_auth(official))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["case"]["id"] == case.pk
    assert body["results"][0]["acknowledged_at"] is None


def test_strangers_and_anonymous_clients_are_refused(
    client: Client, user: User, case: Case
) -> None:
    assert client.get("/api/v1/inbox/bureau").json()["code"] == "unauthenticated"
    refused = client.get("/api/v1/inbox/bureau", headers=_auth(user))
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_a_member"
    assert client.get("/api/v1/inbox/nope", headers=_auth(user)).json()["code"] == "not_found"
    posted = client.post(
        f"/api/v1/inbox/bureau/cases/{case.pk}/note",
        {"note": "x"},
        content_type="application/json",
        headers=_auth(user),
    )
    assert posted.status_code == 403


def test_each_action_writes_its_event(client: Client, official: User, case: Case) -> None:
    auth = _auth(official)
    kinds = {}
    for action in ("acknowledge", "update", "note", "response"):
        response = client.post(
            f"/api/v1/inbox/bureau/cases/{case.pk}/{action}",
            {"note": f"text of {action}"},
            content_type="application/json",
            headers=auth,
        )
        assert response.status_code == 201, response.json()
        kinds[action] = response.json()["kind"]
    assert kinds == {
        "acknowledge": CaseEvent.Kind.ACKNOWLEDGED,
        "update": CaseEvent.Kind.PUBLIC_UPDATE,
        "note": CaseEvent.Kind.INTERNAL_NOTE,
        "response": CaseEvent.Kind.OFFICIAL_RESPONSE,
    }
    detail = client.get(f"/api/v1/inbox/bureau/cases/{case.pk}", headers=auth).json()
    assert [
        entry["internal"] for entry in detail["timeline"] if entry["note"] == "text of note"
    ] == [True]
    official_entries = [entry for entry in detail["timeline"] if entry["official"]]
    assert official_entries[0]["note"] == "text of response"
    public = client.get(f"/api/v1/cases/{case.pk}").json()
    assert "text of note" not in str(public)
    again = client.post(
        f"/api/v1/inbox/bureau/cases/{case.pk}/acknowledge",
        {},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_acknowledged"


def test_an_unknown_action_and_an_empty_update_have_codes(
    client: Client, official: User, case: Case
) -> None:
    auth = _auth(official)
    unknown = client.post(
        f"/api/v1/inbox/bureau/cases/{case.pk}/shout",
        {"note": "x"},
        content_type="application/json",
        headers=auth,
    )
    assert unknown.json()["code"] == "unknown_action"
    empty = client.post(
        f"/api/v1/inbox/bureau/cases/{case.pk}/update",
        {"note": ""},
        content_type="application/json",
        headers=auth,
    )
    assert empty.status_code == 400
    assert empty.json()["code"] == "note_required"


def test_addressing_through_the_api(
    client: Client,
    regions: dict[str, Region],
    bureau: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reporter = make_user("reporter")
    case = published(
        django_capture_on_commit_callbacks, regions["420102"], topic="health", reporter=reporter
    )
    response = client.post(
        f"/api/v1/inbox/cases/{case.pk}/address",
        {"agency": "bureau"},
        content_type="application/json",
        headers=_auth(reporter),
    )
    assert response.status_code == 201
    assert response.json()["kind"] == CaseEvent.Kind.ADDRESSED
