"""From an agreed proposal the coalition puts out a joint statement, signed by the member
organisations that agreed, each shown, on its timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.coalitions import services
from minjian.coalitions.models import CoalitionEvent, Option, Proposal, Statement
from minjian.coalitions.tests.factories import Made, close_now, open_proposal, vote
from minjian.core.errors import DomainError
from minjian.petitions.models import Petition, PetitionOwner, Signature

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def agreed(made: Made) -> Proposal:
    proposal = open_proposal(made)
    vote(made.members[0], proposal, Option.AGREE)
    vote(made.members[1], proposal, Option.AGREE)
    vote(made.members[2], proposal, Option.ABSTAIN)
    close_now(proposal)
    assert proposal.agreed
    return proposal


def test_a_joint_statement_is_signed_by_the_organisations_that_agreed(
    made: Made, agreed: Proposal
) -> None:
    statement = services.statement_publish(
        actor=made.members[1].admin, proposal=agreed, text="我们联合呼吁公开排污数据。"
    )

    assert list(statement.signers.order_by("slug")) == sorted(
        [made.members[0].organisation, made.members[1].organisation], key=lambda o: o.slug
    )
    event = made.coalition.events.order_by("-id").first()
    assert event is not None and event.kind == CoalitionEvent.Kind.STATEMENT_PUBLISHED
    assert {signer["slug"] for signer in event.payload["signers"]} == {
        made.members[0].organisation.slug,
        made.members[1].organisation.slug,
    }


def test_the_statement_and_its_signers_are_on_the_public_page(
    client: Client, made: Made, agreed: Proposal
) -> None:
    services.statement_publish(
        actor=made.members[0].admin, proposal=agreed, text="我们联合呼吁公开排污数据。"
    )

    page = client.get(
        f"/coalitions/{made.coalition.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "我们联合呼吁公开排污数据。" in page
    statement = page[page.index('class="statement"') :]
    assert "Huai River Guardians" in statement and "Anhui Clean Water" in statement
    assert "Henan River Watch" not in statement.split("</section>")[0]


@pytest.mark.parametrize("who", ["abstaining_admin", "delegate"])
def test_only_an_admin_of_an_agreeing_organisation_publishes_it(
    made: Made, agreed: Proposal, snapshot: Callable[[], Any], who: str
) -> None:
    actor = made.members[2].admin if who == "abstaining_admin" else made.members[0].delegate
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.statement_publish(actor=actor, proposal=agreed, text="声明。")

    assert refused.value.code == "not_an_agreeing_admin"
    assert snapshot() == before


def test_a_proposal_not_agreed_or_still_open_is_not_acted_on(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    still_open = open_proposal(made, title="未结束")
    vote(made.members[0], still_open, Option.AGREE)
    blocked = open_proposal(made, title="被否决")
    vote(made.members[0], blocked, Option.AGREE)
    vote(made.members[1], blocked, Option.BLOCK)
    close_now(blocked)
    before = snapshot()

    for proposal in (still_open, blocked):
        with pytest.raises(DomainError) as refused:
            services.statement_publish(
                actor=made.members[0].admin, proposal=proposal, text="声明。"
            )
        assert refused.value.code == "proposal_not_agreed"
    assert snapshot() == before


def test_a_proposal_has_one_joint_statement(made: Made, agreed: Proposal) -> None:
    services.statement_publish(actor=made.members[0].admin, proposal=agreed, text="声明。")

    with pytest.raises(DomainError) as again:
        services.statement_publish(actor=made.members[1].admin, proposal=agreed, text="再一次。")

    assert again.value.code == "statement_published"
    assert Statement.objects.count() == 1


PETITION: dict[str, Any] = {
    "title": "请公开淮河排污口监测数据",
    "request": "请省生态环境厅公开淮河沿岸排污口的监测数据。",
    "background": "沿岸居民多次反映夜间排污。",
    "addressed_name": "安徽省生态环境厅",
    "addressed_contact": "xinxi@sthjt.example.gov.cn",
    "signature_goal": 1000,
}


def _deadline() -> Any:
    return (timezone.now() + timedelta(days=30)).date()


def test_a_joint_petition_is_co_owned_and_signed_by_the_organisations_that_agreed(
    made: Made, agreed: Proposal
) -> None:
    petition = services.petition_start(
        actor=made.members[0].admin, proposal=agreed, deadline=_deadline(), **PETITION
    )

    agreeing = {made.members[0].organisation, made.members[1].organisation}
    owners = PetitionOwner.objects.filter(petition=petition)
    assert {owner.organisation for owner in owners} == agreeing
    assert all(owner.accepted_at is not None for owner in owners)
    assert {
        signature.signed_as_organisation
        for signature in Signature.objects.filter(petition=petition)
    } == agreeing
    agreed.refresh_from_db()
    assert agreed.petition == petition
    event = made.coalition.events.order_by("-id").first()
    assert event is not None and event.kind == CoalitionEvent.Kind.PETITION_STARTED
    assert event.payload["petition"] == petition.pk


def test_a_refused_petition_writes_nothing_in_either_app(
    made: Made, agreed: Proposal, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    for actor, arguments, code in (
        (made.members[2].admin, {}, "not_an_agreeing_admin"),
        (made.members[0].admin, {"deadline": timezone.now().date() - timedelta(days=1)}, None),
        (made.members[0].admin, {"addressed_name": ""}, "body_unknown"),
    ):
        with pytest.raises(DomainError) as refused:
            services.petition_start(
                actor=actor, proposal=agreed, **({"deadline": _deadline()} | PETITION | arguments)
            )
        if code:
            assert refused.value.code == code
    assert snapshot() == before
    assert not Petition.objects.exists()


def test_one_joint_petition_per_proposal(made: Made, agreed: Proposal) -> None:
    services.petition_start(
        actor=made.members[0].admin, proposal=agreed, deadline=_deadline(), **PETITION
    )

    with pytest.raises(DomainError) as again:
        services.petition_start(
            actor=made.members[1].admin, proposal=agreed, deadline=_deadline(), **PETITION
        )

    assert again.value.code == "petition_started"
    assert Petition.objects.count() == 1


def test_the_proposal_page_starts_the_petition_and_shows_its_signers(
    client: Client, made: Made, agreed: Proposal
) -> None:
    client.force_login(made.members[1].admin)
    address = f"/coalitions/{made.coalition.pk}/proposals/{agreed.pk}/"
    assert "Start a joint petition" in client.get(address, headers=ENGLISH).content.decode()

    response = client.post(
        f"{address}petition/", PETITION | {"deadline": _deadline().isoformat()}, headers=ENGLISH
    )

    assert response.status_code == 303
    page = client.get(address, headers=ENGLISH).content.decode()
    section = page[page.index('id="petition"') :].split("</section>")[0]
    assert PETITION["title"] in section
    assert "Huai River Guardians" in section and "Anhui Clean Water" in section
    assert "Henan River Watch" not in section
