"""What the figures keep of petitions delivered to organisations on Minjian: when each was
delivered and when the organisation answered it.

The petitions app calls these in the transactions that deliver a petition and record
its answer (it sits above this app, which knows a petition only by its id). The time to
answer is counted from delivery, to the whole second, as a case's time to respond is
counted from its routing.
"""

from __future__ import annotations

from datetime import datetime

from minjian.accountability.facts import to_second
from minjian.accountability.models import DeliveredPetition
from minjian.accountability.selectors import Filters, PetitionFigures, figures_of
from minjian.core.public_cache import ACCOUNTABILITY, touch
from minjian.orgs.models import Organisation


def petition_delivered(
    *, organisation: Organisation, petition_id: int, title: str, at: datetime
) -> None:
    """A petition reached `organisation`'s inbox at `at`. Delivered twice, it counts once,
    from the first delivery."""
    DeliveredPetition.objects.bulk_create(
        [
            DeliveredPetition(
                organisation=organisation,
                petition_id=petition_id,
                title=title,
                delivered_at=to_second(at),
            )
        ],
        ignore_conflicts=True,
    )
    touch(ACCOUNTABILITY)


def petition_answered(*, organisation: Organisation, petition_id: int, at: datetime) -> None:
    """`organisation` answered the petition delivered to it; its first answer counts."""
    fact = (
        DeliveredPetition.objects.select_for_update()
        .filter(organisation=organisation, petition_id=petition_id, answered_at__isnull=True)
        .first()
    )
    if fact is None:
        return
    answered_at = to_second(at)
    fact.answered_at = answered_at
    fact.answer_seconds = max(0, int((answered_at - fact.delivered_at).total_seconds()))
    fact.save(update_fields=["answered_at", "answer_seconds"])
    touch(ACCOUNTABILITY)


def petition_figures(organisation: Organisation) -> PetitionFigures:
    """How many petitions reached `organisation` since the beginning, how many it
    answered, and how fast: its petitions' part of `selectors.figures_of`."""
    return figures_of(organisation, Filters()).petitions
