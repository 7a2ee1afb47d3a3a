"""Organisations found a coalition, join it by invitation and acceptance, leave it and
name their delegates; every step is kept in the coalition's history, and a refused step
writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.accounts.tests.factories import make_user
from minjian.coalitions import services
from minjian.coalitions.models import CoalitionEvent, CoalitionMember
from minjian.coalitions.tests.factories import NGOS, Made, make_member
from minjian.core.errors import DomainError

Kind = CoalitionEvent.Kind
Status = CoalitionMember.Status


def _kinds(made: Made) -> list[str]:
    return list(made.coalition.events.order_by("created_at", "id").values_list("kind", flat=True))


def test_the_founding_organisation_is_the_first_member_with_its_founder_as_delegate(
    db: Any,
) -> None:
    founder = make_member(*NGOS[0])

    coalition = services.coalition_found(
        actor=founder.admin,
        organisation=founder.organisation,
        name_zh="淮河流域联盟",
        name_en="",
        purpose="守护淮河。",
        members_hidden=False,
    )

    (place,) = coalition.members.all()
    assert place.organisation == founder.organisation
    assert place.status == Status.MEMBER
    assert place.delegate == founder.admin
    (event,) = coalition.events.all()
    assert event.kind == Kind.FOUNDED
    assert event.organisation == founder.organisation
    assert coalition.name == "淮河流域联盟"


def test_only_an_admin_founds_a_coalition_for_her_organisation(
    db: Any, snapshot: Callable[[], Any]
) -> None:
    founder = make_member(*NGOS[0])
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.coalition_found(
            actor=founder.person,
            organisation=founder.organisation,
            name_zh="联盟",
            name_en="",
            purpose="守护淮河。",
            members_hidden=False,
        )

    assert refused.value.code == "not_an_admin"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name_zh": "", "name_en": ""}, "name_required"),
        ({"purpose": "  "}, "purpose_required"),
        ({"purpose": "王建国住在幸福小区3号楼502室，他的妻子在纺织厂上班。"}, "exposes_person"),
    ],
)
def test_a_coalition_without_a_name_or_purpose_or_exposing_a_person_is_refused(
    db: Any, snapshot: Callable[[], Any], fields: dict[str, str], code: str
) -> None:
    founder = make_member(*NGOS[0])
    before = snapshot()
    arguments: dict[str, Any] = {
        "name_zh": "联盟",
        "name_en": "",
        "purpose": "守护淮河。",
        "members_hidden": False,
    } | fields

    with pytest.raises(DomainError) as refused:
        services.coalition_found(
            actor=founder.admin, organisation=founder.organisation, **arguments
        )

    assert refused.value.code == code
    assert snapshot() == before


def test_an_invited_organisation_joins_when_its_admin_accepts(made: Made) -> None:
    newcomer = make_member(*NGOS[3])
    founder = made.members[0]

    services.coalition_invite(
        actor=founder.admin, coalition=made.coalition, organisation=newcomer.organisation
    )
    invited = made.coalition.members.get(organisation=newcomer.organisation)
    assert invited.status == Status.INVITED
    assert invited.invited_by == founder.organisation

    services.coalition_accept(
        actor=newcomer.admin, coalition=made.coalition, organisation=newcomer.organisation
    )

    joined = made.coalition.members.get(organisation=newcomer.organisation)
    assert joined.status == Status.MEMBER
    assert joined.delegate == newcomer.admin
    assert _kinds(made)[-2:] == [Kind.INVITED, Kind.JOINED]


def test_an_invitation_declined_can_be_made_again_and_the_history_keeps_both(made: Made) -> None:
    newcomer = make_member(*NGOS[3])
    inviter = made.members[1]
    for answer in (services.coalition_decline, services.coalition_accept):
        services.coalition_invite(
            actor=inviter.admin, coalition=made.coalition, organisation=newcomer.organisation
        )
        answer(actor=newcomer.admin, coalition=made.coalition, organisation=newcomer.organisation)

    assert made.coalition.members.get(organisation=newcomer.organisation).status == Status.MEMBER
    assert _kinds(made)[-4:] == [Kind.INVITED, Kind.DECLINED, Kind.INVITED, Kind.JOINED]


@pytest.mark.parametrize("who", ["person", "outsider", "invited_admin"])
def test_only_an_admin_of_a_member_organisation_invites(
    made: Made, snapshot: Callable[[], Any], who: str
) -> None:
    newcomer = make_member(*NGOS[3])
    actor = {
        "person": made.members[0].person,
        "outsider": make_user("outsider"),
        "invited_admin": newcomer.admin,
    }[who]
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.coalition_invite(
            actor=actor, coalition=made.coalition, organisation=newcomer.organisation
        )

    assert refused.value.code == "not_a_member_admin"
    assert snapshot() == before


def test_a_member_or_invited_organisation_is_not_invited_twice(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    founder = made.members[0]
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.coalition_invite(
            actor=founder.admin, coalition=made.coalition, organisation=made.members[1].organisation
        )

    assert refused.value.code == "already_member"
    assert snapshot() == before


def test_only_the_invited_organisations_admin_accepts(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    newcomer = make_member(*NGOS[3])
    services.coalition_invite(
        actor=made.members[0].admin, coalition=made.coalition, organisation=newcomer.organisation
    )
    before = snapshot()

    for actor in (newcomer.person, made.members[0].admin):
        with pytest.raises(DomainError) as refused:
            services.coalition_accept(
                actor=actor, coalition=made.coalition, organisation=newcomer.organisation
            )
        assert refused.value.code == "not_an_admin"
    uninvited = make_member("lone-ngo", "孤单", "Lone NGO")
    with pytest.raises(DomainError) as refused:
        services.coalition_accept(
            actor=uninvited.admin, coalition=made.coalition, organisation=uninvited.organisation
        )
    assert refused.value.code == "not_invited"
    assert snapshot() == before


def test_a_member_leaves_and_its_delegate_no_longer_votes_for_it(made: Made) -> None:
    leaving = made.members[2]

    services.coalition_leave(
        actor=leaving.admin, coalition=made.coalition, organisation=leaving.organisation
    )

    place = made.coalition.members.get(organisation=leaving.organisation)
    assert place.status == Status.LEFT
    assert place.delegate is None
    assert _kinds(made)[-1] == Kind.LEFT


def test_the_last_member_cannot_leave(db: Any, snapshot: Callable[[], Any]) -> None:
    founder = make_member(*NGOS[0])
    coalition = services.coalition_found(
        actor=founder.admin,
        organisation=founder.organisation,
        name_zh="联盟",
        name_en="",
        purpose="守护淮河。",
        members_hidden=False,
    )
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.coalition_leave(
            actor=founder.admin, coalition=coalition, organisation=founder.organisation
        )

    assert refused.value.code == "last_member"
    assert snapshot() == before


def test_the_delegate_is_a_member_of_the_organisation_and_votes_for_no_other(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    first, second = made.members[:2]
    before = snapshot()

    for delegate, code in (
        (make_user("stranger"), "delegate_not_a_member"),
        (second.delegate, "delegate_not_a_member"),
    ):
        with pytest.raises(DomainError) as refused:
            services.coalition_name_delegate(
                actor=first.admin,
                coalition=made.coalition,
                organisation=first.organisation,
                delegate=delegate,
            )
        assert refused.value.code == code
    # A person of two member organisations votes for one of them only.
    from minjian.orgs.models import Membership

    Membership.objects.create(organisation=first.organisation, user=second.delegate)
    with pytest.raises(DomainError) as refused:
        services.coalition_name_delegate(
            actor=first.admin,
            coalition=made.coalition,
            organisation=first.organisation,
            delegate=second.delegate,
        )
    assert refused.value.code == "delegate_elsewhere"
    assert snapshot()[:-1] == before[:-1]


def test_naming_a_delegate_is_kept_in_the_history(made: Made) -> None:
    member = made.members[1]

    services.coalition_name_delegate(
        actor=member.admin,
        coalition=made.coalition,
        organisation=member.organisation,
        delegate=member.person,
    )

    assert made.coalition.members.get(organisation=member.organisation).delegate == member.person
    event = made.coalition.events.order_by("-id").first()
    assert event is not None
    assert event.kind == Kind.DELEGATE_NAMED
    assert event.payload["delegate"] == member.person.username
