"""Who may judge claims, and in whose name.

Verifiers are site staff, and members of verified organisations whose admin gave them
the verifier mark (`orgs.selectors.user_is_verifier`). A verifier acts for one of her
verifying organisations, chosen when she has several; every verdict names it.

Staff act for the site's staff unless they choose one of their own verifying
organisations. For the rule that *false* and *corroborated* need verifiers of
different organisations (`MINJIAN_VERDICT_CONFIRMATIONS`), the site's staff count as
one organisation of their own: a member of an NGO and a staff member may agree, two
staff members acting as staff may not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.claims.models import Flag
from minjian.core.errors import DomainError, PermissionDenied
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import Viewer, user_is_verifier, verifying_organisations_of

# The value of the organisation field that stands for the site's staff.
AS_STAFF = ""


@dataclass(frozen=True)
class Acting:
    """The organisation a verifier acts for; None: the site's staff."""

    organisation: Organisation | None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation is not None else None

    def snapshot(self) -> dict[str, Any]:
        """How a verdict's payload names it (`cases.claim_review.named_organisation`)."""
        if self.organisation is None:
            return {"staff": True}
        return {
            "slug": self.organisation.slug,
            "name_zh": self.organisation.name_zh,
            "name_en": self.organisation.name_en,
        }


def may_judge(viewer: object) -> bool:
    return isinstance(viewer, User) and viewer.is_active and user_is_verifier(viewer)


def flag_queues(viewer: object) -> list[str]:
    """The kinds of readers' flags `viewer` reads and decides of: rumours to check
    (verifiers), texts that expose a person (moderators, the site's staff)."""
    moderator = isinstance(viewer, User) and viewer.is_active and viewer.is_staff
    return [
        kind
        for kind, allowed in (
            (Flag.Kind.RUMOUR, may_judge(viewer)),
            (Flag.Kind.EXPOSES_PERSON, moderator),
        )
        if allowed
    ]


def require_verifier(actor: Viewer | None) -> User:
    if actor is None or not may_judge(actor):
        raise PermissionDenied(
            _(
                "Only verifiers may do this: site staff, and members of verified "
                "organisations given the verifier mark by an admin."
            ),
            code="not_a_verifier",
        )
    assert isinstance(actor, User)
    return actor


def acting_for(actor: User, organisation: str) -> Acting:
    """The organisation `actor` (a verifier) acts for: the one whose slug she chose, or,
    choosing none, the site's staff (for staff) or her only verifying organisation."""
    if organisation != AS_STAFF:
        chosen = verifying_organisations_of(actor).filter(slug=organisation).first()
        if chosen is None:
            raise DomainError(
                "not_a_verifier_of_organisation",
                _("You are not a verifier of this organisation."),
                status=403,
                field="organisation",
            )
        return Acting(chosen)
    if actor.is_staff:
        return Acting(None)
    verifying = list(verifying_organisations_of(actor)[:2])
    if not verifying:
        require_verifier(None)
    if len(verifying) > 1:
        raise DomainError(
            "organisation_required",
            _("Choose the organisation you act for."),
            field="organisation",
        )
    return Acting(verifying[0])


def acting_choices(actor: User) -> list[tuple[str, str]]:
    """What a verifier may choose to act for, as (value, name)."""
    choices = [
        (organisation.slug, str(organisation.name))
        for organisation in verifying_organisations_of(actor).order_by("slug")
    ]
    if actor.is_staff:
        choices.insert(0, (AS_STAFF, str(_("the site's staff"))))
    return choices
