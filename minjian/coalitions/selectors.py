"""Every read of coalitions a page, the feed or the API needs, each with its joins and
prefetches, and with what the viewer may read of it (`access.Standing`): a hidden member
list, the threads, how the members voted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.coalitions import access
from minjian.coalitions.access import Standing
from minjian.coalitions.models import (
    Coalition,
    CoalitionEvent,
    CoalitionMember,
    Option,
    Post,
    Proposal,
    Statement,
    Thread,
    Vote,
    tally_of,
)
from minjian.core.errors import DomainError, NotFound
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.selectors import Viewer

Status = CoalitionMember.Status
Kind = CoalitionEvent.Kind
TIMELINE_LENGTH = 100


def _current_members() -> Prefetch[str, QuerySet[CoalitionMember], str]:
    return Prefetch(
        "members",
        queryset=CoalitionMember.objects.filter(status=Status.MEMBER)
        .select_related("organisation", "delegate")
        .order_by("organisation__slug"),
        to_attr="current_members",
    )


def coalition_list() -> QuerySet[Coalition]:
    """Every coalition, the newest first, with its member organisations (to be shown
    only where the list is public) and how many they are."""
    return (
        Coalition.objects.select_related("founded_by")
        .prefetch_related(_current_members())
        .order_by("-created_at", "-id")
    )


def coalition_detail(coalition_id: int) -> Coalition:
    coalition = (
        Coalition.objects.filter(pk=coalition_id)
        .select_related("founded_by")
        .prefetch_related(_current_members())
        .first()
    )
    if coalition is None:
        raise NotFound(_("There is no such coalition."))
    return coalition


def timeline(coalition: Coalition, *, sees_members: bool) -> list[CoalitionEvent]:
    """The public timeline, the newest first: who joined and left (unless the list is
    hidden from this reader; its founding then names nobody), proposals, outcomes,
    statements and petitions."""
    kinds = set(CoalitionEvent.PUBLIC_KINDS)
    if coalition.members_hidden and not sees_members:
        kinds -= CoalitionEvent.MEMBERSHIP_KINDS - {Kind.FOUNDED}
    return list(
        coalition.events.filter(kind__in=kinds)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:TIMELINE_LENGTH]
    )


def _with_votes(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return proposals.select_related("organisation", "statement", "petition").prefetch_related(
        Prefetch(
            "votes",
            queryset=Vote.objects.select_related("organisation", "delegate").order_by(
                "organisation__slug"
            ),
        )
    )


def proposals_of(coalition: Coalition) -> list[Proposal]:
    return list(_with_votes(coalition.proposals.order_by("-created_at", "-id")))


def proposal_detail(coalition: Coalition, proposal_id: int) -> Proposal:
    proposal = _with_votes(coalition.proposals.filter(pk=proposal_id)).first()
    if proposal is None:
        raise NotFound(_("There is no such proposal."))
    proposal.coalition = coalition
    return proposal


def statements_of(coalition: Coalition) -> list[Statement]:
    return list(
        coalition.statements.select_related("proposal").prefetch_related(
            Prefetch("signers", queryset=Organisation.objects.order_by("slug"))
        )
    )


@dataclass(frozen=True)
class Results:
    """What a reader reads of a proposal's votes (`access.results_visible`): the count of
    each option, and each organisation's vote with its reason where the member list is
    hers to read."""

    proposal: Proposal
    visible: bool
    tally: dict[str, int]
    votes: list[Vote]
    voted: int
    own_vote: Vote | None

    @property
    def options(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.tally[value]) for value, label in Option.choices]


def results(proposal: Proposal, standing: Standing) -> Results:
    votes = list(proposal.votes.all())
    visible = access.results_visible(proposal, votes, standing)
    delegation = standing.delegation
    own = next(
        (
            vote
            for vote in votes
            if delegation and vote.organisation_id == delegation.organisation_id
        ),
        None,
    )
    named = not proposal.coalition.members_hidden or standing.sees_members
    return Results(
        proposal=proposal,
        visible=visible,
        tally=tally_of(votes) if visible else {},
        votes=votes if visible and named else [],
        voted=len(votes),
        own_vote=own,
    )


def threads_for(standing: Standing, coalition: Coalition) -> list[Thread]:
    """The threads a member's person reads: those whose opening is shown, and her own
    waiting for a moderator."""
    return list(
        coalition.threads.filter(
            Q(opening__status=Post.Status.SHOWN) | Q(author=standing.viewer.pk)
        )
        .select_related("opening__organisation")
        .annotate(replies=Count("posts", filter=Q(posts__status=Post.Status.SHOWN)) - 1)
        .order_by("-last_post_at", "-id")
    )


def thread_detail(standing: Standing, coalition: Coalition, thread_id: int) -> Thread:
    thread = (
        coalition.threads.filter(pk=thread_id)
        .filter(Q(opening__status=Post.Status.SHOWN) | Q(author=standing.viewer.pk))
        .first()
    )
    if thread is None:
        raise NotFound(_("There is no such thread."))
    thread.coalition = coalition
    return thread


def posts_for(standing: Standing, thread: Thread) -> list[Post]:
    """The shown posts of a thread, and the reader's own that wait or were withheld."""
    return list(
        thread.posts.filter(Q(status=Post.Status.SHOWN) | Q(author=standing.viewer.pk))
        .select_related("organisation", "author")
        .order_by("created_at", "id")
    )


def held_posts() -> QuerySet[Post]:
    """The moderators' queue: the posts waiting, the oldest first."""
    return (
        Post.objects.filter(status=Post.Status.HELD)
        .select_related("thread__coalition", "organisation", "author")
        .order_by("created_at", "id")
    )


def invitations_for(viewer: Viewer) -> list[CoalitionMember]:
    """The invitations waiting for organisations `viewer` administers."""
    if not getattr(viewer, "pk", None):
        return []
    return list(
        CoalitionMember.objects.filter(
            status=Status.INVITED,
            organisation__memberships__user=viewer.pk,
            organisation__memberships__role=Membership.Role.ADMIN,
        )
        .select_related("coalition", "organisation", "invited_by")
        .order_by("-changed_at", "-id")
    )


def administered_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations `viewer` may found a coalition for."""
    return Organisation.objects.filter(
        memberships__user=viewer.pk, memberships__role=Membership.Role.ADMIN
    ).order_by("slug")


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise DomainError(
            "unknown_organisation",
            _("There is no organisation with this address."),
            status=404,
            field="organisation",
        )
    return organisation


def delegate_choices(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username")
    )


def member_people(organisation: Organisation, pseudonym: str) -> Membership | None:
    return (
        Membership.objects.filter(organisation=organisation, user__username=pseudonym)
        .select_related("user")
        .first()
    )


def agencies() -> QuerySet[Organisation]:
    """The bodies a joint petition may be addressed to on Minjian."""
    return Organisation.objects.filter(kind=Organisation.Kind.AGENCY).order_by("slug")
