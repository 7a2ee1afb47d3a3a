"""`manage.py open311_key NAME` prints a key once and keeps only its digest."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minjian.accounts.tokens import token_digest
from minjian.open311.models import Open311Key
from minjian.open311.services import active_key

pytestmark = pytest.mark.django_db


def test_the_key_is_printed_once_and_only_its_digest_is_kept() -> None:
    out = StringIO()
    call_command("open311_key", "civic app", stdout=out)
    raw = out.getvalue().strip()
    key = Open311Key.objects.get()
    assert key.name == "civic app"
    assert key.key_digest == token_digest(raw)
    assert raw not in repr(list(Open311Key.objects.values()))
    assert active_key(raw) == key


def test_revoke_stops_the_keys_of_that_name() -> None:
    out = StringIO()
    call_command("open311_key", "old-app", stdout=out)
    call_command("open311_key", "old-app", "--revoke", stderr=StringIO())
    assert Open311Key.objects.get().revoked_at is not None
    with pytest.raises(CommandError):
        call_command("open311_key", "old-app", "--revoke", stderr=StringIO())


def test_a_key_needs_a_name() -> None:
    with pytest.raises(CommandError):
        call_command("open311_key", "   ", stdout=StringIO())
