"""A coalition decides by proposals: one vote per member organisation, cast by its
delegate with a reason, changeable until the closing time; results hidden until one's
organisation has voted or voting has closed; the count and the outcome statement on the
timeline. Every refused vote is a clear error that writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from minjian.accounts.tests.factories import make_user
from minjian.coalitions import access, selectors, services
from minjian.coalitions.models import CoalitionEvent, Option, Proposal, Vote
from minjian.coalitions.tests.factories import Made, close_now, open_proposal, vote
from minjian.core.errors import DomainError

Kind = CoalitionEvent.Kind


@pytest.fixture
def proposal(made: Made) -> Proposal:
    return open_proposal(made)


def test_a_members_person_puts_forward_a_proposal_on_the_timeline(made: Made) -> None:
    proposal = open_proposal(made)

    assert proposal.organisation == made.members[0].organisation
    event = made.coalition.events.order_by("-id").first()
    assert event is not None
    assert (event.kind, event.payload["proposal"]) == (Kind.PROPOSAL_OPENED, proposal.pk)


def test_a_proposal_from_outside_or_closing_in_the_past_is_refused(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as outsider:
        services.proposal_open(
            actor=make_user("outsider"),
            coalition=made.coalition,
            title="标题",
            text="内容",
            closes_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(DomainError) as past:
        services.proposal_open(
            actor=made.members[0].person,
            coalition=made.coalition,
            title="标题",
            text="内容",
            closes_at=timezone.now() - timedelta(minutes=1),
        )

    assert (outsider.value.code, past.value.code) == ("not_a_member", "closes_at_in_past")
    assert past.value.field == "closes_at"
    assert snapshot()[:-1] == before[:-1]


def test_the_delegate_votes_for_her_organisation_and_may_change_the_vote(
    made: Made, proposal: Proposal
) -> None:
    member = made.members[1]

    vote(member, proposal, Option.DISAGREE, "还需要更多数据。")
    vote(member, proposal, Option.AGREE, "数据已经补上。")

    (cast,) = proposal.votes.all()
    assert (cast.organisation, cast.delegate, cast.option) == (
        member.organisation,
        member.delegate,
        Option.AGREE,
    )
    assert cast.reason == "数据已经补上。"
    changes = [
        event.payload["changed"]
        for event in made.coalition.events.filter(kind=Kind.VOTE_CAST).order_by("id")
    ]
    assert changes == [False, True]


def _refused_vote(
    actor_of: Callable[[Made], Any], option: str | None, reason: str | None
) -> Callable[[Made, Proposal], DomainError]:
    def attempt(made: Made, proposal: Proposal) -> DomainError:
        with pytest.raises(DomainError) as refused:
            services.proposal_vote(
                actor=actor_of(made), proposal=proposal, option=option, reason=reason
            )
        return refused.value

    return attempt


@pytest.mark.parametrize(
    ("attempt", "code", "field"),
    [
        (_refused_vote(lambda made: made.members[1].admin, "agree", "好"), "not_a_delegate", None),
        (_refused_vote(lambda made: made.members[1].person, "agree", "好"), "not_a_delegate", None),
        (_refused_vote(lambda made: make_user("outsider"), "agree", "好"), "not_a_delegate", None),
        (
            _refused_vote(lambda made: made.members[1].delegate, "maybe", "好"),
            "unknown_option",
            "option",
        ),
        (
            _refused_vote(lambda made: made.members[1].delegate, None, "好"),
            "unknown_option",
            "option",
        ),
        (
            _refused_vote(lambda made: made.members[1].delegate, "agree", "  "),
            "reason_required",
            "reason",
        ),
        (
            _refused_vote(lambda made: made.members[1].delegate, "agree", None),
            "reason_required",
            "reason",
        ),
    ],
    ids=["admin", "person", "outsider", "unknown-option", "no-option", "blank-reason", "no-reason"],
)
def test_a_refused_vote_is_a_clear_error_and_writes_nothing(
    made: Made,
    proposal: Proposal,
    snapshot: Callable[[], Any],
    attempt: Callable[[Made, Proposal], DomainError],
    code: str,
    field: str | None,
) -> None:
    before = snapshot()

    refused = attempt(made, proposal)

    assert (refused.code, refused.field) == (code, field)
    assert str(refused.message)
    assert snapshot() == before


def test_a_vote_after_closing_is_refused_and_writes_nothing(
    made: Made, proposal: Proposal, snapshot: Callable[[], Any]
) -> None:
    vote(made.members[1], proposal, Option.AGREE)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        vote(made.members[1], proposal, Option.BLOCK)

    assert (refused.value.code, refused.value.status) == ("proposal_closed", 409)
    assert snapshot() == before
    assert Vote.objects.get().option == Option.AGREE


def test_a_delegate_whose_organisation_left_no_longer_votes(made: Made, proposal: Proposal) -> None:
    leaving = made.members[2]
    services.coalition_leave(
        actor=leaving.admin, coalition=made.coalition, organisation=leaving.organisation
    )

    with pytest.raises(DomainError) as refused:
        vote(leaving, proposal, Option.AGREE)

    assert refused.value.code == "not_a_delegate"


def _results_for(viewer: Any, proposal: Proposal) -> selectors.Results:
    coalition = selectors.coalition_detail(proposal.coalition_id)
    found = selectors.proposal_detail(coalition, proposal.pk)
    return selectors.results(found, access.standing(viewer, coalition))


def test_results_are_hidden_until_ones_organisation_has_voted_or_voting_closes(
    made: Made, proposal: Proposal
) -> None:
    voter, other = made.members[1], made.members[2]
    vote(voter, proposal, Option.AGREE)

    assert _results_for(voter.person, proposal).tally == {
        "agree": 1,
        "abstain": 0,
        "disagree": 0,
        "block": 0,
    }
    assert _results_for(voter.delegate, proposal).visible
    for viewer in (other.delegate, other.admin, AnonymousUser(), make_user("outsider")):
        hidden = _results_for(viewer, proposal)
        assert not hidden.visible
        assert (hidden.tally, hidden.votes, hidden.voted) == ({}, [], 1)

    close_now(proposal)

    shown = _results_for(AnonymousUser(), proposal)
    assert shown.visible
    assert [(v.organisation.slug, v.option) for v in shown.votes] == [
        (voter.organisation.slug, Option.AGREE)
    ]


def test_with_the_setting_off_results_show_while_voting_is_open(
    made: Made, proposal: Proposal, settings: Any
) -> None:
    settings.MINJIAN_PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED = False
    vote(made.members[1], proposal, Option.DISAGREE)

    assert _results_for(AnonymousUser(), proposal).tally["disagree"] == 1


def test_a_hidden_coalition_shows_counts_but_not_who_voted_to_outsiders(db: Any) -> None:
    from minjian.coalitions.tests.factories import make_coalition

    made = make_coalition(members_hidden=True)
    proposal = open_proposal(made)
    vote(made.members[1], proposal, Option.AGREE)
    close_now(proposal)

    outside = _results_for(AnonymousUser(), proposal)
    inside = _results_for(made.members[2].person, proposal)

    assert outside.tally["agree"] == 1 and outside.votes == []
    assert [v.organisation for v in inside.votes] == [made.members[1].organisation]


@pytest.mark.parametrize(
    ("options", "agreed"),
    [
        ([Option.AGREE, Option.AGREE, Option.DISAGREE], True),
        ([Option.AGREE, Option.ABSTAIN, Option.ABSTAIN], True),
        ([Option.AGREE, Option.AGREE, Option.BLOCK], False),
        ([Option.AGREE, Option.DISAGREE, Option.ABSTAIN], False),
        ([Option.ABSTAIN, Option.ABSTAIN, Option.ABSTAIN], False),
    ],
)
def test_closing_counts_the_votes_once_and_records_it_on_the_timeline(
    made: Made, proposal: Proposal, options: list[str], agreed: bool
) -> None:
    for member, option in zip(made.members, options, strict=True):
        vote(member, proposal, option)

    close_now(proposal)
    assert services.proposals_close_due(coalition_id=made.coalition.pk) == 0

    assert proposal.agreed is agreed
    (closed,) = made.coalition.events.filter(kind=Kind.PROPOSAL_CLOSED)
    assert closed.payload["agreed"] is agreed
    assert sum(closed.payload["tally"].values()) == 3


def test_a_proposal_not_yet_due_stays_open(made: Made, proposal: Proposal) -> None:
    assert services.proposals_close_due() == 0
    proposal.refresh_from_db()
    assert proposal.closed_at is None and not proposal.is_closed()


def test_the_outcome_is_stated_once_after_closing_by_an_admin_or_delegate(
    made: Made, proposal: Proposal, snapshot: Callable[[], Any]
) -> None:
    with pytest.raises(DomainError) as still_open:
        services.proposal_state_outcome(
            actor=made.members[0].admin, proposal=proposal, outcome="通过。"
        )
    assert still_open.value.code == "proposal_open"
    vote(made.members[0], proposal, Option.AGREE)
    close_now(proposal)
    before = snapshot()
    with pytest.raises(DomainError) as person:
        services.proposal_state_outcome(
            actor=made.members[0].person, proposal=proposal, outcome="通过。"
        )
    assert person.value.code == "not_a_member_admin"
    assert snapshot() == before

    services.proposal_state_outcome(
        actor=made.members[1].delegate, proposal=proposal, outcome="联盟同意联合致函。"
    )

    proposal.refresh_from_db()
    assert proposal.outcome == "联盟同意联合致函。"
    event = made.coalition.events.order_by("-id").first()
    assert event is not None and event.kind == Kind.OUTCOME_STATED
    with pytest.raises(DomainError) as again:
        services.proposal_state_outcome(
            actor=made.members[0].admin, proposal=proposal, outcome="再说一次。"
        )
    assert again.value.code == "outcome_stated"


def test_a_reason_with_a_phone_number_is_stored_redacted(made: Made, proposal: Proposal) -> None:
    vote(made.members[1], proposal, Option.AGREE, "有问题请打13812345678联系我们。")

    stored = Vote.objects.get()
    assert "13812345678" not in stored.reason
    assert "13812345678" not in stored.readable_reason
