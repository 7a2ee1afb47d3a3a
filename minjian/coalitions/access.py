"""Who may do what in a coalition, from where the viewer stands in it.

A coalition's people are the people (any role) of its member organisations. The admins
of a member organisation act for it: they invite, name its delegate and take it out; the
admins of an invited organisation accept or decline. Its delegate votes for it. Site
staff moderate the threads. Services check the actor through `require_*`; pages read
`Standing` to know what to offer, so each rule is written once, here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.coalitions.models import Coalition, CoalitionMember, Proposal, Vote
from minjian.core.errors import DomainError, PermissionDenied
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.selectors import Viewer

Status = CoalitionMember.Status


@dataclass(frozen=True)
class Standing:
    """Where a viewer stands in one coalition: the organisations she belongs to there,
    by their place in it, and those she administers."""

    viewer: Viewer
    # Her organisations that are members / invited, each with its place in the coalition.
    member_places: tuple[CoalitionMember, ...] = ()
    invited_places: tuple[CoalitionMember, ...] = ()
    administered: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return isinstance(self.viewer, User) and self.viewer.is_active and self.viewer.is_staff

    @property
    def is_people(self) -> bool:
        """She belongs to a member organisation: she reads its threads and hidden list."""
        return bool(self.member_places)

    @property
    def sees_members(self) -> bool:
        return self.is_people

    def administered_members(self) -> list[CoalitionMember]:
        return [place for place in self.member_places if place.organisation_id in self.administered]

    def administered_invitations(self) -> list[CoalitionMember]:
        return [
            place for place in self.invited_places if place.organisation_id in self.administered
        ]

    @property
    def delegation(self) -> CoalitionMember | None:
        """The member organisation she votes for, if any."""
        viewer_id = self.viewer.pk if isinstance(self.viewer, User) else None
        return next((place for place in self.member_places if place.delegate_id == viewer_id), None)

    @property
    def speaks_for(self) -> Organisation | None:
        """The organisation her posts and proposals are signed with: the one she votes
        for, else the first of hers by address."""
        delegation = self.delegation
        if delegation is not None:
            return delegation.organisation
        return self.member_places[0].organisation if self.member_places else None


def standing(viewer: Viewer, coalition: Coalition) -> Standing:
    """Two queries: her memberships of organisations, and their places in the coalition."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return Standing(viewer)
    roles = dict(Membership.objects.filter(user=viewer).values_list("organisation_id", "role"))
    places = list(
        CoalitionMember.objects.filter(
            coalition=coalition,
            organisation_id__in=roles,
            status__in=(Status.MEMBER, Status.INVITED),
        )
        .select_related("organisation", "delegate")
        .order_by("organisation__slug")
    )
    return Standing(
        viewer,
        member_places=tuple(place for place in places if place.status == Status.MEMBER),
        invited_places=tuple(place for place in places if place.status == Status.INVITED),
        administered=frozenset(
            organisation for organisation, role in roles.items() if role == Membership.Role.ADMIN
        ),
    )


def results_visible(proposal: Proposal, votes: Iterable[Vote], standing: Standing) -> bool:
    """How the members voted shows once the proposal closes, to a viewer whose
    organisation has voted, or at once when the instance shows results while voting is
    open (`MINJIAN_PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED` false)."""
    if proposal.is_closed() or not settings.MINJIAN_PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED:
        return True
    own = {place.organisation_id for place in standing.member_places}
    return any(vote.organisation_id in own for vote in votes)


def require_people(actor: Viewer, coalition: Coalition) -> tuple[User, Standing]:
    place = standing(actor, coalition)
    if not place.is_people:
        raise PermissionDenied(
            _("Only the people of the coalition's member organisations may do this."),
            code="not_a_member",
        )
    assert isinstance(actor, User)
    return actor, place


def require_admin_of(actor: Viewer, organisation: Organisation) -> User:
    """`actor` is an admin of `organisation`, which she acts for."""
    if (
        not isinstance(actor, User)
        or not actor.is_active
        or not Membership.objects.filter(
            organisation=organisation, user=actor, role=Membership.Role.ADMIN
        ).exists()
    ):
        raise PermissionDenied(
            _("Only the organisation's admins may do this."), code="not_an_admin"
        )
    return actor


def require_staff(actor: Viewer) -> User:
    if not isinstance(actor, User) or not actor.is_active or not actor.is_staff:
        raise PermissionDenied(_("Only moderators can see this page."))
    return actor


def require_delegate(actor: Viewer, coalition: Coalition) -> tuple[User, CoalitionMember]:
    delegation = standing(actor, coalition).delegation
    if delegation is None:
        raise DomainError(
            "not_a_delegate",
            _(
                "Only the delegate of a member organisation may vote: an admin of the "
                "organisation names her."
            ),
            status=403,
        )
    assert isinstance(actor, User)
    return actor, delegation
