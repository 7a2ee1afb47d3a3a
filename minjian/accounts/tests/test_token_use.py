"""A token's last use is written outside the API call's transaction (on PostgreSQL without
waiting for its flush), at most once a minute, and it is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from minjian.accounts.models import ApiToken
from minjian.accounts.services import api_token_issue, api_token_record_use
from minjian.accounts.tests.factories import make_user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_tokens_use_outside_a_transaction_is_kept_and_leaves_no_transaction_open() -> None:
    user = make_user("token-user")
    api_token, _secret = api_token_issue(actor=user, user=user, name="script")
    assert not connection.in_atomic_block

    api_token_record_use(api_token=api_token)

    assert not connection.in_atomic_block
    first_use = ApiToken.objects.get(pk=api_token.pk).last_used_at
    assert first_use is not None
    api_token_record_use(api_token=api_token)  # within the minute: nothing written
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at == first_use
    api_token.last_used_at = first_use - timedelta(minutes=2)
    api_token_record_use(api_token=api_token)
    later = ApiToken.objects.get(pk=api_token.pk).last_used_at
    assert later is not None
    assert later > first_use - timedelta(minutes=2)
