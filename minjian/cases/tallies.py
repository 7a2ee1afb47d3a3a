"""Counting cases as they change, so that no page counts them.

Each case counts once in the state it is in, under every scope it belongs to: every
topic and its own topic, crossed with every region, its own region and each region
above it (a county's case counts in its prefecture and its province). Creating a case
adds one to its scopes in `submitted`; moving it takes one from the old state's and
adds one to the new state's. The case services call these in the transaction that
writes the change and its event, so the counts are always those of the committed cases.

A case with a point also counts in its cell of the map's grid (`CaseMapTally`), for
every topic and its own, with its grid position added to the cell's sums: its point
is set when it is filed and never changes, so only its state moves it between rows.
Both kinds are sharded alike: a transaction counts in one of `TALLY_SHARDS` rows of
each scope and cell (`minjian.core.shards`), and readers add them up.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from minjian.cases.models import EVERY, MAP_TALLY_SHIFT, Case, CaseMapTally, CaseTally
from minjian.core.shards import transaction_shard
from minjian.places.models import Region
from minjian.places.selectors import region_and_above_ids

Scope = tuple[int, int, str]
# The rows a scope of `CaseTally` is counted in (see its docstring).
TALLY_SHARDS = 8
REBUILD_BATCH = 5000
# (topic, state, cell_x, cell_y) of a CaseMapTally.
MapScope = tuple[int, str, int, int]


def count_new_case(case: Case) -> None:
    regions = _region_and_above(case)
    _add(Counter(dict.fromkeys(_scopes(case, case.state, regions), 1)))
    _add_to_map(_map_changes(case, case.state, 1))


def count_move(case: Case, *, previous: str) -> None:
    """Call after `case.state` has been set to its new state."""
    if previous == case.state:
        return
    changes: Counter[Scope] = Counter()
    regions = _region_and_above(case)
    for scope in _scopes(case, previous, regions):
        changes[scope] -= 1
    for scope in _scopes(case, case.state, regions):
        changes[scope] += 1
    _add(changes)
    _add_to_map(_map_changes(case, previous, -1) | _map_changes(case, case.state, 1))


def rebuild_tallies() -> int:
    """Count every case again, e.g. after a restore or a bulk load that bypassed the
    services; returns how many tally rows there are, on the map's grid included."""
    return rebuild_case_tallies() + rebuild_map_tallies()


def rebuild_case_tallies() -> int:
    """The CaseTally rows of `rebuild_tallies`."""
    above = _regions_above()
    tallies: Counter[Scope] = Counter()
    grouped = Case.objects.values_list("topic_id", "region_id", "state").annotate(Count("id"))
    for topic_id, region_id, state, number in grouped.order_by():
        for region in (EVERY, *above[region_id]):
            tallies[(EVERY, region, state)] += number
            tallies[(topic_id, region, state)] += number
    rows = [(*scope, number) for scope, number in tallies.items()]
    with transaction.atomic(), connection.cursor() as cursor:
        CaseTally.objects.all().delete()
        # Named columns only, each scope in shard 0 (the column's database default): 0009
        # counts the cases through this function before the shards' column exists.
        for start in range(0, len(rows), REBUILD_BATCH):
            batch = rows[start : start + REBUILD_BATCH]
            cursor.execute(
                f"INSERT INTO {CaseTally._meta.db_table} (topic_id, region_id, state, number) "  # noqa: S608  # the model's own table
                f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(batch))}",
                [value for row in batch for value in row],
            )
    return len(tallies)


def rebuild_map_tallies() -> int:
    """The CaseMapTally rows of `rebuild_tallies`."""
    shift = MAP_TALLY_SHIFT
    grouped = (
        Case.objects.filter(grid_x__isnull=False)
        .values_list(
            "topic_id", "state", F("grid_x").bitrightshift(shift), F("grid_y").bitrightshift(shift)
        )
        .annotate(Count("id"), Sum("grid_x"), Sum("grid_y"))
        .order_by()
    )
    tallies: dict[MapScope, tuple[int, int, int]] = {}
    for topic_id, state, cell_x, cell_y, number, x_sum, y_sum in grouped:
        for topic in (EVERY, topic_id):
            scope = (topic, state, cell_x, cell_y)
            kept = tallies.get(scope, (0, 0, 0))
            tallies[scope] = (kept[0] + number, kept[1] + x_sum, kept[2] + y_sum)
    with transaction.atomic():
        CaseMapTally.objects.all().delete()
        CaseMapTally.objects.bulk_create(
            [
                CaseMapTally(
                    topic_id=topic_id,
                    state=state,
                    cell_x=cell_x,
                    cell_y=cell_y,
                    number=number,
                    x_sum=x_sum,
                    y_sum=y_sum,
                )
                for (topic_id, state, cell_x, cell_y), (number, x_sum, y_sum) in tallies.items()
            ],
            batch_size=5000,
        )
    return len(tallies)


def _scopes(case: Case, state: str, regions: list[int]) -> list[Scope]:
    """`regions`: the case's region and those above it (`_region_and_above`)."""
    return [
        (topic, region, state) for topic in (EVERY, case.topic_id) for region in (EVERY, *regions)
    ]


def _region_and_above(case: Case) -> list[int]:
    # A case being filed holds its region already; one read to be moved loads it here.
    return region_and_above_ids(case.region)


def _regions_above() -> dict[int, list[int]]:
    """Every region's id with the ids of itself and each region above it."""
    paths = dict(Region.objects.values_list("id", "path"))
    by_code = dict(Region.objects.values_list("code", "id"))
    return {
        region_id: [by_code[code] for code in path.split("/") if code in by_code]
        for region_id, path in paths.items()
    }


def _map_changes(case: Case, state: str, sign: int) -> dict[MapScope, tuple[int, int, int]]:
    """What the case adds to (sign 1) or takes from (sign -1) the map's rows of `state`."""
    if case.latitude is None or case.longitude is None:
        return {}
    grid_x, grid_y = case.grid_x, case.grid_y
    cell = (grid_x >> MAP_TALLY_SHIFT, grid_y >> MAP_TALLY_SHIFT)
    change = (sign, sign * grid_x, sign * grid_y)
    return {(topic, state, *cell): change for topic in (EVERY, case.topic_id)}


def _add(changes: Counter[Scope]) -> None:
    # The transaction's shard (`shards`); its rows are locked in one order.
    shard = transaction_shard(TALLY_SHARDS)
    _upsert(
        CaseTally,
        ("topic_id", "region_id", "state", "shard"),
        ("number",),
        [(*scope, shard, number) for scope, number in changes.items() if number],
    )


def _add_to_map(changes: dict[MapScope, tuple[int, int, int]]) -> None:
    # The same shard as the transaction's other tallies.
    shard = transaction_shard(TALLY_SHARDS)
    _upsert(
        CaseMapTally,
        ("topic_id", "state", "cell_x", "cell_y", "shard"),
        ("number", "x_sum", "y_sum"),
        [(*scope, shard, *change) for scope, change in changes.items()],
    )


def _upsert(
    model: type[CaseTally | CaseMapTally],
    keys: tuple[str, ...],
    added: tuple[str, ...],
    rows: list[tuple[int | str, ...]],
) -> None:
    """Add each row's `added` columns to the tally row of its `keys`, made if missing."""
    if not rows:
        return
    table = model._meta.db_table
    columns = (*keys, *added)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sums = ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in added)
    # One statement, its rows in one order: concurrent moves lock the shared rows (the
    # totals of every topic and region) in the same order and cannot deadlock.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608  # names of the model's own, not input
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sums}",
            [value for row in sorted(rows) for value in row],
        )
