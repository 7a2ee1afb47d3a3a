"""Every change routing knows: subscriptions, and what members do with their inbox.

Each function is one user action in one transaction, writing its event: a
`CaseEvent` with `organisation` set for what happens to a case (the public
timeline and the accountability figures are read from those), an
`OrganisationEvent` for a change of subscriptions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.cases.services import NOTE_MAX_LENGTH, TRANSITIONS, _move, _note_held
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.orgs import access as org_access
from minjian.orgs.models import Organisation, OrganisationEvent
from minjian.places.models import Region
from minjian.redaction import Redacted, redact
from minjian.routing import access, selectors
from minjian.routing.delivery import deliver
from minjian.routing.models import InboxItem, Subscription
from minjian.topics.models import Topic

SUBSCRIPTION_ADDED = OrganisationEvent.Kind.SUBSCRIPTION_ADDED
SUBSCRIPTION_REMOVED = OrganisationEvent.Kind.SUBSCRIPTION_REMOVED


def subscription_add(
    *,
    actor: User,
    organisation: Organisation,
    topic_slug: str | None,
    region_code: str | None,
) -> Subscription:
    """An admin subscribes her organisation to a topic ("" = every topic) in a
    region ("" = everywhere; a region includes everything under it)."""
    org_access.require_admin(actor, organisation)
    topic = None
    if topic_slug:
        topic = Topic.objects.filter(slug=topic_slug).first()
        if topic is None:
            raise DomainError("unknown_topic", _("There is no such topic."), field="topic")
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise DomainError("unknown_region", _("There is no such region."), field="region")
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                organisation=organisation, topic=topic, region=region
            )
            OrganisationEvent.objects.create(
                organisation=organisation,
                kind=SUBSCRIPTION_ADDED,
                actor=actor,
                payload={"topic": topic_slug or None, "region": region_code or None},
            )
    except IntegrityError as error:
        raise DomainError(
            "subscription_exists",
            _("Your organisation already follows this topic in this region."),
            status=409,
            field="topic",
        ) from error
    return subscription


def subscription_remove(*, actor: User, organisation: Organisation, subscription_id: int) -> None:
    org_access.require_admin(actor, organisation)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_related("topic", "region")
            .filter(pk=subscription_id, organisation=organisation)
            .first()
        )
        if subscription is None:
            raise NotFound(_("There is no such subscription."))
        OrganisationEvent.objects.create(
            organisation=organisation,
            kind=SUBSCRIPTION_REMOVED,
            actor=actor,
            payload={
                "topic": subscription.topic.slug if subscription.topic else None,
                "region": subscription.region.code if subscription.region else None,
            },
        )
        subscription.delete()


def inbox_acknowledge(
    *, actor: User, organisation: Organisation, case_id: int, note: str = ""
) -> CaseEvent:
    """A member acknowledges a case for her organisation: "we have it".

    The first acknowledgement by anyone moves a published case to acknowledged,
    by the same rule as `cases.services.case_acknowledge`; later ones (another
    organisation, or a case already further along) only add the event.
    """
    text = _note(note)
    with transaction.atomic():
        item, case = _locked(actor, organisation, case_id)
        if item.is_acknowledged:
            raise DomainError(
                "already_acknowledged",
                _("Your organisation has already acknowledged this case."),
                status=409,
            )
        item.acknowledged_at = timezone.now()
        item.save(update_fields=["acknowledged_at"])
        held = _note_held(actor, case, text)
        acknowledge = TRANSITIONS["acknowledge"]
        if case.state in acknowledge.allowed_from and acknowledge.may(actor, case):
            return _move(
                case,
                actor=actor,
                to=acknowledge.to,
                kind=acknowledge.kind,
                note=text.text,
                note_held=held,
                organisation=organisation,
            )
        return _write(case, CaseEvent.Kind.ACKNOWLEDGED, actor, organisation, text, held=held)


def inbox_post_update(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member posts a public update on a case in her organisation's inbox."""
    text = _note(note, required=True)
    with transaction.atomic():
        case = _locked(actor, organisation, case_id)[1]
        return _write(
            case,
            CaseEvent.Kind.PUBLIC_UPDATE,
            actor,
            organisation,
            text,
            held=_note_held(actor, case, text),
        )


def inbox_add_internal_note(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member leaves a note only her organisation's members read.

    It is redacted like public text all the same: an inbox is shared by many
    people, and a reporter's phone number has no business in it either.
    """
    text = _note(note, required=True)
    with transaction.atomic():
        case = _locked(actor, organisation, case_id)[1]
        return _write(case, CaseEvent.Kind.INTERNAL_NOTE, actor, organisation, text, internal=True)


def inbox_post_official_response(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """An agency answers officially: only members of a verified agency that has
    the case in its inbox (routed to it or addressed to it)."""
    if not (organisation.is_agency and organisation.verified):
        raise PermissionDenied(
            _("Only verified government agencies give official responses."),
            code="not_a_verified_agency",
        )
    text = _note(note, required=True)
    with transaction.atomic():
        case = _locked(actor, organisation, case_id)[1]
        return _write(
            case,
            CaseEvent.Kind.OFFICIAL_RESPONSE,
            actor,
            organisation,
            text,
            held=_note_held(actor, case, text),
        )


def case_address_to_agency(
    *, actor: User, case_id: int, agency_slug: str, note: str = ""
) -> CaseEvent:
    """Address a public case to a verified agency by name: it lands in the
    agency's inbox (with a `routed` event, if it was not there yet) and the
    timeline says so (`addressed`).

    Who may: site staff, the case's reporter, and members of a verified
    organisation that has the case in its inbox (an NGO passing it on to the
    authority that can act).
    """
    text = _note(note)
    agency = Organisation.objects.filter(
        slug=agency_slug, kind=Organisation.Kind.AGENCY, verified=True
    ).first()
    if agency is None:
        raise DomainError("unknown_agency", _("Choose one of the listed agencies."), field="agency")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_public:
            raise NotFound(_("There is no such case."))
        if not selectors.may_address(actor, case):
            raise PermissionDenied(_("You are not allowed to address this case to an agency."))
        if case.state == Case.State.CLOSED:
            raise DomainError("case_closed", _("This case is closed."), status=409)
        if InboxItem.objects.filter(case=case, organisation=agency, addressed=True).exists():
            raise DomainError(
                "already_addressed",
                _("This case is already addressed to this agency."),
                status=409,
                field="agency",
            )
        if not deliver(case, [agency.pk], addressed=True):
            InboxItem.objects.filter(case=case, organisation=agency).update(addressed=True)
        return _write(
            case,
            CaseEvent.Kind.ADDRESSED,
            actor,
            agency,
            text,
            held=_note_held(actor, case, text),
        )


def _note(note: str | None, *, required: bool = False) -> Redacted:
    text = (note or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError("note_required", _("Write something first."), field="note")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            "note_too_long",
            _("The note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    return redact(text)


def _locked(actor: User, organisation: Organisation, case_id: int) -> tuple[InboxItem, Case]:
    """The inbox entry and its case, locked, if `actor` may act on it for `organisation`."""
    access.require_member(actor, organisation)
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    item = (
        InboxItem.objects.select_for_update()
        .filter(organisation=organisation, case_id=case_id)
        .first()
    )
    if case is None or item is None or not case.is_public:
        raise NotFound(_("This case is not in your organisation's inbox."), code="not_in_inbox")
    return item, case


def _write(
    case: Case,
    kind: CaseEvent.Kind,
    actor: User,
    organisation: Organisation,
    text: Redacted,
    *,
    held: bool = False,
    internal: bool = False,
) -> CaseEvent:
    now = timezone.now()
    payload: dict[str, object] = {"note": text.text} if text.text else {}
    if held:
        payload["held"] = True
    if kind != CaseEvent.Kind.INTERNAL_NOTE:
        case.updated_at = now
        case.save(update_fields=["updated_at"])
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        organisation=organisation,
        internal=internal,
        created_at=now,
        payload=payload,
    )


# What a member does with a case in her inbox, by the name pages and the API use.
MEMBER_ACTIONS: dict[str, Callable[..., CaseEvent]] = {
    "acknowledge": inbox_acknowledge,
    "update": inbox_post_update,
    "note": inbox_add_internal_note,
    "response": inbox_post_official_response,
}
