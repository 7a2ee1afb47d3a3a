"""Allocation rounds: accepted supply handed to the open needs of verified recipients.

The sharing itself (weights, water-filling) is `minjian.aid.allocation`, pure
arithmetic; this module reads and locks the drive's rows for it, and stores its
answer as allocation lines, each with the reasons it got its share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import transaction

from minjian.accounts.models import User
from minjian.aid import access, recording, selectors
from minjian.aid.allocation import PRIORITIES, Floats, Ints, NeedColumns, SupplyColumns, allocate
from minjian.aid.models import AllocationLine, AllocationRound, Drive, DriveEvent
from minjian.aid.selectors import EarmarkedSupply, RoundNeeds
from minjian.aid.services.shared import Figure, Kind, drive_row, record


def drive_allocate(*, actor: User | None, drive_id: int) -> AllocationRound:
    """One allocation round: earmarked pledges first, to their need; then the rest of the
    accepted supply shared by `allocation.allocate` among the open needs of verified
    recipients, under each item's minimum line, each line stored with the reasons it got
    its share."""
    with transaction.atomic():
        drive = drive_row(drive_id, lock=True)
        user = access.require_organiser(actor, drive)
        needs = selectors.round_needs(drive)
        supply = selectors.round_supply(drive)
        round_ = AllocationRound.objects.create(drive=drive, actor=user)
        met_share = _met_shares(needs)
        still_open = needs.quantity - needs.allocated
        lines = _earmarked_lines(round_, needs, met_share, still_open, supply.earmarked)
        lines += _shared_lines(
            round_, needs, met_share, still_open, supply.general, _min_lines(drive)
        )
        AllocationLine.objects.bulk_create(lines)
        _record_round(drive, user, round_, lines, needs)
    return round_


def _met_shares(needs: RoundNeeds) -> Floats:
    """For each need, how much of everything its recipient needs was allocated to it
    before this round (0..1)."""
    _recipients, recipient = np.unique(needs.recipient_id, return_inverse=True)
    needed = np.bincount(recipient, weights=needs.quantity)
    given = np.bincount(recipient, weights=needs.allocated)
    shares: Floats = (given / needed)[recipient] if len(recipient) else np.zeros(0)
    return shares


def _earmarked_lines(
    round_: AllocationRound,
    needs: RoundNeeds,
    met_share: Floats,
    still_open: Ints,
    earmarked: Sequence[EarmarkedSupply],
) -> list[AllocationLine]:
    """Each earmarked pledge goes to its own need, as far as the need is still open
    (`still_open` takes what it gets)."""
    lines: list[AllocationLine] = []
    for pledge_id, need_id, remaining in earmarked:
        # A need whose recipient is not (or no longer) verified gets nothing this round.
        need = int(np.searchsorted(needs.need_id, need_id))
        if need == len(needs.need_id) or needs.need_id[need] != need_id:
            continue
        quantity = min(remaining, int(still_open[need]))
        if quantity > 0:
            still_open[need] -= quantity
            lines.append(
                AllocationLine(
                    round=round_,
                    need_id=need_id,
                    pledge_id=pledge_id,
                    quantity=quantity,
                    weight=1.0,
                    explanation={
                        "earmarked": True,
                        "priority": PRIORITIES[needs.priority[need]].value,
                        "met_share": round(float(met_share[need]), 4),
                        "region_weight": float(needs.region_weight[need]),
                    },
                )
            )
    return lines


def _min_lines(drive: Drive) -> dict[int, int]:
    """Item id → its minimum line, for the items whose minimum is above one unit."""
    return dict(drive.items.filter(min_line_quantity__gt=1).values_list("pk", "min_line_quantity"))


def _shared_lines(
    round_: AllocationRound,
    needs: RoundNeeds,
    met_share: Floats,
    still_open: Ints,
    general: SupplyColumns,
    min_lines: dict[int, int],
) -> list[AllocationLine]:
    """The general supply shared among the needs still open, by `allocation.allocate`."""
    open_ = still_open > 0
    allocation = allocate(
        NeedColumns(
            need_id=needs.need_id[open_],
            recipient_id=needs.recipient_id[open_],
            item_id=needs.item_id[open_],
            open_quantity=still_open[open_],
            priority=needs.priority[open_],
            met_share=met_share[open_],
            region_weight=needs.region_weight[open_],
        ),
        general,
        min_lines,
    )
    return [
        AllocationLine(
            round=round_,
            need_id=need_id,
            pledge_id=pledge_id,
            quantity=quantity,
            weight=weight,
            explanation={
                "earmarked": False,
                "priority": PRIORITIES[priority].value,
                "met_share": share,
                "region_weight": region_weight,
            },
        )
        for need_id, pledge_id, quantity, weight, priority, share, region_weight in zip(
            allocation.need_id.tolist(),
            allocation.pledge_id.tolist(),
            allocation.quantity.tolist(),
            allocation.weight.tolist(),
            allocation.priority.tolist(),
            allocation.met_share.tolist(),
            allocation.region_weight.tolist(),
            strict=True,
        )
    ]


def _record_round(
    drive: Drive,
    user: User,
    round_: AllocationRound,
    lines: Sequence[AllocationLine],
    needs: RoundNeeds,
) -> None:
    """The round's event, then one `allocated` event per line (the ledger's figure)."""
    record(drive, Kind.ALLOCATION_ROUND, user, payload={"round": round_.pk, "lines": len(lines)})
    need = np.searchsorted(needs.need_id, [line.need_id for line in lines])
    allocated = DriveEvent.objects.bulk_create(
        DriveEvent(
            drive=drive,
            kind=Kind.ALLOCATED,
            actor=user,
            recipient_id=recipient_id,
            item_id=item_id,
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
        for line, recipient_id, item_id in zip(
            lines,
            needs.recipient_id[need].tolist(),
            needs.item_id[need].tolist(),
            strict=True,
        )
    )
    recording.record_events(drive, allocated)
