"""The prepared inserts (`minjian.core.inserts`) store what `save()` stores and give the
objects back as `save()` leaves them, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minjian.cases.models import Case, CaseEvent
from minjian.core.inserts import insert, insert_or_ignore, upsert
from minjian.core.models import PublicChange
from minjian.places.models import Region
from minjian.topics.models import Topic

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
# What a text column or a JSON string keeps of any text: no NUL (PostgreSQL refuses it,
# in either path), no lone surrogate.
CHARACTERS = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
TEXT = st.text(CHARACTERS, max_size=60)
KEY = st.text(CHARACTERS, max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(CHARACTERS, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=4),
    max_leaves=12,
)


def _case(region: Region, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "title": "河堤决口",
        "description": "村道被淹",
        "topic": Topic.objects.get(slug="environment"),
        "region": region,
        "state": Case.State.SUBMITTED,
        "created_at": MOMENT,
        "updated_at": MOMENT,
    }
    return Case(**(values | fields))


def _stored(row: Case | CaseEvent) -> dict[str, Any]:
    """What the database holds of a row, but for its id."""
    fresh = type(row).objects.get(pk=row.pk)
    return {
        field.attname: getattr(fresh, field.attname)
        for field in type(row)._meta.concrete_fields
        if not field.primary_key
    }


def test_an_inserted_case_gets_its_id_and_generated_columns_as_save_gives_them(
    regions: dict[str, Region],
) -> None:
    point = {"latitude": Decimal("30.58"), "longitude": Decimal("114.27")}
    inserted, saved = _case(regions["420102"], **point), _case(regions["420102"], **point)

    insert(inserted)
    saved.save()

    assert inserted.pk is not None and not inserted._state.adding
    assert inserted._state.db == saved._state.db
    assert (inserted.grid_x, inserted.grid_y) == (saved.grid_x, saved.grid_y)
    assert inserted.grid_x is not None
    assert _stored(inserted) == _stored(saved)


def test_rows_inserted_together_each_get_their_own_id_in_order(
    regions: dict[str, Region],
) -> None:
    case = _case(regions["420102"])
    insert(case)
    events = [
        CaseEvent(case=case, kind=kind, created_at=MOMENT + timedelta(seconds=n), payload={"n": n})
        for n, kind in enumerate(("submitted", "published", "acknowledged"))
    ]

    insert(*events)

    assert len({event.pk for event in events}) == 3
    for event in events:
        assert CaseEvent.objects.get(pk=event.pk).payload == event.payload


def test_more_rows_than_one_statement_takes_are_inserted_in_batches(
    regions: dict[str, Region],
) -> None:
    case = _case(regions["420102"])
    insert(case)
    # 7 columns a row: past SQLite's 32,766 parameters a statement.
    events = [CaseEvent(case=case, kind="note", created_at=MOMENT) for _ in range(5000)]

    insert(*events)

    assert len({event.pk for event in events}) == 5000
    assert CaseEvent.objects.filter(case=case).count() == 5000


def test_nothing_to_insert_writes_nothing() -> None:
    insert()
    upsert([], unique=["tag"], update=["version"])
    assert not PublicChange.objects.filter(changed_at=MOMENT).exists()


@settings(
    max_examples=30,
    deadline=None,
    # Each example writes in a transaction of its own, rolled back.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# A payload is an object (None would be SQL's NULL, which the column refuses either way).
@given(
    payload=st.dictionaries(KEY, JSON, max_size=4),
    title=TEXT,
)
def test_any_event_is_stored_as_save_stores_it(
    regions: dict[str, Region], payload: Any, title: str
) -> None:
    with transaction.atomic():
        case = _case(regions["420102"], title=title or "t")
        insert(case)
        inserted = CaseEvent(case=case, kind="submitted", payload=payload, created_at=MOMENT)
        saved = CaseEvent(case=case, kind="submitted", payload=payload, created_at=MOMENT)

        insert(inserted)
        saved.save()

        assert _stored(inserted) == _stored(saved)
        assert Case.objects.get(pk=case.pk).title == (title or "t")
        transaction.set_rollback(True)


def test_a_row_whose_unique_key_is_taken_is_not_inserted_and_says_so() -> None:
    first = PublicChange(tag="case:1", version="a", changed_at=MOMENT)
    again = PublicChange(tag="case:1", version="b", changed_at=MOMENT)

    assert insert_or_ignore(first) is True
    assert insert_or_ignore(again) is False

    assert list(PublicChange.objects.filter(tag="case:1").values_list("version")) == [("a",)]


def test_an_upsert_changes_the_rows_that_exist_and_adds_the_others() -> None:
    insert(PublicChange(tag="case:1", version="old", changed_at=MOMENT))
    later = MOMENT + timedelta(minutes=1)

    upsert(
        [
            PublicChange(tag="case:1", version="new", changed_at=later),
            PublicChange(tag="case:2", version="new", changed_at=later),
        ],
        unique=["tag"],
        update=["version", "changed_at"],
    )

    changes = PublicChange.objects.filter(tag__in=["case:1", "case:2"])
    assert sorted(changes.values_list("tag", "version", "changed_at")) == [
        ("case:1", "new", later),
        ("case:2", "new", later),
    ]
