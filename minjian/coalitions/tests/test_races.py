"""At the same moment on PostgreSQL: readers arriving together at a proposal's closing
time count its votes once, and a delegate's vote sent twice at once is one vote."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from minjian.coalitions import services
from minjian.coalitions.models import CoalitionEvent, Option, Proposal, Vote
from minjian.coalitions.tests.factories import make_coalition, open_proposal, vote
from minjian.core.tests.races import all_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_readers_arriving_together_at_the_closing_time_count_the_votes_once(
    django_db_serialized_rollback: Any,
) -> None:
    made = make_coalition()
    proposal = open_proposal(made)
    vote(made.members[1], proposal, Option.AGREE)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())

    done, refused = all_at_once(
        [lambda: services.proposals_close_due(coalition_id=made.coalition.pk)] * 6
    )

    assert refused == [] and sum(done) == 1  # type: ignore[arg-type]  # counts of closed proposals
    assert CoalitionEvent.objects.filter(kind=CoalitionEvent.Kind.PROPOSAL_CLOSED).count() == 1


def test_a_vote_sent_twice_at_once_is_one_vote(django_db_serialized_rollback: Any) -> None:
    made = make_coalition()
    proposal = open_proposal(made)
    member = made.members[2]

    done, refused = all_at_once(
        [
            partial(
                services.proposal_vote,
                actor=member.delegate,
                proposal=proposal,
                option=option,
                reason="理由。",
            )
            for option in (Option.AGREE, Option.DISAGREE, Option.AGREE, Option.BLOCK)
        ]
    )

    assert refused == [] and len(done) == 4
    (kept,) = Vote.objects.all()
    assert kept.organisation == member.organisation
    assert CoalitionEvent.objects.filter(kind=CoalitionEvent.Kind.VOTE_CAST).count() == 4
