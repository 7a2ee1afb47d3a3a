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

`cases.services` applies these rules to every transition, the case page shows
their refusals next to the buttons it leaves out, and `routing` asks the same
question ("which organisations have this case?") through
`organisations_with_case`. The rule reads only tables `cases` owns or depends on
already (case events, organisations, memberships), so `cases` never imports
`routing`, which imports `cases`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
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


def is_member_of_organisation_with_case(actor: Actor, case: Case) -> bool:
    """Whether `actor` belongs (in any role) to an organisation that has this case."""
    if actor is None or not actor.is_active:
        return False
    return organisations_with_case(case).filter(memberships__user=actor).exists()


@dataclass(frozen=True)
class Standing:
    """What the rules ask about one actor and one case, found out once."""

    staff: bool = False
    reporter: bool = False
    member_of_organisation_with_case: bool = False


def standing(actor: Actor, case: Case) -> Standing:
    if actor is None or not actor.is_active:
        return Standing()
    return Standing(
        staff=actor.is_staff,
        reporter=case.reporter_id is not None and case.reporter_id == actor.pk,
        member_of_organisation_with_case=is_member_of_organisation_with_case(actor, case),
    )


@dataclass(frozen=True)
class Rule:
    """Who may take a transition, and what the case page says to anyone else."""

    allows: Callable[[Standing], bool]
    refusal: str | Promise


STAFF = Rule(
    lambda s: s.staff,
    _("Only a moderator can do this."),
)
RESPONDERS = Rule(
    lambda s: s.staff or s.member_of_organisation_with_case,
    _("Only moderators and members of an organisation this case was sent to can do this."),
)
RESPONDERS_OR_REPORTER = Rule(
    lambda s: s.staff or s.member_of_organisation_with_case or s.reporter,
    _(
        "Only its reporter, moderators and members of an organisation this case was sent to "
        "can do this."
    ),
)
