"""Verifiers, their organisations and judged cases for tests of any app. Rows are
written directly, so a test sets up the state it needs in one line."""

from __future__ import annotations

from typing import Any

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case
from minjian.claims import services
from minjian.claims.services import VerdictGiven
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.tests.factories import make_organisation

SOURCE = {"kind": "link", "url": "https://example.org/inspection-report"}


def make_verifier(
    username: str,
    organisation: Organisation | str,
    *,
    name_zh: str = "淮河卫士",
    name_en: str = "Huai River Guardians",
) -> User:
    """An account with the verifier mark in a verified organisation (made if a slug)."""
    user = make_user(username)
    if isinstance(organisation, str):
        organisation = make_organisation(
            organisation, verified=True, name_zh=name_zh, name_en=name_en
        )
    Membership.objects.create(organisation=organisation, user=user, verifier=True)
    return user


def judge(case: Case, verifier: User | None, verdict: str, **kwargs: Any) -> VerdictGiven:
    """A verdict on a case with a rationale and a link, unless given others."""
    arguments: dict[str, Any] = {
        "rationale": "环保局监测报告显示排污口水质超标。",
        "evidence": [SOURCE],
    } | kwargs
    return services.case_verdict_give(actor=verifier, case_id=case.pk, verdict=verdict, **arguments)
