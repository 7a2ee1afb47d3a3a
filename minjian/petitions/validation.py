"""What a petition is made of, checked before anything is written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.services import clean_email
from minjian.cases.models import Case
from minjian.cases.validation import clean_note
from minjian.core.errors import DomainError
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.redaction import redact

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10_000
NAME_MAX_LENGTH = 100
# Far beyond any petition; it keeps the goal a sane number.
GOAL_MAX = 100_000_000


@dataclass(frozen=True)
class AddressedBody:
    organisation: Organisation | None
    name: str
    contact: str


def clean_title(raw: str | None) -> str:
    title = (raw or "").strip()
    if not title:
        raise DomainError("title_required", _("Give the petition a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            "title_too_long",
            _("The title can be at most %(limit)d characters long.") % {"limit": TITLE_MAX_LENGTH},
            field="title",
        )
    return redact(title).text


def clean_text(raw: str | None, *, field: str, required: bool) -> str:
    """The request or the background: personal data replaced, as in a case's text."""
    text = (raw or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(f"{field}_required", _("Write what the petition asks for."), field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            "text_too_long",
            _("This text can be at most %(limit)d characters long.") % {"limit": TEXT_MAX_LENGTH},
            field=field,
        )
    return redact(text).text if text else ""


def clean_deadline(deadline: date | None) -> date:
    if deadline is None:
        raise DomainError("deadline_required", _("Choose a deadline."), field="deadline")
    if deadline <= timezone.localdate():
        raise DomainError(
            "deadline_past", _("The deadline must be a day in the future."), field="deadline"
        )
    return deadline


def clean_goal(goal: int | None) -> int:
    if goal is None or isinstance(goal, bool) or not 1 <= goal <= GOAL_MAX:
        raise DomainError(
            "goal_invalid",
            _("The signature goal must be a whole number from 1 to %(limit)d.")
            % {"limit": GOAL_MAX},
            field="signature_goal",
        )
    return goal


def clean_addressed_body(
    organisation: Organisation | None, name: str | None, contact: str | None
) -> AddressedBody:
    """An agency on Minjian, or a named body with a public e-mail address: one of them."""
    name = (name or "").strip()
    contact = (contact or "").strip()
    if organisation is not None:
        if name or contact:
            raise DomainError(
                "body_ambiguous",
                _(
                    "Address the petition to an organisation on Minjian or to a named body, "
                    "not both."
                ),
                field="addressed_name",
            )
        if not organisation.is_agency:
            raise DomainError(
                "body_not_agency",
                _("A petition on Minjian is addressed to a government agency."),
                field="addressed_organisation",
            )
        return AddressedBody(organisation=organisation, name="", contact="")
    if not name:
        raise DomainError(
            "body_unknown",
            _("Say which body the petition is addressed to."),
            field="addressed_name",
        )
    if len(name) > TITLE_MAX_LENGTH:
        raise DomainError(
            "body_name_too_long",
            _("The name can be at most %(limit)d characters long.") % {"limit": TITLE_MAX_LENGTH},
            field="addressed_name",
        )
    address = clean_email(contact)
    if not address:
        raise DomainError(
            "body_contact_required",
            _(
                "Give the public e-mail address of the body addressed: the petition is "
                "delivered there."
            ),
            field="addressed_contact",
        )
    return AddressedBody(organisation=None, name=name, contact=address)


def clean_cited_cases(cases: Iterable[Case]) -> list[Case]:
    """The cases cited, each public now (read again: the caller's copy may be old)."""
    wanted = {case.pk for case in cases}
    public = list(Case.objects.filter(pk__in=wanted, state__in=Case.PUBLIC_STATES))
    missing = sorted(wanted - {case.pk for case in public})
    if missing:
        raise DomainError(
            "case_not_public",
            _("A petition can cite public cases only (case #%(id)d is not).") % {"id": missing[0]},
            field="cited_cases",
        )
    return public


def clean_display_name(raw: str | None) -> str:
    name = (raw or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            "name_too_long",
            _("The name can be at most %(limit)d characters long.") % {"limit": NAME_MAX_LENGTH},
            field="display_name",
        )
    return name


def clean_signer_region(region: Region | None) -> Region | None:
    if region is not None and region.level != Region.Level.PROVINCE:
        raise DomainError(
            "region_not_province",
            _("Choose a province (or none)."),
            field="region",
        )
    return region


def clean_reason(raw: str | None) -> str:
    """A moderator's public reason: the one validator of notes on a timeline."""
    return clean_note(raw, required=True)


def clean_answer(raw: str | None) -> str:
    """The body's answer: the one validator of notes on a timeline, and not empty."""
    return clean_note(raw, required=True)


@dataclass(frozen=True)
class Draft:
    """A petition's text and terms, checked: what its author writes and may edit while it
    is a draft."""

    title: str
    request: str
    background: str
    deadline: date
    signature_goal: int
    body: AddressedBody
    cited_cases: list[Case]


def clean_draft(
    *,
    title: str,
    request: str,
    background: str,
    deadline: date | None,
    signature_goal: int | None,
    addressed_organisation: Organisation | None,
    addressed_name: str,
    addressed_contact: str,
    cited_cases: Iterable[Case],
) -> Draft:
    return Draft(
        title=clean_title(title),
        request=clean_text(request, field="request", required=True),
        background=clean_text(background, field="background", required=False),
        deadline=clean_deadline(deadline),
        signature_goal=clean_goal(signature_goal),
        body=clean_addressed_body(addressed_organisation, addressed_name, addressed_contact),
        cited_cases=clean_cited_cases(cited_cases),
    )
