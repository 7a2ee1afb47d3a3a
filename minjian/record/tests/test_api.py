"""/api/v1/record: sealed entries in pages after a position with the latest checkpoint, and
the checkpoint alone; each read costs a fixed number of queries; refusals are JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.core import signing
from minjian.record.canonical import GENESIS_HASH
from minjian.record.services import append, instance_url
from minjian.record.tests.factories import sealed_chain
from minjian.record.verify import verify_checkpoint, verify_entries, verify_head

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/record/entries"
CHECKPOINT = "/api/v1/record/checkpoint"


def test_pages_of_entries_chain_into_the_signed_head(
    client: Client, django_assert_num_queries: Any
) -> None:
    sealed_chain(5)
    append("case:9", "case.published", {"id": 9})  # not sealed: not served

    pages, after = [], 0
    while True:
        with django_assert_num_queries(2):
            answer = client.get(ENTRIES, {"after": after, "limit": 2}).json()
        if not answer["entries"]:
            assert answer["next_after"] is None
            break
        pages.append(answer["entries"])
        after = answer["next_after"]

    assert [len(page) for page in pages] == [2, 2, 1]
    head = GENESIS_HASH
    for number, page in enumerate(pages):
        head = verify_entries(page, head, number * 2 + 1)
    checkpoint = answer["checkpoint"]
    verify_checkpoint(checkpoint, signing.public_key(), instance_url())
    verify_head(checkpoint, head)
    assert checkpoint["position"] == 5


def test_entries_are_public_and_briefly_cacheable(client: Client) -> None:
    sealed_chain(1)

    response = client.get(ENTRIES)

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "max-age=10" in response["Cache-Control"]
    assert response.json()["entries"][0]["body"] == {"id": 1, "title": "河水 0"}


def test_an_empty_record_has_no_entries_and_no_checkpoint(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        answer = client.get(ENTRIES).json()

    assert answer == {"entries": [], "next_after": None, "checkpoint": None}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 1001}, {"after": -1}, {"after": "x"}])
def test_a_bad_page_is_refused_in_json(client: Client, query: dict[str, Any]) -> None:
    response = client.get(ENTRIES, query)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_checkpoint_is_the_latest_signed_head(
    client: Client, django_assert_num_queries: Any
) -> None:
    entries = sealed_chain(3)

    with django_assert_num_queries(1):
        response = client.get(CHECKPOINT)

    checkpoint = response.json()
    assert "max-age=10" in response["Cache-Control"]
    assert checkpoint["position"] == 3
    assert checkpoint["key_id"] == signing.key_id()
    verify_checkpoint(checkpoint, signing.public_key(), instance_url())
    verify_head(checkpoint, entries[-1]["entry_hash"])


def test_no_checkpoint_yet_is_a_json_404(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        response = client.get(CHECKPOINT)

    assert response.status_code == 404
    assert response.json()["code"] == "no_checkpoint"
