"""Who may move a case along: the one place the rule lives.

- Staff (moderators) may take every transition.
- Members of an organisation the case was routed or addressed to may acknowledge
  it, start work on it, resolve it and close it. "Routed or addressed to" is read
  from the case's own timeline: a `routed` or `addressed` event with that
  organisation set, written in the same transaction as the inbox entry. The
  organisation must still be verified: staff who withdraw the mark withdraw the
  right too.
- Its reporter may close it.
- Nobody else may do any of these: being a member of some verified organisation
  is not enough, the organisation must have received this case.

A member who moves a case acts for her organisation: the event names it
(`CaseEvent.organisation`), so that the accountability figures count what she did
from the case page as they count what she does from the inbox. If she belongs to
several organisations that have the case, she acts for the first of them by slug
(`organisation_acted_for`): the same one every time.

Who may address a case to an agency is the same rule as who may close it
(`may_address`); only verified government agencies give official responses
(`gives_official_responses`).

`cases.services` applies these rules to every transition, the case page shows
their refusals next to the buttons it leaves out, and `routing` asks the same
questions when it shows the address form and takes an inbox's actions. The
rules read only tables `cases` owns or depends on already (case events,
organisations, memberships), so `cases` never imports `routing`, which imports
`cases`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.core.errors import PermissionDenied
from minjian.orgs.models import Organisation

Actor = User | None

# The events that put a case in an organisation's hands.
RECEIVED_KINDS = (CaseEvent.Kind.ROUTED, CaseEvent.Kind.ADDRESSED)


def organisations_with_case(case: Case) -> QuerySet[Organisation]:
    """The verified organisations a case was routed or addressed to, by slug."""
    return Organisation.objects.filter(
        verified=True,
        pk__in=CaseEvent.objects.filter(
            case_id=case.pk, kind__in=RECEIVED_KINDS, organisation__isnull=False
        ).values("organisation_id"),
    ).order_by("slug")


def organisation_acted_for(actor: Actor, case: Case) -> Organisation | None:
    """The organisation that has this case which `actor` belongs to (in any role),
    the first by slug if she belongs to several; None if she belongs to none."""
    if actor is None or not actor.is_active:
        return None
    return organisations_with_case(case).filter(memberships__user=actor).first()


@dataclass(frozen=True)
class Standing:
    """What the rules ask about one actor and one case, found out once."""

    staff: bool = False
    reporter: bool = False
    # The organisation with the case she acts for (`organisation_acted_for`), if any.
    organisation: Organisation | None = None

    @property
    def member_of_organisation_with_case(self) -> bool:
        return self.organisation is not None


def standing(actor: Actor, case: Case) -> Standing:
    if actor is None or not actor.is_active:
        return Standing()
    return Standing(
        staff=actor.is_staff,
        reporter=case.reporter_id is not None and case.reporter_id == actor.pk,
        organisation=organisation_acted_for(actor, case),
    )


@dataclass(frozen=True)
class Rule:
    """Who may take a transition, and what the case page says to anyone else."""

    allows: Callable[[Standing], bool]
    refusal: str | Promise
    # Whether a member of an organisation with the case takes the transition for
    # it, so that its event names the organisation (moderators' decisions do not).
    for_organisations: bool = False


STAFF = Rule(
    lambda s: s.staff,
    _("Only a moderator can do this."),
)
RESPONDERS = Rule(
    lambda s: s.staff or s.member_of_organisation_with_case,
    _("Only moderators and members of an organisation this case was sent to can do this."),
    for_organisations=True,
)
RESPONDERS_OR_REPORTER = Rule(
    lambda s: s.staff or s.member_of_organisation_with_case or s.reporter,
    _(
        "Only its reporter, moderators and members of an organisation this case was sent to "
        "can do this."
    ),
    for_organisations=True,
)


def may_address(actor: Actor, case: Case) -> bool:
    """Who may address a case to an agency: site staff, its reporter, and members of
    a verified organisation that has it (an NGO passing it on to the authority)."""
    return RESPONDERS_OR_REPORTER.allows(standing(actor, case))


def gives_official_responses(organisation: Organisation) -> bool:
    """Only a verified government agency answers officially."""
    return organisation.is_agency and organisation.verified


def require_official_responder(organisation: Organisation) -> None:
    if not gives_official_responses(organisation):
        raise PermissionDenied(
            _("Only verified government agencies give official responses."),
            code="not_a_verified_agency",
        )
