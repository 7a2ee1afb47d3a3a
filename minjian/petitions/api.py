"""Petitions in the JSON API: the list, one petition with its counts by province and its
timeline, and signing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from minjian.accounts.api import api_actor
from minjian.core.errors import DomainError
from minjian.core.public_cache import public_page
from minjian.core.schemas import ErrorOut, Id, InputSchema, PageNumber, PageSize, numbered_page
from minjian.orgs.selectors import organisation_by_slug
from minjian.petitions import access, selectors, services
from minjian.petitions.models import Petition, PetitionEvent, Signature
from minjian.petitions.services import Signer, petition_tag
from minjian.petitions.sign_guard import admit_signer
from minjian.places.selectors import region_filter, region_with_code

router = Router(tags=["petitions"])


class PetitionQuery(InputSchema):
    state: str = Field(
        "", description="open, closed, delivered or answered; empty: every public petition."
    )
    topic: str = Field("", description="A topic's slug.")
    region: str = Field(
        "", description="A region's code: its petitions and those of the regions under it."
    )
    page: PageNumber = 1
    page_size: PageSize = 20


class PetitionAddressedOut(Schema):
    name: str = Field(description="The body the petition is addressed to.")
    organisation: str | None = Field(
        description="Its slug when it is an organisation on Minjian, else null."
    )


class PetitionSummaryOut(Schema):
    id: int
    title: str
    state: str
    state_label: str
    addressed: PetitionAddressedOut
    topic: str | None = Field(description="The topic's slug.")
    region: str | None = Field(description="The region's code.")
    deadline: date
    signature_goal: int
    signatures: int = Field(description="Validated signatures, people and organisations.")
    opened_at: datetime | None


class PetitionPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[PetitionSummaryOut]


class PetitionRegionCountOut(Schema):
    region: str = Field(description="A province's code.")
    name: str
    signatures: int


class PetitionTimelineEntryOut(Schema):
    kind: str
    label: str
    created_at: datetime
    organisation: str | None = Field(description="The organisation named, by its slug.")
    note: str = Field(description="A moderator's reason or the body's answer, else empty.")
    count: int | None = Field(description="Signatures counted or invalidated, if any.")


class PetitionOrganisationSignerOut(Schema):
    organisation: str = Field(description="Its slug.")
    name: str
    signed_at: datetime | None


class PetitionOut(PetitionSummaryOut):
    request: str
    background: str
    deliver_at_deadline: bool
    sponsors_needed: int
    cited_cases: list[int]
    organisations_signed: list[PetitionOrganisationSignerOut] = Field(
        description="Organisations that signed as organisations, apart from people."
    )
    signatures_by_region: list[PetitionRegionCountOut]
    signatures_without_region: int
    timeline: list[PetitionTimelineEntryOut]


class PetitionSignatureIn(InputSchema):
    email: str = Field(
        "", description="Without a token: the address the confirmation mail goes to."
    )
    display_name: str = Field("", description="A name to show, at most 100 characters.")
    name_hidden: bool = Field(False, description="Show no name, whatever `display_name` is.")
    region: str = Field("", description="A province's code, for the map; optional.")
    organisation: str = Field(
        "",
        description="With a token: the slug of an organisation whose admin signs in its name.",
    )
    altcha: str = Field(
        "",
        description="Without a token: the base64 solution of a challenge from GET "
        "/altcha/challenge (ALTCHA proof of work).",
    )


class PetitionSignatureOut(Schema):
    state: str = Field(
        description="`validated` (it counts), or `pending`: waiting for the signer to "
        "confirm by the link mailed to her, or for a moderator (`needs_review`)."
    )
    needs_review: bool = Field(
        description="Taken beyond the rate limits: a moderator decides whether it counts."
    )
    message: str


@router.get("", response={200: PetitionPageOut, 400: ErrorOut}, summary="Petitions")
def list_petitions(request: HttpRequest, query: Query[PetitionQuery]) -> dict[str, Any]:
    """Public petitions (open, closed, delivered, answered), the most recently opened
    first, a numbered page at a time. Refusals: 400 `unknown_state`, `unknown_region`."""
    if query.state and query.state not in Petition.PUBLIC_STATES:
        raise DomainError("unknown_state", _("There is no such state."), field="state")
    petitions = selectors.petition_list(
        state=query.state or None, topic=query.topic or None, region=region_filter(query.region)
    )
    return numbered_page(petitions, _summary, page=query.page, page_size=query.page_size)


@router.get(
    "/{petition_id}",
    response={200: PetitionOut, 404: ErrorOut, 410: ErrorOut},
    summary="One petition",
)
@decorate_view(public_page(lambda petition_id: (petition_tag(petition_id),)))
def get_petition(request: HttpRequest, petition_id: Id) -> dict[str, Any]:
    """A petition with its signatures counted by province and its timeline. A rejected
    petition answers 410 `rejected` with the moderator's reason (`details.reason`); a
    draft, or one waiting for a moderator, 404 but to its owners and staff."""
    petition = access.access_petition(api_actor(request), petition_id)
    counts = selectors.counts_by_region(petition)
    return {
        **_summary(petition),
        "request": petition.request,
        "background": petition.background,
        "deliver_at_deadline": petition.deliver_at_deadline,
        "sponsors_needed": petition.sponsors_needed,
        "cited_cases": [case.pk for case in selectors.cited_cases(petition)],
        "organisations_signed": [
            {
                "organisation": signature.signed_as_organisation.slug,
                "name": signature.signed_as_organisation.name,
                "signed_at": signature.validated_at,
            }
            for signature in selectors.organisation_signatures(petition)
            if signature.signed_as_organisation is not None
        ],
        "signatures_by_region": [
            {"region": row.region.code, "name": row.region.name, "signatures": row.count}
            for row in counts.regions
        ],
        "signatures_without_region": counts.without_region,
        "timeline": [_entry(event) for event in selectors.timeline(petition)],
    }


@router.post(
    "/{petition_id}/signatures",
    response={
        201: PetitionSignatureOut,
        202: PetitionSignatureOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
        429: ErrorOut,
    },
    summary="Sign a petition",
)
def sign_petition(
    request: HttpRequest, petition_id: Id, signature: Form[PetitionSignatureIn]
) -> Status[dict[str, Any]]:
    """Sign, as multipart/form-data or a urlencoded form. With a token, the account signs
    (201, it counts at once), or with `organisation` an admin signs in her organisation's
    name. Without a token, `email` and the proof of work (`altcha`) are required: 202, a
    mail asks the signer to confirm (until then it does not count) and lets her withdraw.
    The address is kept only as a keyed hash once confirmed, and never shown. Beyond the
    rate limits a signature is still taken, but waits for a moderator (`needs_review`).

    Refusals, each writing nothing: 400 `email_required`, `invalid_email`,
    `name_too_long`, `region_not_province`, `unknown_region`, `proof_of_work_required`,
    `proof_of_work_invalid`, `proof_of_work_expired`, `proof_of_work_replayed`; 403
    `forbidden` (not an admin of the organisation); 404 `not_found`; 409 `already_signed`
    (this account, organisation or address signed already), `petition_not_signable`;
    410 `rejected`; 429 `proof_of_work_required` (without a solution, past the allowance)."""
    actor = api_actor(request)
    petition = access.access_petition(actor, petition_id)
    region = None
    if signature.region:
        region = region_with_code(signature.region)
        if region is None:
            raise DomainError("unknown_region", _("There is no such region."), field="region")
    if actor is not None and signature.organisation:
        organisation = organisation_by_slug(signature.organisation)
        services.petition_sign_as_organisation(
            actor=actor, petition=petition, organisation=organisation
        )
        return Status(201, _signed(Signature.State.VALIDATED, needs_review=False))
    if actor is None and not signature.email.strip():
        raise DomainError("email_required", _("Enter your e-mail address."), field="email")
    client_key, beyond_limits = admit_signer(request, actor, petition, proof_required=True)
    signer = Signer(
        display_name=signature.display_name,
        name_hidden=signature.name_hidden,
        region=region,
        client_key=client_key,
        needs_review=beyond_limits,
    )
    if actor is not None:
        signed = services.petition_sign(actor=actor, petition=petition, signer=signer)
        return Status(201, _signed(signed.state, needs_review=signed.needs_review))
    pending = services.petition_sign_by_email(
        petition=petition, email=signature.email, language=get_language() or "", signer=signer
    )
    return Status(202, _signed(pending.state, needs_review=pending.needs_review, mailed=True))


def _signed(state: str, *, needs_review: bool, mailed: bool = False) -> dict[str, Any]:
    if mailed:
        message = _("Check your mailbox: your signature counts once you confirm it.")
    elif needs_review:
        message = _("Thank you. Your signature counts once a moderator has looked at it.")
    else:
        message = _("Thank you for signing.")
    return {"state": state, "needs_review": needs_review, "message": message}


def _summary(petition: Petition) -> dict[str, Any]:
    organisation = petition.addressed_organisation
    return {
        "id": petition.pk,
        "title": petition.title,
        "state": petition.state,
        "state_label": str(Petition.State(petition.state).label),
        "addressed": {
            "name": petition.addressed_body_name,
            "organisation": organisation.slug if organisation is not None else None,
        },
        "topic": petition.topic.slug if petition.topic is not None else None,
        "region": petition.region.code if petition.region is not None else None,
        "deadline": petition.deadline,
        "signature_goal": petition.signature_goal,
        "signatures": petition.validated_count,
        "opened_at": petition.opened_at,
    }


def _entry(event: PetitionEvent) -> dict[str, Any]:
    note = event.payload.get("reason") or event.payload.get("note") or ""
    count = event.payload.get("count")
    return {
        "kind": event.kind,
        "label": event.kind_label,
        "created_at": event.created_at,
        "organisation": event.organisation.slug if event.organisation is not None else None,
        "note": str(note),
        "count": count if isinstance(count, int) else None,
    }
