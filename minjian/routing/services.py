"""Every change routing knows: subscriptions, and the inboxes cases reach.

Each function is one user action (or the routing job's work) in one transaction.
Routing writes its own rows, `Subscription` and `InboxItem`; what happens to the
case is written on its timeline by `cases.services` (a `CaseEvent` with
`organisation` set, from which the public timeline and the accountability figures
are read), and a change of subscriptions in the organisation's history by
`orgs.services`, each called in the same transaction.

The inbox is the door to a member's actions: each checks that the actor is a
member of the organisation and that the case is in its inbox (`access`), then
calls the `cases` service that writes what she did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases import rules
from minjian.cases import services as case_services
from minjian.cases.models import CaseEvent, locked_cases
from minjian.core.errors import DomainError, NotFound
from minjian.orgs import access as org_access
from minjian.orgs import services as org_services
from minjian.orgs.models import Organisation, OrganisationEvent
from minjian.places.selectors import region_filter
from minjian.routing import access, selectors
from minjian.routing.models import InboxItem, Subscription
from minjian.topics.selectors import topic_filter

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
    topic = topic_filter(topic_slug)
    region = region_filter(region_code)
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                organisation=organisation, topic=topic, region=region
            )
            org_services.organisation_subscription_added(
                actor=actor,
                organisation=organisation,
                topic_slug=topic_slug,
                region_code=region_code,
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
        org_services.organisation_subscription_removed(
            actor=actor,
            organisation=organisation,
            topic_slug=subscription.topic.slug if subscription.topic else None,
            region_code=subscription.region.code if subscription.region else None,
        )
        subscription.delete()


def case_route_to_subscribers(*, case_id: int) -> set[int]:
    """Put a public case in the inbox of every verified organisation subscribed to
    its topic (or all topics) in its region, a region above it, or everywhere;
    returns the organisations it reached now.

    Safe to run again: organisations that already have the case are skipped, and
    the inbox's unique constraint refuses a second row even from a concurrent run.
    A case hidden (or not yet published) by the time this runs goes nowhere.
    """
    with transaction.atomic():
        # The lock on the case serialises the deliveries of one case.
        case = locked_cases().filter(pk=case_id).first()
        if case is None or not case.is_public:
            return set()
        wanted = selectors.subscribed_organisation_ids(case)
        new = wanted - selectors.organisations_having(case, wanted)
        if not new:
            return set()
        events = case_services.case_route_to_organisations(case_id=case.pk, organisation_ids=new)
        routed_at = {event.organisation_id: event.created_at for event in events}
        InboxItem.objects.bulk_create(
            [
                InboxItem(organisation_id=org_id, case=case, routed_at=routed_at[org_id])
                for org_id in sorted(new)
            ],
            ignore_conflicts=True,
        )
    return new


def case_address_to_agency(
    *, actor: User, case_id: int, agency_slug: str, note: str = ""
) -> CaseEvent:
    """Address a public case to a verified agency by name: the timeline says so
    (`cases.services.case_address_to_agency`, which says who may) and the case is
    in the agency's inbox, marked as addressed, whether it was there before or not."""
    with transaction.atomic():
        event = case_services.case_address_to_agency(
            actor=actor, case_id=case_id, agency_slug=agency_slug, note=note
        )
        InboxItem.objects.update_or_create(
            case_id=case_id,
            organisation_id=event.organisation_id,
            defaults={"addressed": True},
            create_defaults={"addressed": True, "routed_at": event.created_at},
        )
    return event


def inbox_acknowledge(
    *, actor: User, organisation: Organisation, case_id: int, note: str = ""
) -> CaseEvent:
    """A member acknowledges a case for her organisation: "we have it"
    (`cases.services.case_acknowledge_for_organisation`, which says when that moves
    the case). The inbox lists it as acknowledged from then on
    (`inbox_items_acknowledge`, as for an acknowledgement from the case's page)."""
    with transaction.atomic():
        item = _locked_inbox_item(actor, organisation, case_id)
        if item.is_acknowledged:
            raise DomainError(
                "already_acknowledged",
                _("Your organisation has already acknowledged this case."),
                status=409,
            )
        return case_services.case_acknowledge_for_organisation(
            actor=actor, organisation=organisation, case_id=case_id, note=note
        )


def inbox_items_acknowledge(events: Sequence[CaseEvent]) -> None:
    """Each acknowledgement on a case's timeline, from the inbox or from the case's page,
    marks the case acknowledged in the inbox of the organisation it was made for, so
    that the inbox neither lists it as new nor offers to acknowledge it again.
    Called in the transaction that writes the events (`routing.receivers`)."""
    for event in events:
        if event.kind == CaseEvent.Kind.ACKNOWLEDGED and event.organisation_id is not None:
            InboxItem.objects.filter(
                case_id=event.case_id,
                organisation_id=event.organisation_id,
                acknowledged_at__isnull=True,
            ).update(acknowledged_at=event.created_at)


def inbox_post_update(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member posts a public update on a case in her organisation's inbox."""
    with transaction.atomic():
        _locked_inbox_item(actor, organisation, case_id)
        return case_services.case_post_update(
            actor=actor, organisation=organisation, case_id=case_id, note=note
        )


def inbox_add_internal_note(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member leaves a note on a case in the inbox that only her organisation's
    members read."""
    with transaction.atomic():
        _locked_inbox_item(actor, organisation, case_id)
        return case_services.case_add_internal_note(
            actor=actor, organisation=organisation, case_id=case_id, note=note
        )


def inbox_post_official_response(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """An agency answers officially: only members of a verified agency that has
    the case in its inbox (routed to it or addressed to it)."""
    # Before the inbox: an organisation that may never answer officially is told so,
    # rather than that this case is not in its inbox.
    rules.require_official_responder(organisation)
    with transaction.atomic():
        _locked_inbox_item(actor, organisation, case_id)
        return case_services.case_post_official_response(
            actor=actor, organisation=organisation, case_id=case_id, note=note
        )


def _locked_inbox_item(actor: User, organisation: Organisation, case_id: int) -> InboxItem:
    """The inbox entry of a public case, locked, if `actor` may act on it for
    `organisation`. The case is locked first, in the order every writer of its
    inbox rows takes (routing, addressing), so that none of them waits on another."""
    access.require_member(actor, organisation)
    case = locked_cases().filter(pk=case_id).first()
    item = (
        InboxItem.objects.select_for_update()
        .filter(organisation=organisation, case_id=case_id)
        .first()
    )
    if case is None or item is None or not case.is_public:
        raise NotFound(_("This case is not in your organisation's inbox."), code="not_in_inbox")
    return item


# What a member does with a case in her inbox, by the name pages and the API use.
MEMBER_ACTIONS: dict[str, Callable[..., CaseEvent]] = {
    "acknowledge": inbox_acknowledge,
    "update": inbox_post_update,
    "note": inbox_add_internal_note,
    "response": inbox_post_official_response,
}
