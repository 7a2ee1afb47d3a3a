"""The counts pages show come from tallies kept in step with every change of a case: after
each kind of event, every tally equals a count over the cases themselves, for every topic,
region and state, and every tally of the map's grid a count of the cases with a point in
its cell; and a rebuild gives the same tallies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.cases import selectors, services
from minjian.cases.models import EVERY, MAP_TALLY_SHIFT, Case, CaseMapTally, CaseTally
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
    """The tallies' counts, each scope's rows (its shards) added up."""
    counts: Counter[tuple[int, int, str]] = Counter()
    for topic_id, region_id, state, number in CaseTally.objects.values_list(
        "topic_id", "region_id", "state", "number"
    ):
        counts[(topic_id, region_id, state)] += number
    return +counts


MapCounts = Counter[tuple[int, str, int, int, str]]


def recounted_on_the_map() -> MapCounts:
    """The map's tallies counted again from the cases with a point: for each topic and
    every topic, state and cell, the number of cases and the sums of their positions."""
    counts: MapCounts = Counter()
    for topic_id, state, grid_x, grid_y in Case.objects.filter(grid_x__isnull=False).values_list(
        "topic_id", "state", "grid_x", "grid_y"
    ):
        cell = (grid_x >> MAP_TALLY_SHIFT, grid_y >> MAP_TALLY_SHIFT)
        for topic in (EVERY, topic_id):
            for total, added in (("number", 1), ("x_sum", grid_x), ("y_sum", grid_y)):
                counts[(topic, state, *cell, total)] += added
    return counts


def tallied_on_the_map() -> MapCounts:
    """The map's tallies, each cell's rows (its shards) added up."""
    counts: MapCounts = Counter()
    for row in CaseMapTally.objects.values():
        scope = (row["topic_id"], row["state"], row["cell_x"], row["cell_y"])
        for total in ("number", "x_sum", "y_sum"):
            counts[(*scope, total)] += row[total]
    return +counts


def assert_in_step() -> None:
    assert tallied() == recounted()
    assert tallied_on_the_map() == recounted_on_the_map()
    # What the pages read from the tallies equals what their lists hold.
    for topic in [None, *Topic.objects.filter(cases__isnull=False).distinct()]:
        for region in [None, *Region.objects.filter(code__in=["340000", "340321", "420100"])]:
            for state in [None, *Case.PUBLIC_STATES]:
                filters = CaseFilters(topic=topic, region=region, state=state)
                assert selectors.public_case_count(topic=topic, region=region, state=state) == len(
                    find_cases(filters)
                )


# Points in the test's counties, one as the reporter gave it, one coarsened to a kilometre.
HUAIYUAN: dict[str, Any] = {
    "latitude": "32.951234",
    "longitude": "117.191234",
    "location_precision": "exact",
}
WUCHANG: dict[str, Any] = {
    "latitude": "30.55",
    "longitude": "114.31",
    "location_precision": "approximate",
}


def test_tallies_equal_a_recount_after_every_kind_of_event(
    regions: dict[str, Region], staff: User, user: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    huaiyuan, wuchang = regions["340321"], regions["420106"]
    anonymous = make_case(huaiyuan, **HUAIYUAN)
    assert_in_step()
    trusted = make_case(wuchang, reporter=staff, topic="labour", **WUCHANG)
    assert_in_step()
    make_case(wuchang, reporter=staff, topic="labour")
    waiting = make_case(regions["420102"], topic="labour", **WUCHANG)
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
        ("new report", lambda: make_case(huaiyuan, reporter=staff, topic="labour", **HUAIYUAN)),
    ]
    for name, step in steps:
        step()
        assert tallied() == recounted(), f"after {name}"
        assert tallied_on_the_map() == recounted_on_the_map(), f"on the map after {name}"
    assert_in_step()


def test_a_rebuild_gives_the_tallies_the_events_kept(
    regions: dict[str, Region], staff: User
) -> None:
    first = make_case(regions["340321"], reporter=staff, **HUAIYUAN)
    make_case(regions["420106"], reporter=staff, topic="labour", **WUCHANG)
    make_case(regions["420106"], reporter=staff, topic="labour")
    services.case_resolve(actor=staff, case_id=first.pk)
    kept, kept_on_the_map = tallied(), tallied_on_the_map()
    rebuild_tallies()
    assert tallied() == kept == recounted()
    assert tallied_on_the_map() == kept_on_the_map == recounted_on_the_map()
    assert kept_on_the_map


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
