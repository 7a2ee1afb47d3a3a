"""Pledges: what donors offer (perhaps for one recipient), accepted or declined by organisers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.models import Drive, Item, Need, Pledge
from minjian.aid.services.shared import (
    Figure,
    Kind,
    catalogue_item,
    drive_row,
    public_text,
    record,
    whole_quantity,
)
from minjian.cases.receipts import new_receipt_code, receipt_digest
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import organisations_of


@dataclass(frozen=True)
class PledgeMade:
    pledge: Pledge
    # Only for an anonymous donor, and only in this answer: nothing but its digest is kept.
    receipt_code: str | None


@dataclass(frozen=True)
class _CheckedPledge:
    drive: Drive
    item: Item
    count: int
    organisation: Organisation | None
    need: Need | None


def pledge_check(
    *,
    actor: User | None,
    drive_id: int,
    item_id: object,
    quantity: object,
    organisation_slug: str = "",
    earmarked_recipient_id: int | None = None,
) -> None:
    """Refuse, as `pledge_make` would, a pledge that it would refuse, and write nothing:
    a form asks this before it spends the donor's proof of work and counts her pledge
    against the rate limit."""
    with transaction.atomic():
        _checked_pledge(
            actor, drive_id, item_id, quantity, organisation_slug, earmarked_recipient_id
        )


def pledge_make(
    *,
    actor: User | None,
    drive_id: int,
    item_id: object,
    quantity: object,
    organisation_slug: str = "",
    earmarked_recipient_id: int | None = None,
) -> PledgeMade:
    """A donor offers so many of an item, perhaps for one recipient; organisers accept it later.

    An earmarked pledge can promise at most what the need still lacks after the
    other earmarked pledges and the allocations already made: the need's row is
    locked while this is counted, so pledges sent at once never overshoot it."""
    donor = actor if isinstance(actor, User) and actor.is_active else None
    with transaction.atomic():
        checked = _checked_pledge(
            donor, drive_id, item_id, quantity, organisation_slug, earmarked_recipient_id
        )
        code = new_receipt_code() if donor is None else None
        pledge = Pledge.objects.create(
            drive=checked.drive,
            item=checked.item,
            quantity=checked.count,
            donor=donor if checked.organisation is None else None,
            donor_organisation=checked.organisation,
            receipt_digest=receipt_digest(code) if code else "",
            earmarked_need=checked.need,
        )
        record(
            checked.drive,
            Kind.PLEDGED,
            donor,
            item=checked.item,
            recipient=checked.need.recipient if checked.need else None,
            payload={"pledge": pledge.pk, "quantity": checked.count},
        )
    return PledgeMade(pledge=pledge, receipt_code=code)


def _checked_pledge(
    actor: User | None,
    drive_id: int,
    item_id: object,
    quantity: object,
    organisation_slug: str,
    earmarked_recipient_id: int | None,
) -> _CheckedPledge:
    """Everything a pledge must be, checked in the caller's transaction (the earmarked
    need locked)."""
    count = whole_quantity(quantity)
    donor = actor if isinstance(actor, User) and actor.is_active else None
    drive = drive_row(drive_id)
    _refuse_unless_open(drive)
    item = catalogue_item(drive, item_id)
    return _CheckedPledge(
        drive=drive,
        item=item,
        count=count,
        organisation=_donor_organisation(donor, organisation_slug),
        need=_earmarked_need(drive, item, earmarked_recipient_id, count),
    )


def _refuse_unless_open(drive: Drive) -> None:
    if not drive.is_open():
        raise DomainError(
            "drive_closed",
            _("This drive is not taking pledges: it runs from %(start)s to %(end)s.")
            % {
                "start": timezone.localtime(drive.starts_at).date().isoformat(),
                "end": timezone.localtime(drive.ends_at).date().isoformat(),
            },
            status=409,
        )


def _donor_organisation(donor: User | None, slug: str) -> Organisation | None:
    """The organisation a signed-in member pledges in the name of, if she names one."""
    if not slug:
        return None
    organisation = organisations_of(donor).filter(slug=slug).first() if donor else None
    if organisation is None:
        raise PermissionDenied(
            _("Only members may pledge in their organisation's name."), code="not_a_member"
        )
    return organisation


def _earmarked_need(drive: Drive, item: Item, recipient_id: int | None, count: int) -> Need | None:
    """The need a pledge is earmarked for (if it is): the verified recipient's need of the
    item, locked, which must still lack `count`."""
    if recipient_id is None:
        return None
    need = (
        Need.objects.select_for_update()
        .filter(recipient_id=recipient_id, recipient__drive=drive, item=item)
        .select_related("recipient")
        .first()
    )
    if need is None or not need.recipient.is_verified:
        raise DomainError(
            "no_such_need",
            _("This recipient has no verified need of this item."),
            field="recipient",
        )
    still_lacking = need.quantity - _promised_to(need)
    if count > still_lacking:
        raise DomainError(
            "need_overshoot",
            _("This need lacks only %(open)d more.") % {"open": max(still_lacking, 0)},
            field="quantity",
            status=409,
            details={"open": max(still_lacking, 0)},
        )
    return need


def _promised_to(need: Need) -> int:
    """Earmarked pledges still standing plus what general supply already gave it."""
    earmarked = need.earmarked_pledges.exclude(state=Pledge.State.DECLINED).aggregate(
        total=Sum("quantity")
    )["total"]
    general = need.allocation_lines.filter(pledge__earmarked_need__isnull=True).aggregate(
        total=Sum("quantity")
    )["total"]
    return int(earmarked or 0) + int(general or 0)


def pledge_accept(*, actor: User | None, pledge_id: int) -> Pledge:
    return _decide(actor, pledge_id, Pledge.State.ACCEPTED, Kind.PLEDGE_ACCEPTED, "")


def pledge_decline(*, actor: User | None, pledge_id: int, reason: str = "") -> Pledge:
    return _decide(actor, pledge_id, Pledge.State.DECLINED, Kind.PLEDGE_DECLINED, reason)


def _decide(actor: User | None, pledge_id: int, state: str, kind: str, reason: str) -> Pledge:
    """An organiser's decision on a pending pledge; only an accepted one counts as pledged."""
    with transaction.atomic():
        pledge = _locked_pledge(pledge_id)
        access.require_organiser(actor, pledge.drive)
        if pledge.state != Pledge.State.PENDING:
            raise DomainError(
                "pledge_decided",
                _("This pledge was already %(state)s.") % {"state": pledge.get_state_display()},
                status=409,
            )
        pledge.state = state
        pledge.save(update_fields=["state"])
        accepted = state == Pledge.State.ACCEPTED
        record(
            pledge.drive,
            kind,
            actor,
            item=pledge.item,
            recipient_id=pledge.earmarked_need.recipient_id if pledge.earmarked_need else None,
            figure=Figure.PLEDGED if accepted else "",
            delta=pledge.quantity if accepted else 0,
            payload={
                "pledge": pledge.pk,
                "quantity": pledge.quantity,
                "reason": public_text(reason, field="reason", max_length=500, required=False),
            },
        )
    return pledge


def _locked_pledge(pledge_id: int) -> Pledge:
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("drive", "item", "earmarked_need")
        .filter(pk=pledge_id)
        .first()
    )
    if pledge is None:
        raise NotFound(_("There is no such pledge."), code="unknown_pledge")
    return pledge
