"""Coalitions for tests of any app, made through the services so that their history is
as the site writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.coalitions import services
from minjian.coalitions.models import Coalition, Proposal
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation


@dataclass
class Member:
    organisation: Organisation
    admin: User
    delegate: User
    # A member of the organisation who is neither its admin nor its delegate.
    person: User


@dataclass
class Made:
    coalition: Coalition
    members: list[Member] = field(default_factory=list)


NGOS = [
    ("green-huai-river", "淮河卫士", "Huai River Guardians"),
    ("anhui-clean-water", "安徽清水", "Anhui Clean Water"),
    ("henan-river-watch", "河南护河", "Henan River Watch"),
    ("jiangsu-wetlands", "江苏湿地", "Jiangsu Wetlands"),
]


def make_member(slug: str, name_zh: str, name_en: str) -> Member:
    admin, delegate, person = (
        make_user(f"{slug}-{role}") for role in ("admin", "delegate", "person")
    )
    organisation = make_organisation(
        slug, name_zh=name_zh, name_en=name_en, admins=[admin], members=[delegate, person]
    )
    return Member(organisation, admin, delegate, person)


def make_coalition(
    members: int = 3,
    *,
    first: int = 0,
    members_hidden: bool = False,
    name_zh: str = "淮河流域联盟",
    name_en: str = "Huai Basin Coalition",
) -> Made:
    """A coalition of `members` NGOs above from the `first`, each with its delegate named."""
    made_members = [make_member(*ngo) for ngo in NGOS[first : first + members]]
    founder = made_members[0]
    coalition = services.coalition_found(
        actor=founder.admin,
        organisation=founder.organisation,
        name_zh=name_zh,
        name_en=name_en,
        purpose="一起守护淮河，向环保部门提出联合建议。",
        members_hidden=members_hidden,
    )
    for member in made_members[1:]:
        services.coalition_invite(
            actor=founder.admin, coalition=coalition, organisation=member.organisation
        )
        services.coalition_accept(
            actor=member.admin, coalition=coalition, organisation=member.organisation
        )
    for member in made_members:
        services.coalition_name_delegate(
            actor=member.admin,
            coalition=coalition,
            organisation=member.organisation,
            delegate=member.delegate,
        )
    return Made(coalition, made_members)


def open_proposal(made: Made, *, days: int = 7, title: str = "联合致函省生态环境厅") -> Proposal:
    return services.proposal_open(
        actor=made.members[0].person,
        coalition=made.coalition,
        title=title,
        text="请省生态环境厅公开淮河沿岸排污口的监测数据。",
        closes_at=timezone.now() + timedelta(days=days),
    )


def vote(member: Member, proposal: Proposal, option: str, reason: str = "理由充分。") -> None:
    services.proposal_vote(actor=member.delegate, proposal=proposal, option=option, reason=reason)


def close_now(proposal: Proposal) -> None:
    """Bring the proposal's closing time to now, as if time had passed, and count it."""
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    services.proposals_close_due(coalition_id=proposal.coalition_id)
    proposal.refresh_from_db()
