"""Every coalition page and API read reads a fixed number of queries however many
members, proposals, votes, statements, threads and posts there are (several of each
here: a query per row would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.coalitions import services
from minjian.coalitions.models import Option, Proposal, Thread
from minjian.coalitions.tests.factories import Made, close_now, make_coalition, open_proposal, vote


@pytest.fixture
def busy(db: Any) -> Made:
    """Four members; three proposals closed with four votes each and a statement, one
    open; three threads of three posts."""
    made = make_coalition(4)
    for number in range(3):
        proposal = open_proposal(made, title=f"提案{number}")
        for member in made.members:
            vote(member, proposal, Option.AGREE)
        close_now(proposal)
        services.statement_publish(
            actor=made.members[0].admin, proposal=proposal, text=f"声明{number}"
        )
    open_proposal(made, title="进行中")
    for number in range(3):
        thread = services.thread_start(
            actor=made.members[number].person,
            coalition=made.coalition,
            title=f"话题{number}",
            text="开始",
        )
        for member in made.members[1:3]:
            services.thread_reply(actor=member.person, thread=thread, text="回复")
    return made


def _first_proposal(made: Made) -> Proposal:
    proposal = made.coalition.proposals.order_by("id").first()
    assert proposal is not None
    return proposal


def test_the_public_pages_read_a_fixed_number_of_queries(
    client: Client, busy: Made, django_assert_max_num_queries: Any
) -> None:
    coalition_id = busy.coalition.pk
    proposal = _first_proposal(busy)
    for address, queries in (
        ("/coalitions/", 5),
        (f"/coalitions/{coalition_id}/", 9),
        (f"/coalitions/{coalition_id}/proposals/{proposal.pk}/", 5),
        (f"/coalitions/{coalition_id}/timeline.atom", 4),
        ("/api/v1/coalitions", 4),
        (f"/api/v1/coalitions/{coalition_id}", 7),
    ):
        with django_assert_max_num_queries(queries):
            response = client.get(address)
        assert response.status_code == 200, address


def test_the_members_pages_read_a_fixed_number_of_queries(
    client: Client, busy: Made, django_assert_max_num_queries: Any
) -> None:
    coalition_id = busy.coalition.pk
    proposal = _first_proposal(busy)
    thread = Thread.objects.filter(coalition=busy.coalition).order_by("id").first()
    assert thread is not None
    client.force_login(busy.members[0].admin)
    for address, queries in (
        ("/coalitions/", 8),
        ("/coalitions/new/", 5),
        (f"/coalitions/{coalition_id}/", 13),
        (f"/coalitions/{coalition_id}/proposals/{proposal.pk}/", 11),
        (f"/coalitions/{coalition_id}/membership/", 8),
        (f"/coalitions/{coalition_id}/threads/", 8),
        (f"/coalitions/{coalition_id}/threads/{thread.pk}/", 9),
        (f"/coalitions/{coalition_id}/proposals/new/", 7),
    ):
        with django_assert_max_num_queries(queries):
            response = client.get(address)
        assert response.status_code == 200, address


def test_the_moderation_queue_reads_a_fixed_number_of_queries(
    client: Client, busy: Made, staff: User, django_assert_max_num_queries: Any
) -> None:
    thread = Thread.objects.filter(coalition=busy.coalition).order_by("id").first()
    assert thread is not None
    for member in busy.members:
        services.thread_reply(
            actor=member.person,
            thread=thread,
            text="王建国住在幸福小区3号楼502室，他的妻子在纺织厂上班。",
        )
    client.force_login(staff)

    with django_assert_max_num_queries(6):
        response = client.get("/coalitions/moderation/")

    assert response.status_code == 200
    assert response.content.decode().count('name="post"') == 4
