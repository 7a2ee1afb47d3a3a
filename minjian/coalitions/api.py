"""/api/v1/coalitions: coalitions, their members (where the list is public, or to the
people of their member organisations), their proposals with the votes as the rules
allow, and their joint statements. Read-only: members act on the site's pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from minjian.accounts.api import api_actor
from minjian.coalitions import access, selectors
from minjian.coalitions.closing import closes_due_proposals
from minjian.coalitions.models import Coalition, CoalitionMember, Statement
from minjian.coalitions.selectors import Results
from minjian.coalitions.services import COALITIONS, coalition_tag
from minjian.core.public_cache import ORGANISATIONS, public_page, tags_for_everything
from minjian.core.schemas import ErrorOut, Id, InputSchema, PageNumber, PageSize, numbered_page
from minjian.orgs.models import Organisation

router = Router(tags=["coalitions"])


class CoalitionOrganisationOut(Schema):
    slug: str
    name_zh: str
    name_en: str


class CoalitionMemberOut(Schema):
    organisation: CoalitionOrganisationOut
    delegate: str | None = Field(description="The pseudonym of who votes for it, if named.")


class CoalitionOut(Schema):
    id: int
    url: str = Field(description="The coalition's page.")
    name_zh: str
    name_en: str
    purpose: str
    members_hidden: bool = Field(
        description="The member list is read only by the people of its member organisations."
    )
    member_count: int
    members: list[CoalitionMemberOut] | None = Field(
        description="Its member organisations; null where the list is hidden from the caller."
    )
    created_at: datetime


class TallyOut(Schema):
    agree: int
    abstain: int
    disagree: int
    block: int


class CoalitionVoteOut(Schema):
    organisation: CoalitionOrganisationOut
    option: str = Field(description="agree, abstain, disagree or block.")
    reason: str


class ProposalOut(Schema):
    id: int
    url: str
    title: str
    text: str
    closes_at: datetime
    closed: bool
    agreed: bool | None = Field(
        description="Once closed: some agreed, more than disagreed, none blocked."
    )
    outcome: str = Field(description="What the coalition decided, once stated; else empty.")
    voted: int = Field(description="How many member organisations have voted.")
    tally: TallyOut | None = Field(
        description="The votes of each option: null until voting closes, unless the caller's "
        "organisation has voted (or the instance shows results while voting is open)."
    )
    votes: list[CoalitionVoteOut] | None = Field(
        description="Each organisation's vote and reason, when the tally is shown and the "
        "member list is not hidden from the caller; else null."
    )


class StatementOut(Schema):
    id: int
    text: str
    signers: list[CoalitionOrganisationOut]
    published_at: datetime


class CoalitionDetailOut(CoalitionOut):
    proposals: list[ProposalOut]
    statements: list[StatementOut]


class CoalitionPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[CoalitionOut]


class CoalitionQuery(InputSchema):
    page: PageNumber = 1
    page_size: PageSize = 20


def _organisation(organisation: Organisation) -> dict[str, str]:
    return {
        "slug": organisation.slug,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
    }


def _member(place: CoalitionMember) -> dict[str, object]:
    return {
        "organisation": _organisation(place.organisation),
        "delegate": place.delegate.username if place.delegate else None,
    }


def _coalition(
    request: HttpRequest, coalition: Coalition, *, sees_members: bool
) -> dict[str, object]:
    current: list[CoalitionMember] = coalition.current_members  # type: ignore[attr-defined]  # Prefetch to_attr
    shown = sees_members or not coalition.members_hidden
    return {
        "id": coalition.pk,
        "url": request.build_absolute_uri(reverse("coalitions:detail", args=[coalition.pk])),
        "name_zh": coalition.name_zh,
        "name_en": coalition.name_en,
        "purpose": coalition.readable_purpose,
        "members_hidden": coalition.members_hidden,
        "member_count": len(current),
        "members": [_member(place) for place in current] if shown else None,
        "created_at": coalition.created_at,
    }


def _proposal(request: HttpRequest, results: Results) -> dict[str, object]:
    proposal = results.proposal
    return {
        "id": proposal.pk,
        "url": request.build_absolute_uri(
            reverse("coalitions:proposal", args=[proposal.coalition_id, proposal.pk])
        ),
        "title": proposal.readable_title,
        "text": proposal.readable_text,
        "closes_at": proposal.closes_at,
        "closed": proposal.closed_at is not None,
        "agreed": proposal.agreed,
        "outcome": proposal.readable_outcome,
        "voted": results.voted,
        "tally": results.tally if results.visible else None,
        "votes": [
            {
                "organisation": _organisation(vote.organisation),
                "option": vote.option,
                "reason": vote.readable_reason,
            }
            for vote in results.votes
        ]
        if results.votes
        else None,
    }


def _statement(statement: Statement) -> dict[str, object]:
    return {
        "id": statement.pk,
        "text": statement.readable_text,
        "signers": [_organisation(organisation) for organisation in statement.signers.all()],
        "published_at": statement.published_at,
    }


@router.get("", response={200: CoalitionPageOut}, summary="Coalitions")
@decorate_view(closes_due_proposals, public_page(tags_for_everything(COALITIONS, ORGANISATIONS)))
def list_coalitions(request: HttpRequest, query: Query[CoalitionQuery]) -> dict[str, object]:
    """Every coalition of organisations, the newest first, with its member organisations
    where its member list is public."""
    return numbered_page(
        selectors.coalition_list(),
        lambda coalition: _coalition(request, coalition, sees_members=False),
        page=query.page,
        page_size=query.page_size,
    )


@router.get(
    "/{coalition_id}", response={200: CoalitionDetailOut, 404: ErrorOut}, summary="One coalition"
)
@decorate_view(
    closes_due_proposals,
    public_page(lambda coalition_id: (coalition_tag(coalition_id), ORGANISATIONS)),
)
def get_coalition(request: HttpRequest, coalition_id: Id) -> dict[str, object]:
    """A coalition with its members (where the caller may read them: a public list, or
    a token of a person of a member organisation), its proposals with their results as
    the rules allow, and its joint statements."""
    coalition = selectors.coalition_detail(coalition_id)
    standing = access.standing(api_actor(request) or AnonymousUser(), coalition)
    return _coalition(request, coalition, sees_members=standing.sees_members) | {
        "proposals": [
            _proposal(request, selectors.results(proposal, standing))
            for proposal in selectors.proposals_of(coalition)
        ],
        "statements": [_statement(statement) for statement in selectors.statements_of(coalition)],
    }
