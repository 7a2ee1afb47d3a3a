"""The coalition pages in both languages: the public list, a coalition's page (its member
list hidden from outsiders when it is hidden), the proposal page with the delegate's
vote, the membership page, the Atom feed; anonymous pages stored and marked public as
every public page, and changed as soon as the coalition changes."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from django.test import Client
from django.utils import timezone

from minjian.coalitions import services
from minjian.coalitions.models import CoalitionMember, Option, Proposal
from minjian.coalitions.tests.factories import (
    NGOS,
    Made,
    close_now,
    make_coalition,
    make_member,
    open_proposal,
    vote,
)

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}


def test_the_list_shows_coalitions_and_public_member_lists_only(client: Client, db: Any) -> None:
    make_coalition(2, name_zh="淮河流域联盟")
    hidden = make_coalition(
        1, first=2, members_hidden=True, name_zh="秘密联盟", name_en="Quiet Coalition"
    )
    assert hidden.coalition.members_hidden

    english = client.get("/coalitions/", headers=ENGLISH).content.decode()
    chinese = client.get("/coalitions/", headers=CHINESE).content.decode()

    assert "Coalitions" in english and "联盟" in chinese
    assert "Anhui Clean Water" in english
    assert "Quiet Coalition" in english
    assert "Member list hidden" in english


def test_a_hidden_member_list_is_shown_to_the_members_people_alone(client: Client, db: Any) -> None:
    made = make_coalition(members_hidden=True)
    address = f"/coalitions/{made.coalition.pk}/"

    outside = client.get(address, headers=ENGLISH).content.decode()
    client.force_login(made.members[2].person)
    inside = client.get(address, headers=ENGLISH).content.decode()

    assert "Anhui Clean Water" not in outside and "Henan River Watch" not in outside
    assert "shown only to the people of its member organisations" in outside
    assert "Anhui Clean Water" in inside and "Henan River Watch" in inside


def test_anonymous_pages_are_stored_public_and_change_with_the_coalition(
    client: Client, made: Made
) -> None:
    address = f"/coalitions/{made.coalition.pk}/"
    first = client.get(address, headers=ENGLISH)
    assert "public" in first["Cache-Control"] and first.has_header("ETag")
    assert (
        client.get(address, headers=ENGLISH | {"If-None-Match": first["ETag"]}).status_code == 304
    )

    open_proposal(made, title="联合致函")

    changed = client.get(address, headers=ENGLISH)
    assert changed["ETag"] != first["ETag"]
    assert "联合致函" in changed.content.decode()
    client.force_login(made.members[0].person)
    assert "private" in client.get(address)["Cache-Control"]


def test_results_appear_on_the_stored_page_once_voting_closes(client: Client, made: Made) -> None:
    proposal = open_proposal(made)
    vote(made.members[1], proposal, Option.DISAGREE, "数据不足。")
    address = f"/coalitions/{made.coalition.pk}/proposals/{proposal.pk}/"
    before = client.get(address, headers=ENGLISH)
    assert "数据不足。" not in before.content.decode()
    assert "shows when voting closes" in before.content.decode()

    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    after = client.get(address, headers=ENGLISH)

    assert after["ETag"] != before["ETag"]
    assert "数据不足。" in after.content.decode()
    assert "The members did not agree." in after.content.decode()


def test_a_delegate_votes_on_the_proposal_page_and_a_refusal_shows_next_to_the_field(
    client: Client, made: Made
) -> None:
    proposal = open_proposal(made)
    member = made.members[1]
    client.force_login(member.delegate)
    address = f"/coalitions/{made.coalition.pk}/proposals/{proposal.pk}/"
    assert "Vote for Anhui Clean Water" in client.get(address, headers=ENGLISH).content.decode()

    refused = client.post(f"{address}vote/", {"option": "agree", "reason": " "}, headers=ENGLISH)
    assert refused.status_code == 400
    assert not proposal.votes.exists()
    done = client.post(f"{address}vote/", {"option": "agree", "reason": "同意。"}, headers=ENGLISH)

    assert done.status_code == 303 and done["Location"] == address
    assert proposal.votes.get().option == Option.AGREE
    page = client.get(address, headers=ENGLISH).content.decode()
    assert "Your organisation has voted" in page and "Agree: <strong>1</strong>" in page


def test_a_person_who_is_not_a_delegate_gets_no_vote_form_and_her_vote_is_refused(
    client: Client, made: Made
) -> None:
    proposal = open_proposal(made)
    client.force_login(made.members[1].admin)
    address = f"/coalitions/{made.coalition.pk}/proposals/{proposal.pk}/"

    assert 'id="vote"' not in client.get(address).content.decode()
    refused = client.post(
        f"{address}vote/", {"option": "agree", "reason": "同意。"}, headers=CHINESE
    )

    assert refused.status_code == 400
    assert "只有" in refused.content.decode()
    assert not proposal.votes.exists()


def test_the_membership_page_invites_and_accepts(client: Client, made: Made) -> None:
    newcomer = make_member(*NGOS[3])
    address = f"/coalitions/{made.coalition.pk}/membership/"
    client.force_login(made.members[0].admin)
    unknown = client.post(address, {"action": "invite", "invite-organisation": "nobody-here"})
    assert unknown.status_code == 400
    invited = client.post(
        address, {"action": "invite", "invite-organisation": newcomer.organisation.slug}
    )
    assert invited.status_code == 303

    client.force_login(newcomer.admin)
    assert made.coalition.name_zh in client.get("/coalitions/").content.decode()
    accepted = client.post(
        address, {"action": "accept", "organisation": newcomer.organisation.slug}
    )

    assert accepted.status_code == 303
    assert made.coalition.members.get(organisation=newcomer.organisation).status == (
        CoalitionMember.Status.MEMBER
    )


def test_the_membership_page_names_a_delegate(client: Client, made: Made) -> None:
    member = made.members[2]
    client.force_login(member.admin)
    address = f"/coalitions/{made.coalition.pk}/membership/"

    response = client.post(
        address,
        {
            "action": "delegate",
            "organisation": member.organisation.slug,
            f"{member.organisation.slug}-delegate": member.person.username,
        },
    )

    assert response.status_code == 303
    assert made.coalition.members.get(organisation=member.organisation).delegate == member.person


def test_founding_a_coalition_on_its_page(client: Client, db: Any) -> None:
    founder = make_member(*NGOS[0])
    client.force_login(founder.admin)

    refused = client.post(
        "/coalitions/new/", {"organisation": founder.organisation.slug, "purpose": "守护"}
    )
    done = client.post(
        "/coalitions/new/",
        {"organisation": founder.organisation.slug, "name_zh": "淮河联盟", "purpose": "守护淮河。"},
    )

    assert refused.status_code == 400
    assert done.status_code == 303
    assert founder.organisation.coalition_memberships.get().status == CoalitionMember.Status.MEMBER


def test_the_atom_feed_carries_the_public_timeline(client: Client, db: Any) -> None:
    made = make_coalition(members_hidden=True)
    proposal = open_proposal(made, title="联合致函")
    vote(made.members[0], proposal, Option.AGREE)
    close_now(proposal)
    services.statement_publish(actor=made.members[0].admin, proposal=proposal, text="声明。")

    response = client.get(f"/coalitions/{made.coalition.pk}/timeline.atom", headers=ENGLISH)

    assert response.status_code == 200 and "public" in response["Cache-Control"]
    feed = ElementTree.fromstring(response.content)  # noqa: S314  # our own answer
    titles = [
        entry.findtext("{http://www.w3.org/2005/Atom}title")
        for entry in feed.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert titles[0] == "Joint statement published"
    assert "Proposal put forward · Huai River Guardians" in titles
    # The member list is hidden: nobody's joining is in the feed.
    assert not any(title and title.startswith("Organisation joined") for title in titles)
