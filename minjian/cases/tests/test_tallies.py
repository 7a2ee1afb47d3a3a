"""The counts pages show come from tallies kept in step with every change of a case: after
each kind of event, every tally equals a count over the cases themselves, for every topic,
region and state; and a rebuild gives the same tallies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.cases import selectors, services
from minjian.cases.models import EVERY, Case, CaseTally
from minjian.cases.tallies import rebuild_tallies
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.search.selectors import CaseFilters, find_cases
from minjian.topics.models import Topic


def recounted() -> Counter[tuple[int, int, str]]:
    """Every tally, counted again from the cases: each in its topic and every topic, in
    every region whose path its region's path starts with, and every region."""
    regions = list(Region.objects.values_list("id", "path"))
    counts: Counter[tuple[int, int, str]] = Counter()
    for topic_id, path, state in Case.objects.values_list("topic_id", "region__path", "state"):
        within = [EVERY, *(pk for pk, above in regions if path.startswith(above))]
        for topic in (EVERY, topic_id):
            for region in within:
                counts[(topic, region, state)] += 1
    return counts


def tallied() -> Counter[tuple[int, int, str]]:
    return Counter(
        {
            (topic_id, region_id, state): number
            for topic_id, region_id, state, number in CaseTally.objects.values_list(
                "topic_id", "region_id", "state", "number"
            )
            if number
        }
    )


def assert_in_step() -> None:
    assert tallied() == recounted()
    # What the pages read from the tallies equals what their lists hold.
    for topic in [None, *Topic.objects.filter(cases__isnull=False).distinct()]:
        for region in [None, *Region.objects.filter(code__in=["340000", "340321", "420100"])]:
            for state in [None, *Case.PUBLIC_STATES]:
                filters = CaseFilters(topic=topic, region=region, state=state)
                assert selectors.public_case_count(topic=topic, region=region, state=state) == len(
                    find_cases(filters)
                )


def test_tallies_equal_a_recount_after_every_kind_of_event(
    regions: dict[str, Region], staff: User, user: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    huaiyuan, wuchang = regions["340321"], regions["420106"]
    anonymous = make_case(huaiyuan)
    assert_in_step()
    trusted = make_case(wuchang, reporter=staff, topic="labour")
    assert_in_step()
    waiting = make_case(regions["420102"], topic="labour")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("published", lambda: services.case_publish(actor=staff, case_id=anonymous.pk)),
        ("acknowledged", lambda: services.case_acknowledge(actor=staff, case_id=anonymous.pk)),
        ("in progress", lambda: services.case_start_progress(actor=staff, case_id=anonymous.pk)),
        ("resolved", lambda: services.case_resolve(actor=staff, case_id=anonymous.pk)),
        ("closed", lambda: services.case_close(actor=staff, case_id=trusted.pk)),
        (
            "edit asked",
            lambda: services.case_request_edit(actor=staff, case_id=waiting.pk, note="地点?"),
        ),
        ("published after review", lambda: services.case_publish(actor=staff, case_id=waiting.pk)),
        (
            "hidden",
            lambda: services.case_hide(
                actor=staff, case_id=anonymous.pk, reason=Case.HiddenReason.values[0]
            ),
        ),
        ("new report", lambda: make_case(huaiyuan, reporter=staff, topic="labour")),
    ]
    for name, step in steps:
        step()
        assert tallied() == recounted(), f"after {name}"
    assert_in_step()


def test_a_rebuild_gives_the_tallies_the_events_kept(
    regions: dict[str, Region], staff: User
) -> None:
    first = make_case(regions["340321"], reporter=staff)
    make_case(regions["420106"], reporter=staff, topic="labour")
    services.case_resolve(actor=staff, case_id=first.pk)
    kept = tallied()
    rebuild_tallies()
    assert tallied() == kept == recounted()


def test_home_page_counts_come_from_the_tallies(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    for _ in range(3):
        make_case(regions["340321"], reporter=staff, topic="labour")
    counted = {row.topic.slug: row.public_cases for row in selectors.topics_with_counts()}
    assert counted["labour"] == 3
    assert counted["environment"] == 0
    assert selectors.case_counts().total == 3
    assert selectors.case_counts().this_week == 3
