"""Rows written in bulk: the keys and indexes set aside on PostgreSQL come back as they were,
and rows that break them are refused when they come back (on SQLite, as they come in)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from minjian.archive import bundle_load
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.routing.models import Subscription

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "organisation_id", "topic_id", "region_id", "created_at")


def _subscription(row_id: int, organisation_id: int, region: Region) -> tuple[Any, ...]:
    created_at = bundle_load.preparation(Subscription._meta.get_field("created_at"))
    assert created_at is not None
    return (row_id, organisation_id, None, region.pk, created_at(timezone.now()))


def _definitions() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'routing_subscription'::regclass"
            " UNION ALL SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'routing_subscription' ORDER BY 1, 2"
        )
        return list(cursor.fetchall())


def test_rows_written_in_bulk_are_read_back_as_the_orm_writes_them(
    regions: dict[str, Region],
) -> None:
    organisation = make_organisation()
    with transaction.atomic(), bundle_load.keys_and_indexes_set_aside([Subscription]):
        bundle_load.insert_rows(
            Subscription, COLUMNS, [_subscription(41, organisation.pk, regions["340000"])]
        )

    stored = Subscription.objects.get(pk=41)
    assert (stored.organisation, stored.region, stored.topic) == (
        organisation,
        regions["340000"],
        None,
    )


@pytest.mark.postgres
def test_keys_and_indexes_set_aside_come_back_as_they_were(regions: dict[str, Region]) -> None:
    before = _definitions()
    organisation = make_organisation()

    with transaction.atomic(), bundle_load.keys_and_indexes_set_aside([Subscription]):
        assert {name for name, _definition in _definitions()} < {name for name, _ in before}
        bundle_load.insert_rows(
            Subscription, COLUMNS, [_subscription(41, organisation.pk, regions["340000"])]
        )

    assert _definitions() == before


def test_a_row_breaking_a_unique_index_is_refused_and_nothing_is_kept(
    regions: dict[str, Region],
) -> None:
    organisation = make_organisation()
    twice = [_subscription(row_id, organisation.pk, regions["340000"]) for row_id in (41, 42)]

    with (
        pytest.raises(
            DatabaseError, match=r"subscription_unique_all_topics|UNIQUE constraint failed"
        ),
        transaction.atomic(),
        bundle_load.keys_and_indexes_set_aside([Subscription]),
    ):
        bundle_load.insert_rows(Subscription, COLUMNS, twice)

    assert not Subscription.objects.exists()


@pytest.mark.postgres
def test_a_row_pointing_nowhere_is_refused_when_its_key_comes_back(
    regions: dict[str, Region],
) -> None:
    with (
        pytest.raises(DatabaseError, match="routing_subscription_organisation_id"),
        transaction.atomic(),
        bundle_load.keys_and_indexes_set_aside([Subscription]),
    ):
        bundle_load.insert_rows(
            Subscription, COLUMNS, [_subscription(41, 987654, regions["340000"])]
        )

    assert not Subscription.objects.exists()
