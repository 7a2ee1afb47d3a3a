"""Open311's status_notes carry a case's public verdict and its rationale after the
latest public note."""

from __future__ import annotations

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.services import case_resolve
from minjian.cases.tests.factories import make_case
from minjian.claims.tests.factories import judge, make_verifier
from minjian.open311.tests.conftest import as_json
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def test_status_notes_carry_the_verdict_and_its_rationale(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"])
    case_resolve(actor=staff, case_id=case.pk, note="已修好")
    verifier = make_verifier("guardian-li", "green-huai-river")

    judge(case, verifier, Case.Verdict.CORROBORATED, rationale="现场核实。")

    _status, [request] = as_json(client, "requests", service_request_id=str(case.pk))
    assert request["status_notes"].startswith("已修好\n\n")
    assert request["status_notes"].endswith("现场核实。")

    judge(case, verifier, Case.Verdict.UNVERIFIED, rationale="", evidence=[])

    _status, [request] = as_json(client, "requests", service_request_id=str(case.pk))
    assert request["status_notes"] == "已修好"
