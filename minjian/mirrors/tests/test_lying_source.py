"""A source that lies: its record's pages changed on the way (a relay in front of a real
instance). Each lie is refused with its own code, nothing of the lying page is kept, and
what was verified before is still served."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minjian.core.errors import DomainError
from minjian.core.signing import base64url, key_id
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.mirrors import services
from minjian.mirrors.errors import SourceRefused
from minjian.mirrors.models import MirroredCase, MirroredEntry, Source
from minjian.mirrors.tests.instances import RelayedSource, SourceInstance
from minjian.record.canonical import checkpoint_message, content_hash, entry_hash

pytestmark = pytest.mark.django_db

Page = dict[str, Any]


def _signed(checkpoint: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    message = checkpoint_message(
        instance=checkpoint["instance"],
        position=checkpoint["position"],
        entry_hash=checkpoint["entry_hash"],
        at=checkpoint["at"],
    )
    return checkpoint | {"signature": base64url(key.sign(message)), "key_id": key_id(public)}


def _source_key(source: SourceInstance) -> Ed25519PrivateKey:
    """The source's own signing key, read from its data folder: a lie signed properly."""
    pem = Path(source.data_dir) / "signing_key.pem"
    key = serialization.load_pem_private_key(pem.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _changed_body(page: Page) -> Page:
    entries = page["entries"]
    body = entries[0]["body"]
    body["title"] = body.get("title", "") + "!"
    return page


def _not_chained(page: Page) -> Page:
    page["entries"][0]["previous_hash"] = "1" * 64
    return page


def _gap(page: Page) -> Page:
    del page["entries"][0]
    return page


def _rehashed(page: Page) -> Page:
    """A changed body with its content hash and entry hash made again: the chain of the
    page holds in itself but not onto the head kept."""
    entry = page["entries"][0]
    entry["body"]["title"] = "改写的历史"
    entry["content_hash"] = content_hash(entry["body"])
    entry["previous_hash"] = "2" * 64
    entry["entry_hash"] = entry_hash(
        position=entry["position"],
        previous=entry["previous_hash"],
        subject=entry["subject"],
        kind=entry["kind"],
        at=entry["at"],
        content=entry["content_hash"],
    )
    return page


LIES: dict[str, tuple[Callable[[Page], Page], str]] = {
    "a changed entry": (_changed_body, "content_changed"),
    "entries that do not chain": (_not_chained, "not_chained"),
    "a missing entry": (_gap, "gap"),
    "a rewritten entry with its hashes made again": (_rehashed, "not_chained"),
}


@pytest.mark.parametrize("lie", LIES)
def test_a_source_whose_entries_lie_is_refused_and_nothing_of_the_page_is_kept(
    lie: str, source: SourceInstance, relayed: RelayedSource, client: OpenAPICheckingClient
) -> None:
    tamper, code = LIES[lie]
    _follow_honest_first_page(source, relayed)
    relayed.tamper = tamper
    with pytest.raises(SourceRefused) as refused:
        services.pull("a", page_size=2)
    assert refused.value.code == code
    _nothing_more_kept_and_still_served(client)


def test_a_checkpoint_signed_by_another_key_is_refused(
    source: SourceInstance, relayed: RelayedSource, client: OpenAPICheckingClient
) -> None:
    _follow_honest_first_page(source, relayed)
    other = Ed25519PrivateKey.generate()
    relayed.tamper = lambda page: page | {"checkpoint": _signed(page["checkpoint"], other)}
    with pytest.raises(SourceRefused) as refused:
        services.pull("a", page_size=2)
    assert refused.value.code == "bad_signature"
    _nothing_more_kept_and_still_served(client)


def test_a_changed_checkpoint_signed_by_the_source_is_refused(
    source: SourceInstance, relayed: RelayedSource, client: OpenAPICheckingClient
) -> None:
    """The source signs a head that is not the chain it serves: it rewrote its history."""
    _follow_honest_first_page(source, relayed)
    key = _source_key(source)

    def changed_checkpoint(page: Page) -> Page:
        checkpoint = copy.deepcopy(page["checkpoint"])
        checkpoint["entry_hash"] = "3" * 64
        return page | {"checkpoint": _signed(checkpoint, key)}

    relayed.tamper = changed_checkpoint
    with pytest.raises(SourceRefused) as refused:
        services.pull("a", page_size=2)
    assert refused.value.code == "checkpoint_mismatch"
    _nothing_more_kept_and_still_served(client)


def _follow_honest_first_page(source: SourceInstance, relayed: RelayedSource) -> None:
    source.run('publish(["淮河排污", "河边垃圾堆", "工地噪音", "路灯不亮"])')
    services.follow("a", relayed.url)
    honest = services.pull("a", page_size=2, max_pages=1)
    assert honest.head_position == 2


def _nothing_more_kept_and_still_served(client: OpenAPICheckingClient) -> None:
    refused = Source.objects.get(name="a")
    assert refused.state == Source.State.REFUSED and refused.error_code
    assert refused.head_position == 2
    assert MirroredEntry.objects.filter(source=refused).count() == 2
    kept = MirroredCase.objects.filter(source=refused).first()
    assert kept is not None
    answer = client.get(f"/mirrors/a/cases/{kept.case_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200 and kept.title in answer.content.decode()
    assert "stopped following the source" in answer.content.decode()
    # Refused for good: no more pulls until an operator follows it again.
    with pytest.raises(DomainError) as again:
        services.pull("a")
    assert again.value.code == "source_refused"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
# Pages shaped like the record's, with fields of any value: what a parser must not trust.
PAGE_LIKE = st.fixed_dictionaries(
    {
        "entries": st.one_of(
            JSON,
            st.lists(
                st.fixed_dictionaries(
                    dict.fromkeys(("position", "subject", "kind", "at", "body"), JSON),
                    optional=dict.fromkeys(("content_hash", "previous_hash", "entry_hash"), JSON),
                ),
                max_size=2,
            ),
        ),
        "checkpoint": JSON,
    },
    optional={"next_after": JSON},
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer=st.one_of(JSON, PAGE_LIKE))
def test_any_other_answer_for_a_page_is_refused_and_changes_nothing(
    answer: Any, source: SourceInstance, relayed: RelayedSource
) -> None:
    if not Source.objects.filter(name="a").exists():
        _follow_honest_first_page(source, relayed)
    relayed.tamper = lambda page: answer
    services.follow("a", relayed.url)
    with pytest.raises(SourceRefused):
        services.pull("a", page_size=2)
    assert Source.objects.get(name="a").head_position == 2
    assert MirroredEntry.objects.count() == 2
