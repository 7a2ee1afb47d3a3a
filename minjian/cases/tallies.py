"""Counting cases as they change, so that no page counts them.

Each case counts once in the state it is in, under every scope it belongs to: every
topic and its own topic, crossed with every region, its own region and each region
above it (a county's case counts in its prefecture and its province). Creating a case
adds one to its scopes in `submitted`; moving it takes one from the old state's and
adds one to the new state's. The case services call these in the transaction that
writes the change and its event, so the counts are always those of the committed cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count

from minjian.cases.models import EVERY, Case, CaseTally
from minjian.places.models import Region

Scope = tuple[int, int, str]


def count_new_case(case: Case) -> None:
    _add(Counter(dict.fromkeys(_scopes(case, case.state), 1)))


def count_move(case: Case, *, previous: str) -> None:
    """Call after `case.state` has been set to its new state."""
    if previous == case.state:
        return
    changes: Counter[Scope] = Counter()
    for scope in _scopes(case, previous):
        changes[scope] -= 1
    for scope in _scopes(case, case.state):
        changes[scope] += 1
    _add(changes)


def rebuild_tallies() -> int:
    """Count every case again, e.g. after a restore or a bulk load that bypassed the
    services; returns how many tally rows there are."""
    above = _regions_above()
    tallies: Counter[Scope] = Counter()
    grouped = Case.objects.values_list("topic_id", "region_id", "state").annotate(Count("id"))
    for topic_id, region_id, state, number in grouped.order_by():
        for region in (EVERY, *above[region_id]):
            tallies[(EVERY, region, state)] += number
            tallies[(topic_id, region, state)] += number
    with transaction.atomic():
        CaseTally.objects.all().delete()
        CaseTally.objects.bulk_create(
            [
                CaseTally(topic_id=topic_id, region_id=region_id, state=state, number=number)
                for (topic_id, region_id, state), number in tallies.items()
            ],
            batch_size=5000,
        )
    return len(tallies)


def _scopes(case: Case, state: str) -> list[Scope]:
    regions = (EVERY, *_region_and_above(case.region_id))
    return [(topic, region, state) for topic in (EVERY, case.topic_id) for region in regions]


def _region_and_above(region_id: int) -> list[int]:
    path = Region.objects.values_list("path", flat=True).get(pk=region_id)
    codes = [code for code in path.split("/") if code]
    return list(Region.objects.filter(code__in=codes).values_list("id", flat=True))


def _regions_above() -> dict[int, list[int]]:
    """Every region's id with the ids of itself and each region above it."""
    paths = dict(Region.objects.values_list("id", "path"))
    by_code = dict(Region.objects.values_list("code", "id"))
    return {
        region_id: [by_code[code] for code in path.split("/") if code in by_code]
        for region_id, path in paths.items()
    }


def _add(changes: Counter[Scope]) -> None:
    rows = sorted((scope, number) for scope, number in changes.items() if number)
    if not rows:
        return
    table = CaseTally._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    # One statement, its rows in one order: concurrent moves lock the shared rows (the
    # totals of every topic and region) in the same order and cannot deadlock.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (topic_id, region_id, state, number) VALUES {values} "  # noqa: S608  # the table's name, not input
            f"ON CONFLICT (topic_id, region_id, state) DO UPDATE "
            f"SET number = {table}.number + excluded.number",
            list(_flattened(rows)),
        )


def _flattened(rows: Iterable[tuple[Scope, int]]) -> Iterable[int | str]:
    for (topic_id, region_id, state), number in rows:
        yield from (topic_id, region_id, state, number)
