from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import FieldDoesNotExist
from django.test import override_settings
from django.utils import timezone

from config.settings import base as base_settings
from minjian.accounts import selectors, services
from minjian.accounts.models import AccountEvent, AccountEventKind, ApiToken, User
from minjian.accounts.tests.factories import PASSWORD, make_user
from minjian.core.errors import DomainError, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "quiet river at dawn 42"


def events_of(user: User) -> list[AccountEvent]:
    return list(AccountEvent.objects.filter(user=user).order_by("id"))


def test_sign_up_makes_an_account_and_records_who_signed_up() -> None:
    user = services.account_sign_up(username="river-watcher", email="", password=GOOD_PASSWORD)

    assert user.username == "river-watcher"
    assert user.email == ""
    assert user.check_password(GOOD_PASSWORD)
    [event] = events_of(user)
    assert event.kind == AccountEventKind.SIGNED_UP
    assert event.actor == user
    assert event.payload == {"has_email": False}


def test_sign_up_stores_the_password_with_argon2_under_the_real_settings() -> None:
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        user = services.account_sign_up(username="huai-river", email="", password=GOOD_PASSWORD)
        user.refresh_from_db()
        assert user.password.startswith("argon2")
        assert user.check_password(GOOD_PASSWORD)


def test_accounts_have_no_real_name_fields() -> None:
    for field in ("first_name", "last_name"):
        with pytest.raises(FieldDoesNotExist):
            User._meta.get_field(field)


def test_sign_up_accepts_a_chinese_pseudonym_and_an_email() -> None:
    user = services.account_sign_up(
        username="淮河边的人", email="Someone@Example.ORG", password=GOOD_PASSWORD
    )

    assert user.username == "淮河边的人"
    assert user.email == "Someone@example.org"
    assert events_of(user)[0].payload == {"has_email": True}


def test_sign_up_folds_fullwidth_letters_into_ordinary_ones() -> None:
    user = services.account_sign_up(username="ｒｉｖｅｒ", email="", password=GOOD_PASSWORD)

    assert user.username == "river"


def test_sign_up_refuses_a_pseudonym_that_differs_only_in_case() -> None:
    make_user("river-watcher")

    with pytest.raises(DomainError) as refused:
        services.account_sign_up(username="River-Watcher", email="", password=GOOD_PASSWORD)

    assert refused.value.code == "pseudonym_taken"
    assert refused.value.field == "username"
    assert User.objects.count() == 1
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize(
    "pseudonym",
    ["ab", "x" * 41, "two words", "me@example.org", "+8613800000000", "<b>bold</b>", ""],
)
def test_sign_up_refuses_a_pseudonym_outside_the_rules(pseudonym: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.account_sign_up(username=pseudonym, email="", password=GOOD_PASSWORD)

    assert refused.value.code == "invalid_pseudonym"
    assert refused.value.field == "username"
    assert not User.objects.exists()


def test_sign_up_refuses_a_weak_password() -> None:
    with pytest.raises(DomainError) as refused:
        services.account_sign_up(username="river-watcher", email="", password="12345678")

    assert refused.value.code == "weak_password"
    assert refused.value.field == "password"
    assert not User.objects.exists()


def test_sign_up_refuses_a_malformed_email() -> None:
    with pytest.raises(DomainError) as refused:
        services.account_sign_up(
            username="river-watcher", email="not-an-address", password=GOOD_PASSWORD
        )

    assert refused.value.code == "invalid_email"
    assert refused.value.field == "email"
    assert not User.objects.exists()


def test_log_in_ignores_the_case_of_the_pseudonym() -> None:
    user = make_user("river-watcher")

    assert authenticate(username="RIVER-Watcher", password=PASSWORD) == user


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        ("", "me@example.org", "added"),
        ("old@example.org", "new@example.org", "changed"),
        ("old@example.org", "", "removed"),
    ],
)
def test_updating_the_email_records_what_changed_but_not_the_address(
    before: str, after: str, change: str
) -> None:
    user = make_user("river-watcher", email=before)

    services.account_update_email(actor=user, email=after)

    user.refresh_from_db()
    assert user.email == after
    [event] = events_of(user)
    assert event.kind == AccountEventKind.EMAIL_CHANGED
    assert event.payload == {"change": change}
    assert "example.org" not in json.dumps(event.payload)


def test_saving_the_same_email_again_records_nothing() -> None:
    user = make_user("river-watcher", email="me@example.org")

    services.account_update_email(actor=user, email=" me@example.org ")

    assert events_of(user) == []


def test_updating_to_a_malformed_email_changes_nothing() -> None:
    user = make_user("river-watcher", email="me@example.org")

    with pytest.raises(DomainError) as refused:
        services.account_update_email(actor=user, email="me at example")

    assert refused.value.code == "invalid_email"
    user.refresh_from_db()
    assert user.email == "me@example.org"
    assert events_of(user) == []


def test_setting_a_password_records_the_route_but_not_the_password() -> None:
    user = make_user("river-watcher")

    services.account_set_password(actor=user, password=GOOD_PASSWORD, via="account_page")

    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    [event] = events_of(user)
    assert event.kind == AccountEventKind.PASSWORD_CHANGED
    assert event.payload == {"via": "account_page"}


def test_a_weak_new_password_is_refused_and_the_old_one_still_works() -> None:
    user = make_user("river-watcher")

    with pytest.raises(DomainError):
        services.account_set_password(actor=user, password="password", via="account_page")

    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert events_of(user) == []


def test_an_issued_token_is_stored_only_as_a_digest_and_identifies_its_account() -> None:
    user = make_user("river-watcher")

    api_token, token = services.api_token_issue(actor=user, user=user, name=" my phone ")

    assert token.startswith("mj_")
    assert api_token.name == "my phone"
    assert token.startswith(api_token.prefix)
    assert token not in api_token.digest
    stored = ApiToken.objects.values_list("prefix", "digest", "name").get()
    assert token not in " ".join(stored)
    active = selectors.active_api_token(token)
    assert active is not None
    assert active.user == user
    [event] = events_of(user)
    assert event.kind == AccountEventKind.TOKEN_ISSUED
    assert event.actor == user
    assert token not in json.dumps(event.payload)
    assert event.payload == {
        "token_id": api_token.pk,
        "prefix": api_token.prefix,
        "name": "my phone",
    }


def test_only_the_account_holder_can_issue_their_tokens() -> None:
    owner = make_user("river-watcher")
    stranger = make_user("stranger")

    with pytest.raises(PermissionDenied):
        services.api_token_issue(actor=stranger, user=owner, name="")

    assert not ApiToken.objects.exists()
    assert not AccountEvent.objects.exists()


def test_staff_can_issue_a_token_for_another_account(staff: User) -> None:
    owner = make_user("river-watcher")

    api_token, _token = services.api_token_issue(actor=staff, user=owner, name="for the app")

    assert api_token.user == owner
    [event] = events_of(owner)
    assert event.actor == staff


def test_a_token_name_over_the_limit_is_refused() -> None:
    user = make_user("river-watcher")

    with pytest.raises(DomainError) as refused:
        services.api_token_issue(actor=user, user=user, name="x" * 101)

    assert refused.value.code == "invalid_token_name"
    assert refused.value.field == "name"
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_and_the_revocation_is_recorded_once() -> None:
    user = make_user("river-watcher")
    api_token, token = services.api_token_issue(actor=user, user=user, name="")

    services.api_token_revoke(actor=user, token_id=api_token.pk)
    services.api_token_revoke(actor=user, token_id=api_token.pk)

    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert selectors.active_api_token(token) is None
    assert list(selectors.api_tokens_of(user)) == []
    revocations = [e for e in events_of(user) if e.kind == AccountEventKind.TOKEN_REVOKED]
    assert len(revocations) == 1
    assert revocations[0].payload == {"token_id": api_token.pk, "prefix": api_token.prefix}


def test_nobody_can_revoke_someone_elses_token() -> None:
    owner = make_user("river-watcher")
    stranger = make_user("stranger")
    api_token, token = services.api_token_issue(actor=owner, user=owner, name="")

    with pytest.raises(NotFound):
        services.api_token_revoke(actor=stranger, token_id=api_token.pk)

    assert selectors.active_api_token(token) is not None


def test_staff_can_revoke_anyones_token(staff: User) -> None:
    owner = make_user("river-watcher")
    api_token, token = services.api_token_issue(actor=owner, user=owner, name="")

    services.api_token_revoke(actor=staff, token_id=api_token.pk)

    assert selectors.active_api_token(token) is None
    assert events_of(owner)[-1].actor == staff


def test_revoking_a_token_that_does_not_exist_is_refused(user: User) -> None:
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=user, token_id=123456)


def test_token_use_is_recorded_at_most_once_a_minute(user: User) -> None:
    api_token, _token = services.api_token_issue(actor=user, user=user, name="")

    services.api_token_record_use(api_token=api_token)
    first_use = api_token.last_used_at
    services.api_token_record_use(api_token=api_token)

    assert first_use is not None
    api_token.refresh_from_db()
    assert api_token.last_used_at == first_use

    api_token.last_used_at = first_use - timedelta(minutes=2)
    services.api_token_record_use(api_token=api_token)
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None
    assert api_token.last_used_at > first_use - timedelta(minutes=2)
    assert api_token.last_used_at <= timezone.now()


def test_a_deactivated_account_s_tokens_stop_working(user: User) -> None:
    _api_token, token = services.api_token_issue(actor=user, user=user, name="")
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert selectors.active_api_token(token) is None
