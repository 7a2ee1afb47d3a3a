"""The petitions API: the list, one petition with its counts by province and timeline, and
signing by token, as an organisation, or by e-mail with the proof of work. Every answer is
checked against the OpenAPI document by the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.translation import override

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.notify.tests.mailbox import Inbox
from minjian.orgs.models import Organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.selectors import trending_clients
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    _row, token = api_token_issue(actor=user, user=user, name="petitions")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def petition(author: User) -> Petition:
    return make_petition(author)


def _sign(
    client: OpenAPICheckingClient,
    petition: Petition,
    data: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Any:
    return client.post(f"/api/v1/petitions/{petition.pk}/signatures", data, headers=headers)


def test_the_list_shows_public_petitions_only(
    client: OpenAPICheckingClient, author: User, petition: Petition
) -> None:
    make_petition(author, state=Petition.State.AWAITING_MODERATION, title="还在等审核")
    body = client.get("/api/v1/petitions").json()
    assert [row["id"] for row in body["results"]] == [petition.pk]
    assert body["results"][0]["signatures"] == 5
    closed = client.get("/api/v1/petitions?state=closed").json()
    assert closed["count"] == 0
    refused = client.get("/api/v1/petitions?state=draft")
    assert (refused.status_code, refused.json()["code"]) == (400, "unknown_state")


def test_a_petition_shows_its_counts_by_province_and_its_timeline(
    client: OpenAPICheckingClient, petition: Petition, user: User, regions: dict[str, Region]
) -> None:
    response = _sign(client, petition, {"region": "420000"}, headers=bearer(user))
    assert response.status_code == 201
    with override("en"):
        body = client.get(
            f"/api/v1/petitions/{petition.pk}", headers={"Accept-Language": "en"}
        ).json()
    assert body["signatures"] == 6
    assert body["signatures_by_region"] == [{"region": "420000", "name": "Hubei", "signatures": 1}]
    assert body["signatures_without_region"] == 5
    assert [entry["kind"] for entry in body["timeline"]] == [
        "created",
        "submitted",
        "sponsored",
        "approved",
    ]


def test_a_draft_is_not_found_and_a_rejected_petition_is_a_tombstone(
    client: OpenAPICheckingClient, author: User, staff: User
) -> None:
    draft = make_petition(author, state=Petition.State.DRAFT)
    assert client.get(f"/api/v1/petitions/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/petitions/{draft.pk}", headers=bearer(author)).status_code == 200
    services.petition_reject(actor=staff, petition=draft, reason="重复的请愿。")
    gone = client.get(f"/api/v1/petitions/{draft.pk}")
    assert gone.status_code == 410
    assert gone.json()["details"]["reason"] == "重复的请愿。"


def test_signing_by_e_mail_needs_the_proof_of_work_and_mails_a_confirmation(
    client: OpenAPICheckingClient,
    petition: Petition,
    smtp: Inbox,
    committed: Callable[[], Any],
    snapshot: Callable[[], Any],
) -> None:
    before = snapshot()
    missing = _sign(client, petition, {"email": "he@example.org"})
    assert (missing.status_code, missing.json()["code"]) == (400, "proof_of_work_required")
    assert snapshot() == before
    with committed():
        taken = _sign(
            client, petition, {"email": "he@example.org", "altcha": solved_payload(client)}
        )
    assert taken.status_code == 202
    assert taken.json()["state"] == "pending"
    assert len(smtp.to("he@example.org")) == 1
    again = _sign(client, petition, {"email": "HE@example.org", "altcha": solved_payload(client)})
    assert (again.status_code, again.json()["code"]) == (409, "already_signed")


def test_an_admin_signs_as_her_organisation(
    client: OpenAPICheckingClient, petition: Petition, ngo: Organisation, ngo_admin: User
) -> None:
    signed = _sign(client, petition, {"organisation": ngo.slug}, headers=bearer(ngo_admin))
    assert signed.status_code == 201
    body = client.get(f"/api/v1/petitions/{petition.pk}").json()
    assert [row["organisation"] for row in body["organisations_signed"]] == [ngo.slug]


def test_signing_a_closed_petition_is_refused(
    client: OpenAPICheckingClient, petition: Petition, staff: User, user: User
) -> None:
    services.petition_close(actor=staff, petition=petition)
    refused = _sign(client, petition, {}, headers=bearer(user))
    assert (refused.status_code, refused.json()["code"]) == (409, "petition_not_signable")


def test_signatures_beyond_the_rate_limit_are_taken_for_review(
    client: OpenAPICheckingClient, petition: Petition, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "petition_sign": (1, 3600)}
    first = _sign(client, petition, {}, headers=bearer(make_user("first")))
    # Accounts count apart; one client's second signature goes past its limit.
    assert first.json()["needs_review"] is False
    crowd = make_user("crowd")
    headers = bearer(crowd)
    second_petition = make_petition(make_user("other-author"), title="另一个请愿")
    _sign(client, second_petition, {}, headers=headers)
    beyond = _sign(client, petition, {}, headers=headers)
    assert beyond.status_code == 201
    assert beyond.json() == {
        "state": "pending",
        "needs_review": True,
        "message": beyond.json()["message"],
    }
    (top, *_rest) = trending_clients()
    assert (top.signatures, top.petitions, top.needing_review) == (2, 2, 1)
    assert "crowd" not in top.client_key
