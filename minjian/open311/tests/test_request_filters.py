"""GET requests with the spec's filters: ids, service codes, dates, status; public cases only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.cases.services import case_hide, case_resolve
from minjian.cases.tests.factories import make_case
from minjian.open311 import selectors
from minjian.open311.tests.conftest import ROOT, as_json
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def ids(client: Client, **query: str) -> list[int]:
    status, answer = as_json(client, "requests", **query)
    assert status == 200, answer
    return [request["service_request_id"] for request in answer]


@pytest.fixture
def cases(regions: dict[str, Region], staff: User) -> dict[str, Case]:
    river = make_case(regions["340321"], topic="environment")
    road = make_case(regions["420102"], topic="labour")
    mended = make_case(regions["420106"], topic="labour")
    case_resolve(actor=staff, case_id=mended.pk, note="已修好")
    hidden = make_case(regions["340321"])
    case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    old = make_case(regions["340321"])
    long_ago = timezone.now() - timedelta(days=200)
    Case.objects.filter(pk=old.pk).update(created_at=long_ago, published_at=long_ago)
    return {"river": river, "road": road, "mended": mended, "hidden": hidden, "old": old}


def test_by_default_the_last_90_days_of_public_cases_newest_first(
    client: Client, cases: dict[str, Case]
) -> None:
    assert ids(client) == [cases["mended"].pk, cases["road"].pk, cases["river"].pk]


def test_status_open_and_closed(client: Client, cases: dict[str, Case]) -> None:
    assert ids(client, status="closed") == [cases["mended"].pk]
    assert ids(client, status="open") == [cases["road"].pk, cases["river"].pk]
    assert len(ids(client, status="open,closed")) == 3
    status, [error] = as_json(client, "requests", status="hidden")
    assert (status, error["code"]) == (400, 400)


def test_resolved_case_carries_its_public_note(client: Client, cases: dict[str, Case]) -> None:
    _status, [request] = as_json(client, "requests", status="closed")
    assert request["status_notes"] == "已修好"


def test_service_codes_comma_separated(client: Client, cases: dict[str, Case]) -> None:
    assert ids(client, service_code="environment") == [cases["river"].pk]
    assert len(ids(client, service_code="environment,labour")) == 3


def test_service_request_ids_override_every_other_filter(
    client: Client, cases: dict[str, Case]
) -> None:
    wanted = [cases["old"].pk, cases["river"].pk, cases["hidden"].pk]
    found = ids(client, service_request_id=",".join(map(str, wanted)), status="closed")
    # The old case is outside the default window but asked for; the hidden one never shows.
    assert found == [cases["river"].pk, cases["old"].pk]
    status, _errors = as_json(client, "requests", service_request_id="1,two")
    assert status == 400


def test_dates_select_on_the_requested_time(client: Client, cases: dict[str, Case]) -> None:
    now = timezone.now()
    old_start = (now - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old_end = (now - timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(client, start_date=old_start, end_date=old_end) == [cases["old"].pk]
    assert ids(client, start_date=old_start) == [cases["old"].pk]
    assert len(ids(client, end_date=now.isoformat())) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01"},
        {"start_date": "2026-01-01T00:00:00"},
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_bad_dates_are_spec_errors(client: Client, query: dict[str, str]) -> None:
    status, [error] = as_json(client, "requests", **query)
    assert (status, error["code"]) == (400, 400)


def test_the_list_comes_a_page_at_a_time_with_a_link_to_the_next(
    client: Client, regions: dict[str, Region]
) -> None:
    made = [make_case(regions["340321"]).pk for _ in range(3)]
    newest_first = sorted(made, reverse=True)

    first = client.get(f"{ROOT}/requests.json", {"page_size": "2", "status": "open"})
    last = client.get(f"{ROOT}/requests.json", {"page_size": "2", "status": "open", "page": "2"})

    assert [r["service_request_id"] for r in json.loads(first.content)] == newest_first[:2]
    assert first["Link"] == (f'<{ROOT}/requests.json?page_size=2&status=open&page=2>; rel="next"')
    assert [r["service_request_id"] for r in json.loads(last.content)] == newest_first[2:]
    assert "Link" not in last
    assert ids(client) == newest_first  # fewer than a page by default


@pytest.mark.parametrize(
    ("field", "raw"), [("page", "0"), ("page", "x"), ("page_size", "1001"), ("page_size", "-5")]
)
def test_a_page_that_cannot_be_is_a_spec_error(client: Client, field: str, raw: str) -> None:
    status, [error] = as_json(client, "requests", **{field: raw})
    assert (status, error["code"]) == (400, 400)
    assert field in error["description"]


def test_never_more_ids_than_the_spec_s_limit(
    regions: dict[str, Region], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "MAX_RESULTS", 2)
    made = ",".join(str(make_case(regions["340321"]).pk) for _ in range(3))
    query = selectors.RequestQuery.parse(service_request_id=made)
    assert len(selectors.service_requests(query)) == 2


def test_one_hidden_request_is_gone_and_a_waiting_one_missing(
    client: Client, cases: dict[str, Case], regions: dict[str, Region], settings: Any
) -> None:
    status, [error] = as_json(client, f"requests/{cases['hidden'].pk}")
    assert (status, error["code"]) == (410, 410)
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    waiting = make_case(regions["340321"])
    status, [error] = as_json(client, f"requests/{waiting.pk}")
    assert (status, error["code"]) == (404, 404)


def test_status_notes_never_carry_internal_or_held_notes(
    client: Client, cases: dict[str, Case], staff: User
) -> None:
    organisation = make_organisation("huai-guardians", kind="agency", verified=True)
    river = cases["river"]
    CaseEvent.objects.create(
        case=river, kind=CaseEvent.Kind.ADDRESSED, organisation=organisation, actor=staff
    )
    CaseEvent.objects.create(
        case=river,
        kind=CaseEvent.Kind.INTERNAL_NOTE,
        organisation=organisation,
        internal=True,
        payload={"note": "内部备注"},
    )
    CaseEvent.objects.create(
        case=river,
        kind=CaseEvent.Kind.OFFICIAL_RESPONSE,
        organisation=organisation,
        payload={"note": "待审核的答复", "held": True},
    )
    status, [request] = as_json(client, f"requests/{river.pk}")
    assert status == 200
    assert request["status_notes"] is None
    assert request["agency_responsible"] == organisation.name
