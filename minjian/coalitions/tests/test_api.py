"""GET /api/v1/coalitions and /api/v1/coalitions/{id}: members only where the list is
public (or to a token of a member's person), proposals with their results as the rules
say, joint statements with their signers; anonymous answers stored and public."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minjian.accounts.services import api_token_issue
from minjian.coalitions import services
from minjian.coalitions.models import Option
from minjian.coalitions.tests.factories import Made, close_now, make_coalition, open_proposal, vote
from minjian.core.tests.openapi import OpenAPICheckingClient


def _bearer(user: Any) -> dict[str, str]:
    _token, secret = api_token_issue(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_the_list_names_members_of_public_coalitions_only(client: Client, db: Any) -> None:
    public = make_coalition(2)
    hidden = make_coalition(1, first=2, members_hidden=True, name_zh="秘密联盟")

    body = client.get("/api/v1/coalitions").json()

    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["results"]}
    assert [m["organisation"]["slug"] for m in by_id[public.coalition.pk]["members"]] == [
        "anhui-clean-water",
        "green-huai-river",
    ]
    assert by_id[hidden.coalition.pk]["members"] is None
    assert by_id[hidden.coalition.pk]["member_count"] == 1


def test_one_coalition_with_proposals_results_and_statements(client: Client, made: Made) -> None:
    closed = open_proposal(made, title="已结束")
    vote(made.members[0], closed, Option.AGREE, "同意。")
    vote(made.members[1], closed, Option.AGREE, "同意。")
    close_now(closed)
    services.statement_publish(actor=made.members[0].admin, proposal=closed, text="联合声明。")
    still_open = open_proposal(made, title="进行中")
    vote(made.members[2], still_open, Option.BLOCK, "反对。")

    response = client.get(f"/api/v1/coalitions/{made.coalition.pk}")

    assert response.status_code == 200 and "public" in response["Cache-Control"]
    body = response.json()
    proposals = {proposal["title"]: proposal for proposal in body["proposals"]}
    assert proposals["已结束"]["tally"] == {"agree": 2, "abstain": 0, "disagree": 0, "block": 0}
    assert proposals["已结束"]["agreed"] is True
    assert {vote["reason"] for vote in proposals["已结束"]["votes"]} == {"同意。"}
    assert proposals["进行中"]["tally"] is None and proposals["进行中"]["votes"] is None
    assert proposals["进行中"]["voted"] == 1
    (statement,) = body["statements"]
    assert [signer["slug"] for signer in statement["signers"]] == [
        "anhui-clean-water",
        "green-huai-river",
    ]


def test_a_token_of_a_member_that_voted_reads_the_results_and_the_hidden_list(db: Any) -> None:
    made = make_coalition(members_hidden=True)
    proposal = open_proposal(made)
    vote(made.members[2], proposal, Option.BLOCK, "反对。")
    client = OpenAPICheckingClient()
    address = f"/api/v1/coalitions/{made.coalition.pk}"

    anonymous = client.get(address).json()
    member = client.get(address, headers=_bearer(made.members[2].person)).json()

    assert anonymous["members"] is None and anonymous["proposals"][0]["tally"] is None
    assert len(member["members"]) == 3
    assert member["proposals"][0]["tally"]["block"] == 1
    assert member["proposals"][0]["votes"][0]["reason"] == "反对。"


def test_an_unknown_coalition_is_a_json_404(client: Client, db: Any) -> None:
    response = client.get("/api/v1/coalitions/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_address_that_names_no_id_is_refused_before_anything_is_read(
    client: Client, made: Made
) -> None:
    for address in ("/api/v1/coalitions/true", "/api/v1/coalitions/99999999999999999999"):
        response = client.get(address)
        assert response.status_code == 422, address
        assert response.json()["code"] == "invalid_input"
