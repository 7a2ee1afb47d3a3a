"""Petitions delivered to an organisation and answered at chosen times, for the
accountability tests: made through the petitions services, as people would, with the
clock set for the delivery and the answer (what the figures measure)."""

from __future__ import annotations

from datetime import datetime

import time_machine
from django.conf import settings

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.tests.factories import make_petition


def delivered(
    organisation: Organisation, at: datetime, *, title: str = "请公开监测数据"
) -> Petition:
    """A petition to `organisation` that reached its goal and was delivered at `at`."""
    author = make_user(f"author-{organisation.slug}-{Petition.objects.count()}")
    petition = make_petition(
        author,
        addressed_organisation=organisation,
        signature_goal=settings.MINJIAN_PETITION_SPONSORS + 1,
        title=title,
    )
    # The last signature reaches the goal, which closes the petition.
    services.petition_sign(actor=make_user(f"signer-{petition.pk}"), petition=petition)
    with time_machine.travel(at, tick=False):
        return services.petition_deliver(actor=None, petition=petition)


def answered(petition: Petition, by: User, at: datetime) -> Petition:
    """The addressed organisation's official answer, written by its member `by` at `at`."""
    with time_machine.travel(at, tick=False):
        return services.petition_answer(actor=by, petition=petition, text="我局将按月公开数据。")
