"""Petitions for tests of any app, made through the services as people would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.petitions import services
from minjian.petitions.models import Petition

NAMED_BODY = {
    "addressed_name": "蚌埠市生态环境局",
    "addressed_contact": "office@sthjj.bengbu.example.gov.cn",
}


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_petition(
    author: User,
    *,
    state: str = Petition.State.OPEN,
    title: str = "请公开淮河排污口监测数据",
    **fields: Any,
) -> Petition:
    """A petition by `author`, taken through the services up to `state` (draft, gathering
    sponsors, waiting for a moderator or open): its sponsors are new accounts that sign,
    a new staff account approves it. Addressed to a named body unless `fields` say
    otherwise."""
    arguments: dict[str, Any] = {
        "request": "按月公开淮河蚌埠段各排污口的水质监测数据。",
        "background": "沿岸居民多次反映夜间排污。",
        "deadline": in_days(30),
        "signature_goal": 100,
        **({} if "addressed_organisation" in fields else NAMED_BODY),
        **fields,
    }
    petition = services.petition_create(actor=author, title=title, **arguments)
    if state == Petition.State.DRAFT:
        return petition
    petition = services.petition_submit_for_sponsors(actor=author, petition=petition)
    if state == Petition.State.GATHERING_SPONSORS:
        return petition
    for number in range(petition.validated_count, settings.MINJIAN_PETITION_SPONSORS):
        sponsor = make_user(f"sponsor-{petition.pk}-{number}")
        services.petition_sign(actor=sponsor, petition=petition)
    petition.refresh_from_db()
    if state == Petition.State.AWAITING_MODERATION:
        return petition
    moderator = make_user(f"moderator-{petition.pk}", is_staff=True)
    return services.petition_approve(actor=moderator, petition=petition)
