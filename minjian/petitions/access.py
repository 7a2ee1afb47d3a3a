"""Who may see and act on a petition: the one door to petitions not public yet."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.core.errors import DomainError, NotFound
from minjian.orgs.access import is_staff
from minjian.orgs.selectors import Viewer
from minjian.petitions.models import Petition, PetitionEvent


class PetitionRejected(DomainError):
    """A rejected petition: its tombstone (when, and the moderator's public reason) is
    public, its content not (HTTP 410)."""

    def __init__(self, petition: Petition) -> None:
        rejected = petition.events.filter(kind=PetitionEvent.Kind.REJECTED).order_by("-id").first()
        super().__init__(
            "rejected",
            _("Petition #%(id)d was rejected by a moderator.") % {"id": petition.pk},
            status=410,
            details={
                "reason": petition.rejection_reason,
                "rejected_at": rejected.created_at.isoformat() if rejected else None,
            },
        )
        self.petition = petition


def is_owner(viewer: Viewer | None, petition: Petition) -> bool:
    """Whether `viewer` acts for the petition's owners: its author (who wrote it for her
    organisations, or for herself), or an admin of a co-owner organisation."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return False
    if petition.created_by_id == viewer.pk:
        return True
    return petition.owners.filter(
        Q(account=viewer)
        | Q(organisation__memberships__user=viewer, organisation__memberships__role="admin")
    ).exists()


def may_see(viewer: Viewer | None, petition: Petition) -> bool:
    """Public petitions are everyone's; a draft, or one gathering sponsors or waiting for a
    moderator, is its owners' and staff's (sponsors reach it through its address: the page
    of a petition gathering sponsors is open to anyone with the link)."""
    if petition.is_public or petition.state == Petition.State.GATHERING_SPONSORS:
        return True
    return viewer is not None and (is_staff(viewer) or is_owner(viewer, petition))


def access_petition(viewer: Viewer | None, petition_id: int) -> Petition:
    """The petition `viewer` may read; `NotFound`, or `PetitionRejected` (its tombstone)."""
    petition = (
        Petition.objects.select_related("addressed_organisation", "topic", "region")
        .filter(pk=petition_id)
        .first()
    )
    if petition is None:
        raise NotFound(_("There is no such petition."))
    if petition.state == Petition.State.REJECTED:
        raise PetitionRejected(petition)
    if not may_see(viewer, petition):
        raise NotFound(_("There is no such petition."))
    return petition
