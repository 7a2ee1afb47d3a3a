"""Two cases published at the same moment, one sent long before: the setting in
which the wait for a moderator would tell an anonymous reporter's case from a
trusted reporter's one (minjian/cases/times.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case
from minjian.cases.services import case_publish
from minjian.cases.tests.factories import make_case
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region


@dataclass(frozen=True)
class PublishedTogether:
    # Sent by a member of a verified organisation: published in the same transaction.
    trusted: Case
    # Sent without an account days before, published by a moderator at `published_at`.
    anonymous: Case
    sent_at: datetime
    published_at: datetime


def published_together(region: Region, moderator: User) -> PublishedTogether:
    published_at = (timezone.now() - timedelta(days=1)).replace(second=42, microsecond=345678)
    sent_at = published_at - timedelta(days=3, hours=2, minutes=17, seconds=5, microseconds=1)
    insider = make_user("ngo-insider")
    make_organisation("river-ngo", verified=True, members=[insider])
    with override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True):
        with time_machine.travel(sent_at, tick=False):
            anonymous = make_case(region, title="匿名报告")
        assert anonymous.state == Case.State.SUBMITTED
        with time_machine.travel(published_at, tick=False):
            trusted = make_case(region, reporter=insider, title="组织成员的报告")
            case_publish(actor=moderator, case_id=anonymous.pk)
    assert trusted.state == Case.State.PUBLISHED
    trusted.refresh_from_db()
    anonymous.refresh_from_db()
    return PublishedTogether(trusted, anonymous, sent_at, published_at)
