"""`manage.py verify_record [URL]`: checks this instance's chain from its database, or another
instance's over HTTP (its API and /.well-known/minjian.json), and says where it breaks."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minjian.record.models import Entry
from minjian.record.tests.factories import sealed_chain


def _verify(*args: str) -> str:
    output = StringIO()
    call_command("verify_record", *args, stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_this_instances_chain_verifies() -> None:
    sealed_chain(3)

    assert "3 entries chain; the checkpoint at position 3 is signed by key" in _verify()


@pytest.mark.django_db
def test_an_empty_record_verifies_without_a_checkpoint() -> None:
    assert "0 entries chain; no checkpoint signs them yet." in _verify()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ({"body": {"id": 2, "title": "改过"}}, "content_changed"),
        ({"kind": "case.edited"}, "hash_mismatch"),
        ({"previous_hash": "f" * 64}, "not_chained"),
        ({"position": 9}, "gap"),
    ],
)
def test_an_edited_entry_in_the_database_is_found_with_its_position(
    edit: dict[str, Any], code: str
) -> None:
    sealed_chain(3)
    Entry.objects.filter(position=2).update(**edit)

    with pytest.raises(CommandError, match=f"breaks at position 2: {code}"):
        _verify()


@pytest.mark.django_db
def test_a_checkpoint_past_the_end_of_the_chain_is_found() -> None:
    sealed_chain(3)
    Entry.objects.filter(position=3).delete()

    with pytest.raises(CommandError, match="gap"):
        _verify()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_instances_chain_is_verified_over_http(live_server: Any, settings: Any) -> None:
    settings.MINJIAN_SITE_URL = live_server.url
    sealed_chain(3)

    assert "the checkpoint at position 3 is signed by key" in _verify(live_server.url)
    assert f"of {live_server.url}/" in _verify(live_server.url)

    Entry.objects.filter(position=1).update(body={"id": 1, "title": "改过"})
    with pytest.raises(CommandError, match="breaks at position 1: content_changed"):
        _verify(live_server.url)


@pytest.mark.django_db
def test_an_address_that_is_not_http_is_refused() -> None:
    with pytest.raises(CommandError, match="not an http"):
        _verify("file:///etc/passwd")


@pytest.mark.django_db
def test_an_instance_out_of_reach_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="Cannot read the record"):
        _verify("http://127.0.0.1:1")
