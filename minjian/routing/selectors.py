"""Every read of subscriptions and inboxes that routing, the pages and the API need."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, Q, QuerySet

from minjian.cases.models import Case
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.models import InboxItem, Subscription

INBOX_NEW = "new"
INBOX_ACKNOWLEDGED = "acknowledged"
INBOX_ALL = "all"
INBOX_VIEWS = (INBOX_NEW, INBOX_ACKNOWLEDGED, INBOX_ALL)


def region_chain_codes(region: Region) -> list[str]:
    """The codes of `region` and every region above it, read from its path."""
    return [code for code in region.path.split("/") if code]


def matching_subscriptions(case: Case) -> QuerySet[Subscription]:
    """Subscriptions that want `case`: its topic or every topic, in its region, a
    region above it, or everywhere. One query, using the materialised path."""
    return Subscription.objects.filter(
        Q(topic_id=case.topic_id) | Q(topic__isnull=True),
        Q(region__code__in=region_chain_codes(case.region)) | Q(region__isnull=True),
    )


def subscribed_organisation_ids(case: Case) -> set[int]:
    """The organisations a case is routed to: verified ones with a matching subscription.

    Only verified organisations receive cases. Anyone may register an
    organisation, and a routed case puts its name on the public timeline and
    into the accountability figures, so an unverified group calling itself
    "the environment bureau" must not appear there. An unverified organisation
    may already set up its subscriptions; they take effect once staff verify it.
    """
    return set(
        matching_subscriptions(case)
        .filter(organisation__verified=True)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def organisations_having(case: Case, organisation_ids: Collection[int]) -> set[int]:
    """Those of `organisation_ids` that have `case` in their inbox already."""
    return set(
        InboxItem.objects.filter(case=case, organisation_id__in=organisation_ids).values_list(
            "organisation_id", flat=True
        )
    )


def subscriptions_of(organisation: Organisation) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(organisation=organisation)
        .select_related("topic", "region")
        .order_by("topic__position", "topic__slug", "region__path", "id")
    )


def inbox(organisation: Organisation, *, view: str = INBOX_NEW) -> QuerySet[InboxItem]:
    """The organisation's inbox, newest first: cases not acknowledged yet
    (`new`), acknowledged ones, or all. Hidden cases leave the inbox."""
    items = InboxItem.objects.filter(organisation=organisation, case__state__in=Case.PUBLIC_STATES)
    if view == INBOX_NEW:
        items = items.filter(acknowledged_at__isnull=True)
    elif view == INBOX_ACKNOWLEDGED:
        items = items.filter(acknowledged_at__isnull=False)
    return items.select_related("case", "case__topic", "case__region").order_by("-routed_at", "-id")


def inbox_item(organisation: Organisation, case_id: int) -> InboxItem | None:
    """The organisation's inbox entry for a public case, or None."""
    return (
        InboxItem.objects.filter(
            organisation=organisation, case_id=case_id, case__state__in=Case.PUBLIC_STATES
        )
        .select_related("case")
        .first()
    )


def inboxes_of(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The organisations with their count of new (unacknowledged, public) cases."""
    return organisations.annotate(
        new_count=Count(
            "inbox_items",
            filter=Q(
                inbox_items__acknowledged_at__isnull=True,
                inbox_items__case__state__in=Case.PUBLIC_STATES,
            ),
        )
    ).order_by("slug")


def agencies_for(case: Case) -> QuerySet[Organisation]:
    """Verified agencies a case may be addressed to: those not having it already."""
    return (
        Organisation.objects.filter(kind=Organisation.Kind.AGENCY, verified=True)
        .exclude(
            pk__in=InboxItem.objects.filter(case=case, addressed=True).values("organisation_id")
        )
        .order_by("slug")
    )
