"""The record's hash chain: appends are sealed into contiguous positions that chain, a copy
verifies, and any edit of a sealed entry or of a checkpoint is caught with its code."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies

from minjian.core import signing
from minjian.core.models import AppendOnlyError
from minjian.record import selectors
from minjian.record.canonical import GENESIS_HASH, canonical_json, content_hash
from minjian.record.documents import checkpoint_document
from minjian.record.models import Checkpoint, Entry
from minjian.record.services import append, instance_url, record_removal, seal_record
from minjian.record.tests.factories import sealed_chain
from minjian.record.verify import ChainBroken, verify_checkpoint, verify_entries, verify_head

pytestmark = pytest.mark.django_db


def test_sealed_entries_have_contiguous_positions_and_chain() -> None:
    entries = sealed_chain(5)

    assert [entry["position"] for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["previous_hash"] == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after["previous_hash"] == before["entry_hash"]
    assert verify_entries(entries, GENESIS_HASH, 1) == entries[-1]["entry_hash"]


def test_a_second_seal_continues_the_chain_and_signs_its_new_head() -> None:
    first = sealed_chain(2)
    append("petition:1", "petition.published", {"id": 1})
    assert seal_record() == 1

    entries = [*first, *_documents(after=2)]
    head = verify_entries(entries[2:], first[-1]["entry_hash"], 3)
    checkpoint = checkpoint_document(selectors.latest_checkpoint())  # type: ignore[arg-type]  # sealed above
    assert checkpoint["position"] == 3
    verify_checkpoint(checkpoint, signing.public_key(), instance_url())
    verify_head(checkpoint, head)
    assert Checkpoint.objects.count() == 2


def test_a_seal_with_nothing_to_seal_writes_no_checkpoint() -> None:
    assert seal_record() == 0
    assert selectors.latest_checkpoint() is None


def test_the_stored_body_is_the_hashed_body() -> None:
    entry = append("case:1", "case.published", {"photos": ("a", "b"), "标题": "水"})

    stored = Entry.objects.get(pk=entry.pk)
    assert stored.body == {"photos": ["a", "b"], "标题": "水"}
    assert stored.content_hash == content_hash(stored.body)
    assert canonical_json(stored.body) == '{"photos":["a","b"],"标题":"水"}'.encode()


def test_a_kind_of_another_subject_type_is_refused() -> None:
    with pytest.raises(ValueError, match="does not name"):
        append("case:1", "petition.published", {})
    assert not Entry.objects.exists()


def test_a_sealed_entry_cannot_be_saved_again_or_deleted() -> None:
    sealed_chain(1)
    entry = Entry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_append_writes_nothing_when_the_transaction_rolls_back() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        append("case:1", "case.published", {"id": 1})
        raise RuntimeError("the change failed")

    assert not Entry.objects.exists()


def test_one_seal_is_deferred_per_transaction(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for number in range(3):
            append(f"case:{number}", "case.event", {"id": number})

    # The inline backend's run of the seal job, and the marker that it was deferred.
    assert len(callbacks) == 2
    assert list(Entry.objects.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


def test_a_removal_protecting_a_person_withholds_earlier_bodies_and_keeps_the_chain() -> None:
    published = append("case:7", "case.published", {"id": 7, "title": "张三的电话"})
    edited = append("case:7", "case.edited", {"id": 7, "title": "电话"})
    append("case:7", "case.event", {"id": 1})
    append("case:8", "case.published", {"id": 8})
    tombstone = (
        record_removal("case:7", "case.removed", reason="personal_data", protects_person=True).body
        or {}
    )
    seal_record()

    entries = _documents(after=0)
    assert [entry["body"] is None for entry in entries] == [True, True, True, False, False]
    assert tombstone["content_hash"] == edited.content_hash != published.content_hash
    assert tombstone["protects_person"] is True
    assert tombstone["reason"] == "personal_data"
    verify_entries(entries, GENESIS_HASH, 1)


def test_a_removal_for_spam_keeps_the_bodies() -> None:
    published = append("case:7", "case.published", {"id": 7})
    tombstone = (
        record_removal("case:7", "case.removed", reason="spam", protects_person=False).body or {}
    )

    assert Entry.objects.get(pk=published.pk).body == {"id": 7}
    assert tombstone["content_hash"] == published.content_hash
    assert tombstone["protects_person"] is False


Mutation = Callable[[list[dict[str, Any]]], object]
MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "body": ("content_changed", lambda entries: entries[1]["body"].update(title="改过")),
    "content_hash": ("hash_mismatch", lambda entries: _rehash(entries[1], title="改过")),
    "kind": ("hash_mismatch", lambda entries: entries[1].update(kind="case.edited")),
    "subject": ("hash_mismatch", lambda entries: entries[1].update(subject="case:99")),
    "at": ("hash_mismatch", lambda entries: entries[1].update(at="2020-01-01T00:00:00.000000Z")),
    "entry_hash": ("hash_mismatch", lambda entries: entries[1].update(entry_hash="f" * 64)),
    "previous_hash": ("not_chained", lambda entries: entries[1].update(previous_hash="f" * 64)),
    "order": ("gap", lambda entries: entries.insert(1, entries.pop(2))),
    "removal": ("gap", lambda entries: entries.pop(1)),
    "insertion": ("gap", lambda entries: entries.insert(1, _forged_after(entries[0]))),
    "insertion_renumbered": ("not_chained", lambda entries: _insert_renumbered(entries)),
}


@pytest.mark.parametrize("field", MUTATIONS)
def test_any_edit_of_a_sealed_entry_breaks_verification(field: str) -> None:
    entries = sealed_chain(4)
    code, mutate = MUTATIONS[field]
    mutate(entries)

    with pytest.raises(ChainBroken) as broken:
        verify_entries(entries, GENESIS_HASH, 1)
    assert broken.value.code == code


def test_a_chain_that_does_not_start_at_the_expected_position_is_a_gap() -> None:
    entries = sealed_chain(3)

    with pytest.raises(ChainBroken) as broken:
        verify_entries(entries[1:], entries[0]["entry_hash"], 3)
    assert broken.value.code == "gap"


@pytest.mark.parametrize(
    "edit",
    [
        {"position": 1},
        {"entry_hash": "f" * 64},
        {"at": "2020-01-01T00:00:00.000000Z"},
        {"instance": "https://elsewhere.example/"},
        {"signature": "AAAA"},
        {"signature": "not base64 at all!"},
        {"key_id": "0" * 16},
    ],
)
def test_an_edited_checkpoint_fails_its_signature(edit: dict[str, Any]) -> None:
    sealed_chain(2)
    checkpoint = checkpoint_document(selectors.latest_checkpoint())  # type: ignore[arg-type]  # sealed above
    verify_checkpoint(checkpoint, signing.public_key(), instance_url())

    with pytest.raises(ChainBroken) as broken:
        verify_checkpoint(checkpoint | edit, signing.public_key(), None)
    assert broken.value.code == "bad_signature"


def test_a_checkpoint_checked_with_another_key_fails() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    sealed_chain(1)
    checkpoint = checkpoint_document(selectors.latest_checkpoint())  # type: ignore[arg-type]  # sealed above
    other = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )

    with pytest.raises(ChainBroken) as broken:
        verify_checkpoint(checkpoint | {"key_id": signing.key_id(other)}, other, None)
    assert broken.value.code == "bad_signature"


def test_a_checkpoint_over_another_head_is_caught() -> None:
    entries = sealed_chain(2)
    checkpoint = checkpoint_document(selectors.latest_checkpoint())  # type: ignore[arg-type]  # sealed above

    with pytest.raises(ChainBroken) as broken:
        verify_head(checkpoint, entries[0]["entry_hash"])
    assert broken.value.code == "checkpoint_mismatch"


# Text as the apps hand it over (clean_text): no control characters, which PostgreSQL's
# jsonb refuses (NUL) anyway.
TEXT = strategies.text(
    alphabet=strategies.characters(blacklist_categories=("Cs", "Cc")), max_size=8
)
JSON_VALUES = strategies.recursive(
    strategies.none()
    | strategies.booleans()
    | strategies.integers(min_value=-(2**53), max_value=2**53)
    | TEXT,
    lambda children: (
        strategies.lists(children, max_size=3) | strategies.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=8,
)
APPENDS = strategies.lists(
    strategies.tuples(
        strategies.sampled_from(["case", "petition", "drive"]),
        strategies.integers(min_value=1, max_value=5),
        strategies.sampled_from(["published", "event", "edited"]),
        strategies.dictionaries(TEXT, JSON_VALUES, max_size=4),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(appends=APPENDS, data=strategies.data())
def test_any_sequence_of_appends_verifies_and_any_single_mutation_is_caught(
    appends: list[tuple[str, int, str, dict[str, Any]]], data: strategies.DataObject
) -> None:
    with transaction.atomic():
        start = (selectors.latest_checkpoint() or Checkpoint(position=0)).position
        previous = Entry.objects.get(position=start).entry_hash if start else GENESIS_HASH
        for subject_type, number, what, body in appends:
            append(f"{subject_type}:{number}", f"{subject_type}.{what}", body)
        seal_record()
        entries = _documents(after=start)
        assert verify_entries(entries, previous, start + 1) == entries[-1]["entry_hash"]

        tampered = copy.deepcopy(entries)
        index = data.draw(strategies.integers(min_value=0, max_value=len(tampered) - 1))
        field = data.draw(
            strategies.sampled_from(
                [
                    "position",
                    "subject",
                    "kind",
                    "at",
                    "body",
                    "content_hash",
                    "previous_hash",
                    "entry_hash",
                ]
            )
        )
        tampered[index][field] = _changed(tampered[index][field])
        with pytest.raises(ChainBroken):
            verify_entries(tampered, previous, start + 1)
        transaction.set_rollback(True)


def _changed(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return {"changed": value}


def _documents(*, after: int) -> list[dict[str, Any]]:
    from minjian.record.documents import entry_document

    return [entry_document(entry) for entry in selectors.sealed_entries(after=after, limit=1000)]


def _rehash(entry: dict[str, Any], **body: Any) -> None:
    """The body edited with its content hash made to match: the entry hash no longer does."""
    entry["body"].update(body)
    entry["content_hash"] = content_hash(entry["body"])


def _insert_renumbered(entries: list[dict[str, Any]]) -> None:
    for entry in entries[1:]:
        entry["position"] += 1
    entries.insert(1, _forged_after(entries[0]))


def _forged_after(first: dict[str, Any]) -> dict[str, Any]:
    from minjian.record.canonical import entry_hash

    body = {"id": 99, "title": "假的"}
    forged = {
        "position": 2,
        "subject": "case:99",
        "kind": "case.published",
        "at": first["at"],
        "body": body,
        "content_hash": content_hash(body),
        "previous_hash": first["entry_hash"],
    }
    forged["entry_hash"] = entry_hash(
        position=2,
        previous=first["entry_hash"],
        subject="case:99",
        kind="case.published",
        at=first["at"],
        content=forged["content_hash"],
    )
    return forged
