"""Allocation rounds: accepted supply handed to the open needs of verified recipients.

The sharing itself (weights, water-filling) is `minjian.aid.allocation`, pure
arithmetic; this module reads and locks the drive's rows for it, and stores its
answer as allocation lines, each with the reasons it got its share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.allocation import NeedInput, SupplyInput, allocate
from minjian.aid.allocation import Priority as AllocationPriority
from minjian.aid.models import (
    AllocationLine,
    AllocationRound,
    Drive,
    DriveEvent,
    Need,
    Pledge,
    Recipient,
    RegionWeight,
)
from minjian.aid.services.shared import Figure, Kind, drive_row, record

# An accepted pledge and how much of it is still to allocate.
Supply = tuple[Pledge, int]


def drive_allocate(*, actor: User | None, drive_id: int) -> AllocationRound:
    """One allocation round: earmarked pledges first, to their need; then the rest of the
    accepted supply shared by `allocation.allocate` among the open needs of verified
    recipients, under each item's minimum line, each line stored with the reasons it got
    its share."""
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        user = access.require_organiser(actor, drive)
        standing = _standing_of(drive)
        supply = _accepted_pledges(drive)
        round_ = AllocationRound.objects.create(drive=drive, actor=user)
        lines, general = _earmarked_lines(round_, standing, supply)
        lines += _shared_lines(round_, standing, supply, general, _min_lines(drive))
        AllocationLine.objects.bulk_create(lines)
        _record_round(drive, user, round_, lines)
    return round_


@dataclass
class _Standing:
    """The needs of verified recipients (locked), and where each stands before the round."""

    needs: dict[int, Need]
    # Need id → allocated to it so far; earmarked lines of this round add to it.
    allocated: dict[int, int]
    # Recipient id → the share of all its needs met before this round (0..1).
    met_share: dict[int, float]
    # Recipient id → the weight of its region (`region_weight_set`).
    region_weight: dict[int, float]

    def still_open(self, need: Need) -> int:
        return need.quantity - self.allocated[need.pk]

    def explanation(self, need: Need) -> dict[str, object]:
        """Why an earmarked line went to its need (shared lines carry `allocate`'s own)."""
        return {
            "earmarked": True,
            "priority": need.priority,
            "met_share": round(self.met_share[need.recipient_id], 4),
            "region_weight": self.region_weight[need.recipient_id],
        }


def _standing_of(drive: Drive) -> _Standing:
    needs = list(
        Need.objects.select_for_update(of=("self",))
        .filter(recipient__drive=drive, recipient__verified_at__isnull=False)
        .select_related("recipient__region")
        .order_by("pk")
    )
    allocated: dict[int, int] = defaultdict(int)
    for row in (
        AllocationLine.objects.filter(need__in=needs)
        .values("need_id")
        .annotate(total=Sum("quantity"))
    ):
        allocated[row["need_id"]] = int(row["total"])
    weights = list(drive.region_weights.select_related("region"))
    return _Standing(
        needs={need.pk: need for need in needs},
        allocated=allocated,
        met_share=_met_shares(needs, allocated),
        region_weight={
            need.recipient_id: _region_weight_of(need.recipient, weights) for need in needs
        },
    )


def _met_shares(needs: Sequence[Need], allocated: dict[int, int]) -> dict[int, float]:
    """Recipient id → how much of everything it needs was allocated to it (0..1)."""
    needed: dict[int, int] = defaultdict(int)
    given: dict[int, int] = defaultdict(int)
    for need in needs:
        needed[need.recipient_id] += need.quantity
        given[need.recipient_id] += allocated[need.pk]
    return {recipient_id: given[recipient_id] / total for recipient_id, total in needed.items()}


def _region_weight_of(recipient: Recipient, weights: Sequence[RegionWeight]) -> float:
    """The weight of the most specific weighted region that contains the recipient."""
    best: RegionWeight | None = None
    for candidate in weights:
        if recipient.region.path.startswith(candidate.region.path) and (
            best is None or len(candidate.region.path) > len(best.region.path)
        ):
            best = candidate
    return best.weight if best else 1.0


def _accepted_pledges(drive: Drive) -> list[Supply]:
    """Accepted pledges of the drive, locked, with what is left of each to allocate."""
    pledges = list(
        Pledge.objects.select_for_update()
        .filter(drive=drive, state=Pledge.State.ACCEPTED)
        .order_by("pk")
    )
    given: dict[int, int] = {
        row["pledge_id"]: int(row["total"])
        for row in AllocationLine.objects.filter(pledge__in=pledges)
        .values("pledge_id")
        .annotate(total=Sum("quantity"))
    }
    return [
        (pledge, pledge.quantity - given.get(pledge.pk, 0))
        for pledge in pledges
        if pledge.quantity > given.get(pledge.pk, 0)
    ]


def _earmarked_lines(
    round_: AllocationRound, standing: _Standing, supply: Sequence[Supply]
) -> tuple[list[AllocationLine], list[SupplyInput]]:
    """Each earmarked pledge goes to its own need, as far as the need is still open;
    the pledges earmarked for no one are the general supply, to be shared."""
    lines: list[AllocationLine] = []
    general: list[SupplyInput] = []
    for pledge, remaining in supply:
        if pledge.earmarked_need_id is None:
            general.append(
                SupplyInput(pledge_id=pledge.pk, item_id=pledge.item_id, quantity=remaining)
            )
            continue
        # A need whose recipient is not (or no longer) verified gets nothing this round.
        need = standing.needs.get(pledge.earmarked_need_id)
        if need is None:
            continue
        quantity = min(remaining, standing.still_open(need))
        if quantity > 0:
            standing.allocated[need.pk] += quantity
            lines.append(
                AllocationLine(
                    round=round_,
                    need=need,
                    pledge=pledge,
                    quantity=quantity,
                    weight=1.0,
                    explanation=standing.explanation(need),
                )
            )
    return lines, general


def _min_lines(drive: Drive) -> dict[int, int]:
    """Item id → its minimum line, for the items whose minimum is above one unit."""
    return dict(drive.items.filter(min_line_quantity__gt=1).values_list("pk", "min_line_quantity"))


def _shared_lines(
    round_: AllocationRound,
    standing: _Standing,
    supply: Sequence[Supply],
    general: list[SupplyInput],
    min_lines: dict[int, int],
) -> list[AllocationLine]:
    """The general supply shared among the needs still open, by `allocation.allocate`."""
    open_needs = [
        NeedInput(
            need_id=need.pk,
            recipient_id=need.recipient_id,
            item_id=need.item_id,
            open_quantity=standing.still_open(need),
            priority=AllocationPriority(need.priority),
            met_share=standing.met_share[need.recipient_id],
            region_weight=standing.region_weight[need.recipient_id],
        )
        for need in standing.needs.values()
        if standing.still_open(need) > 0
    ]
    pledge_by_pk = {pledge.pk: pledge for pledge, _remaining in supply}
    return [
        AllocationLine(
            round=round_,
            need=standing.needs[line.need_id],
            pledge=pledge_by_pk[line.pledge_id],
            quantity=line.quantity,
            weight=line.weight,
            explanation={
                "earmarked": False,
                "priority": str(line.explanation.priority),
                "met_share": line.explanation.met_share,
                "region_weight": line.explanation.region_weight,
            },
        )
        for line in allocate(open_needs, general, min_lines).lines
    ]


def _record_round(
    drive: Drive, user: User, round_: AllocationRound, lines: Sequence[AllocationLine]
) -> None:
    """The round's event, then one `allocated` event per line (the ledger's figure)."""
    record(drive, Kind.ALLOCATION_ROUND, user, payload={"round": round_.pk, "lines": len(lines)})
    DriveEvent.objects.bulk_create(
        DriveEvent(
            drive=drive,
            kind=Kind.ALLOCATED,
            actor=user,
            recipient_id=line.need.recipient_id,
            item_id=line.need.item_id,
            figure=Figure.ALLOCATED,
            delta=line.quantity,
            payload={
                "round": round_.pk,
                "line": line.pk,
                "need": line.need_id,
                "pledge": line.pledge_id,
                "quantity": line.quantity,
                "explanation": line.explanation,
            },
        )
        for line in lines
    )
