"""Sharded rows (`minjian.core.shards`): a transaction raises one shard of each, however
often it writes them, and each transaction draws its shard anew."""

from __future__ import annotations

import pytest
from django.db import transaction

from minjian.cases.models import CaseMapTally, CaseTally
from minjian.cases.tallies import count_new_case
from minjian.cases.tests.factories import make_case
from minjian.core.models import PublicChange
from minjian.core.public_cache import CASES, SHARED_TAG_ROWS, touch
from minjian.core.shards import transaction_shard
from minjian.places.models import Region


@pytest.mark.django_db
def test_a_transaction_touches_one_row_of_a_shared_tag_however_often() -> None:
    with transaction.atomic():
        for _ in range(20):
            touch(CASES)

    assert PublicChange.objects.filter(tag__startswith=f"{CASES}#").count() == 1


@pytest.mark.django_db
def test_a_transaction_counts_in_one_shard_of_each_scope_however_often(
    regions: dict[str, Region],
) -> None:
    case = make_case(regions["340321"])
    CaseTally.objects.all().delete()
    with transaction.atomic():
        for _ in range(20):
            count_new_case(case)

    assert CaseTally.objects.values("shard").distinct().count() == 1
    assert set(CaseTally.objects.values_list("number", flat=True)) == {20}


@pytest.mark.django_db
def test_a_transaction_counts_in_the_same_shard_on_the_map(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"], latitude="32.95", longitude="117.19")
    CaseTally.objects.all().delete()
    CaseMapTally.objects.all().delete()
    with transaction.atomic():
        for _ in range(20):
            count_new_case(case)

    shards = {*CaseTally.objects.values_list("shard", flat=True)}
    assert {*CaseMapTally.objects.values_list("shard", flat=True)} == shards
    assert len(shards) == 1
    assert set(CaseMapTally.objects.values_list("number", flat=True)) == {20}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_transaction_draws_its_shard_anew() -> None:
    drawn = set()
    for _ in range(50):
        with transaction.atomic():
            drawn.add(transaction_shard(SHARED_TAG_ROWS))
            # The same within the transaction.
            assert transaction_shard(SHARED_TAG_ROWS) in drawn

    # 50 draws of one shard in 64 would all be the same once in 64 ** 49.
    assert len(drawn) > 1
