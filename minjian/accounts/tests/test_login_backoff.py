"""Failed log-ins slow a guesser down, per pseudonym and per client, with a doubling wait;
the owner, from a browser she logged in with before (its device cookie), is never held up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from minjian.accounts.login_guard import COOKIE_NAME
from minjian.accounts.models import User
from minjian.accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

HOUR = 3600
OWNER_ADDRESS = "203.0.113.7"
STRANGER_ADDRESS = "198.51.100.66"


@pytest.fixture
def backoff(settings: Any) -> None:
    """Three free failures per pseudonym and six per client in an hour, then 4 s doubling
    up to a minute; a device cookie's pass lost after three failures of that device."""
    settings.MINJIAN_BACKOFFS = {
        "login_failure_account": (3, 4, 60, HOUR),
        "login_failure_client": (6, 4, 60, HOUR),
    }
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "login_failure_device": (3, HOUR),
    }


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, 30, tzinfo=UTC), tick=False) as clock:
        yield clock


def log_in(client: Client, username: str, password: str, language: str = "en") -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def keep_guessing(client: Client, username: str, failures: int, clock: Any) -> None:
    """`failures` wrong passwords, each sent as soon as the wait before it is over."""
    checked = 0
    while checked < failures:
        response = log_in(client, username, "wrong guess")
        if response.status_code == 429:
            clock.shift(int(response["Retry-After"]))
        else:
            assert response.status_code == 200
            checked += 1


def own_browser(user: User) -> Client:
    """The owner's browser, after she logged in with it once (and out again)."""
    browser = Client(REMOTE_ADDR=OWNER_ADDRESS)
    assert log_in(browser, user.username, PASSWORD).status_code == 302
    browser.post(reverse("accounts:logout"))
    return browser


def test_after_the_free_failures_each_failure_doubles_the_wait_before_the_next_try(
    user: User, backoff: None, clock: Any
) -> None:
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for _ in range(4):  # three free failures, and the fourth, after which the wait begins
        assert log_in(stranger, user.username, "wrong guess").status_code == 200

    waiting = log_in(stranger, user.username, PASSWORD)

    # Not even the right password is looked at during the wait.
    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "4"
    assert "Too many attempts in a short time. Try again in 4 seconds." in waiting.text
    assert 'value="river-watcher"' in waiting.text
    assert not signed_in(stranger)
    waits = []
    for _ in range(3):
        clock.shift(int(log_in(stranger, user.username, "wrong")["Retry-After"]))
        assert log_in(stranger, user.username, "wrong guess").status_code == 200
        waits.append(int(log_in(stranger, user.username, "wrong guess")["Retry-After"]))
    assert waits == [8, 16, 32]


def test_a_pseudonym_nobody_has_is_slowed_down_alike(backoff: None, clock: Any) -> None:
    make_user("somebody")
    for name, address in [("somebody", STRANGER_ADDRESS), ("nobody-at-all", "198.51.100.67")]:
        stranger = Client(REMOTE_ADDR=address)
        for _ in range(4):
            assert log_in(stranger, name, "wrong guess").status_code == 200
        assert log_in(stranger, name, "wrong guess")["Retry-After"] == "4"


def test_the_owner_logs_in_from_her_browser_while_a_stranger_is_kept_waiting(
    user: User, backoff: None, clock: Any
) -> None:
    browser = own_browser(user)
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    keep_guessing(stranger, user.username, 8, clock)

    assert log_in(stranger, user.username, PASSWORD).status_code == 429
    assert log_in(browser, user.username, PASSWORD).status_code == 302
    assert signed_in(browser)
    # A browser she never logged in with waits like anyone's.
    assert log_in(Client(REMOTE_ADDR=OWNER_ADDRESS), user.username, PASSWORD).status_code == 429


def test_one_client_trying_many_pseudonyms_is_slowed_down_but_others_are_not(
    user: User, backoff: None, clock: Any
) -> None:
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for number in range(7):
        assert log_in(stranger, f"guess-{number}", "wrong guess").status_code == 200

    assert log_in(stranger, user.username, PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR=OWNER_ADDRESS), user.username, PASSWORD).status_code == 302


def test_behind_the_same_address_as_a_stranger_the_owner_is_not_held_up(
    user: User, backoff: None, clock: Any
) -> None:
    browser = own_browser(user)
    # Someone else behind the same carrier NAT tries many accounts, and hers.
    neighbour = Client(REMOTE_ADDR=OWNER_ADDRESS)
    for number in range(7):
        log_in(neighbour, f"guess-{number}", "wrong guess")
    keep_guessing(neighbour, user.username, 4, clock)

    assert log_in(neighbour, user.username, PASSWORD).status_code == 429
    assert log_in(browser, user.username, PASSWORD).status_code == 302


def test_a_device_cookie_of_another_account_does_not_skip_the_wait(
    user: User, backoff: None, clock: Any
) -> None:
    make_user("the-stranger")
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    assert log_in(stranger, "the-stranger", PASSWORD).status_code == 302
    stranger.post(reverse("accounts:logout"))
    keep_guessing(stranger, user.username, 4, clock)

    assert log_in(stranger, user.username, PASSWORD).status_code == 429


def test_a_device_that_fails_again_and_again_loses_its_pass(
    user: User, backoff: None, clock: Any
) -> None:
    browser = own_browser(user)
    keep_guessing(Client(REMOTE_ADDR=STRANGER_ADDRESS), user.username, 4, clock)
    # Three failures of her own browser (or of whoever took its cookie) do not wait...
    for _ in range(3):
        assert log_in(browser, user.username, "wrong guess").status_code == 200

    # ...but after them the browser waits like any other.
    assert log_in(browser, user.username, PASSWORD).status_code == 429


def test_a_forged_or_expired_device_cookie_is_ignored(
    user: User, backoff: None, clock: Any, settings: Any
) -> None:
    browser = own_browser(user)
    keep_guessing(Client(REMOTE_ADDR=STRANGER_ADDRESS), user.username, 8, clock)
    forged = Client(REMOTE_ADDR=OWNER_ADDRESS)
    forged.cookies[COOKIE_NAME] = browser.cookies[COOKIE_NAME].value[:-2] + "xx"

    assert log_in(forged, user.username, PASSWORD).status_code == 429

    clock.shift(timedelta(days=settings.MINJIAN_DEVICE_COOKIE_DAYS, minutes=1))
    keep_guessing(Client(REMOTE_ADDR=STRANGER_ADDRESS), user.username, 8, clock)
    assert log_in(browser, user.username, PASSWORD).status_code == 429


def test_the_device_cookie_names_no_account_and_goes_only_to_the_log_in_page(
    user: User, clock: Any
) -> None:
    browser = own_browser(user)

    cookie = browser.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == reverse("accounts:login")
    content = json.dumps(signing.loads(cookie.value, salt="minjian.accounts.device-cookie"))
    assert user.username not in content
    assert set(json.loads(content)) == {"a", "d"}
    assert json.loads(content)["a"] != str(user.pk)


def test_the_wait_is_said_in_chinese(user: User, backoff: None, clock: Any) -> None:
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for _ in range(4):
        log_in(stranger, user.username, "wrong guess")

    waiting = log_in(stranger, user.username, PASSWORD, language="zh-hans")

    assert waiting.status_code == 429
    assert "请在 4 秒后再试" in waiting.text
