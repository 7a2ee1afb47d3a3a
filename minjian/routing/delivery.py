"""Writing cases into inboxes, shared by the routing job and addressing."""

from __future__ import annotations

from collections.abc import Collection

from django.db import router
from django.db.models.signals import post_save
from django.utils import timezone

from minjian.cases.models import Case, CaseEvent
from minjian.routing.models import InboxItem


def deliver(case: Case, organisation_ids: Collection[int], *, addressed: bool = False) -> set[int]:
    """Put `case` (locked by the caller) in the inboxes of `organisation_ids` that
    do not have it yet, writing one `routed` event for each; returns those ids.

    The caller's lock on the case serialises deliveries of one case; the unique
    constraint of the inbox stays the last guard against a second row.
    """
    present = set(
        InboxItem.objects.filter(case=case, organisation_id__in=organisation_ids).values_list(
            "organisation_id", flat=True
        )
    )
    new = sorted(set(organisation_ids) - present)
    if not new:
        return set()
    now = timezone.now()
    InboxItem.objects.bulk_create(
        [
            InboxItem(organisation_id=org_id, case=case, routed_at=now, addressed=addressed)
            for org_id in new
        ],
        ignore_conflicts=True,
    )
    events = CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.ROUTED,
                organisation_id=org_id,
                created_at=now,
                payload={"addressed": True} if addressed else {},
            )
            for org_id in new
        ]
    )
    # bulk_create sends no signals: send post_save as save() would, so that the
    # apps reacting to case events (contract in docs/architecture.md) see these too.
    for event in events:
        post_save.send(
            sender=CaseEvent,
            instance=event,
            created=True,
            update_fields=None,
            raw=False,
            using=router.db_for_write(CaseEvent),
        )
    return set(new)
