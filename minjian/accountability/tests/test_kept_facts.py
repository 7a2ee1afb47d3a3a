"""The facts the figures read are kept in step with the timelines: after every kind of
event, written by the services, they equal the facts computed again from every case's
timeline, and a rebuild gives the same rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minjian.accountability import facts
from minjian.accountability.facts import Fact, facts_from_timeline, rebuild_facts
from minjian.accountability.models import RoutedCase
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing import services as inbox
from minjian.routing.tests.helpers import Capture, published, subscribed

Row = tuple[Any, ...]


def kept() -> set[Row]:
    return set(RoutedCase.objects.values_list(*Fact._fields))


def recomputed() -> set[Row]:
    return set(facts_from_timeline(list(Case.objects.values_list("pk", flat=True))))


def test_the_facts_equal_a_recomputation_after_every_kind_of_event(
    regions: dict[str, Region], staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    member, official = make_user("ngo-member"), make_user("bureau-member")
    ngo = subscribed("huai-river-guardians", topic="environment", members=(member,))
    first = published(django_capture_on_commit_callbacks, regions["340321"], reporter=staff)
    second = published(
        django_capture_on_commit_callbacks, regions["340321"], reporter=staff, title="河边堆放垃圾"
    )
    assert kept() == recomputed() != set()
    agency = subscribed(
        "bengbu-ecology", kind=Organisation.Kind.AGENCY, members=(official,), region=None
    )
    steps: list[tuple[str, Callable[[], object]]] = [
        ("routed later", lambda: inbox.case_route_to_subscribers(case_id=first.pk)),
        (
            "internal note",
            lambda: inbox.inbox_add_internal_note(
                actor=member, organisation=ngo, case_id=first.pk, note="先查排污许可证"
            ),
        ),
        (
            "acknowledged",
            lambda: inbox.inbox_acknowledge(actor=member, organisation=ngo, case_id=first.pk),
        ),
        (
            "public update",
            lambda: inbox.inbox_post_update(
                actor=member, organisation=ngo, case_id=second.pk, note="已派人核查"
            ),
        ),
        (
            "official response",
            lambda: inbox.inbox_post_official_response(
                actor=official, organisation=agency, case_id=first.pk, note="已责令停产整改。"
            ),
        ),
        ("in progress", lambda: services.case_start_progress(actor=staff, case_id=first.pk)),
        ("resolved", lambda: services.case_resolve(actor=staff, case_id=first.pk)),
        (
            "hidden",
            lambda: services.case_hide(
                actor=staff, case_id=second.pk, reason=Case.HiddenReason.SPAM
            ),
        ),
        ("closed", lambda: services.case_close(actor=staff, case_id=first.pk)),
    ]
    for name, step in steps:
        step()
        assert kept() == recomputed(), f"after {name}"
    rows = kept()
    assert {(row[0], row[1]) for row in rows} == {(ngo.pk, first.pk), (agency.pk, first.pk)}
    rebuild_facts()
    assert kept() == rows


def test_a_change_of_the_facts_shows_on_the_stored_league_page(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Capture
) -> None:
    member = make_user("ngo-member")
    ngo = subscribed("huai-river-guardians", members=(member,))
    case = published(django_capture_on_commit_callbacks, regions["340321"])
    before = client.get("/accountability/")
    assert "huai-river-guardians" in before.content.decode()

    inbox.inbox_acknowledge(actor=member, organisation=ngo, case_id=case.pk)
    after = client.get("/accountability/")

    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_cases_read_by_their_ids_give_the_facts_read_by_a_range(
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = make_user("ngo-member")
    ngo = subscribed("huai-river-guardians", members=(member,))
    cases = [published(django_capture_on_commit_callbacks, regions["340321"]) for _ in range(3)]
    inbox.inbox_acknowledge(actor=member, organisation=ngo, case_id=cases[1].pk)
    asked = [cases[0].pk, cases[2].pk]

    by_range = facts_from_timeline(asked)
    monkeypatch.setattr(facts, "DENSE_SPREAD", 0)
    by_ids = facts_from_timeline(asked)

    assert by_ids == by_range
    assert sorted(fact.case_id for fact in by_ids) == asked
