"""Needs: how many of an item a recipient lacks, by when, and how urgently."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.models import Item, Need, Priority, Recipient
from minjian.aid.services.shared import (
    Figure,
    Kind,
    catalogue_item,
    recipient_row,
    record,
    whole_quantity,
)
from minjian.core.errors import DomainError


def need_set(
    *,
    actor: User | None,
    recipient_id: int,
    item_id: object,
    quantity: object,
    priority: str,
    deadline: date | None = None,
) -> Need:
    """Create or change a recipient's need of an item. The event records by how much
    the need moved; it can never go below what is already allocated to it."""
    count = whole_quantity(quantity)
    if priority not in Priority.values:
        raise DomainError("unknown_priority", _("Choose a priority."), field="priority")
    with transaction.atomic():
        recipient = recipient_row(recipient_id)
        access.require_recipient_or_organiser(actor, recipient)
        item = catalogue_item(recipient.drive, item_id)
        need, before = _need_to_change(recipient, item, count)
        need.quantity = count
        need.priority = priority
        need.deadline = deadline
        need.updated_at = timezone.now()
        need.save()
        record(
            recipient.drive,
            Kind.NEED_SET,
            actor,
            recipient=recipient,
            item=item,
            figure=Figure.NEEDED,
            delta=count - before,
            payload={
                "need": need.pk,
                "quantity": count,
                "priority": priority,
                "deadline": deadline.isoformat() if deadline else None,
            },
        )
    return need


def _need_to_change(recipient: Recipient, item: Item, count: int) -> tuple[Need, int]:
    """The recipient's need of the item, locked (or a new one), and its quantity before.
    Refused if `count` is less than what was already allocated to it."""
    need = Need.objects.select_for_update().filter(recipient=recipient, item=item).first()
    if need is None:
        return Need(recipient=recipient, item=item), 0
    allocated = int(need.allocation_lines.aggregate(total=Sum("quantity"))["total"] or 0)
    if count < allocated:
        raise DomainError(
            "need_below_allocated",
            _("%(allocated)d are already allocated to this need: it cannot be less.")
            % {"allocated": allocated},
            field="quantity",
        )
    return need, need.quantity
