"""Sign-up says whether a pseudonym is taken only within a per-client limit: every attempt
that gets that far counts, and past the limit the form refuses without saying it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

HOUR = 3600
PASSWORD = "quiet river at dawn 42"
TAKEN = "This pseudonym is taken."


@pytest.fixture
def three_checks_an_hour(settings: Any) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "pseudonym_check": (3, HOUR)}


def sign_up(client: Client, username: str, language: str = "en") -> Any:
    return client.post(
        reverse("accounts:signup"),
        {
            "username": username,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "altcha": solved_payload(client),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


def page(response: Any) -> str:
    """The page without its CSRF token, which differs at every answer."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def test_probing_pseudonyms_is_counted_and_then_refused_without_an_answer(
    three_checks_an_hour: None,
) -> None:
    for name in ["first-member", "second-member"]:
        make_user(name)
    prober = Client(REMOTE_ADDR="198.51.100.66")
    answers = [sign_up(prober, name) for name in ["first-member", "second-member", "third"]]
    prober.logout()  # the third name was free: an account was made and signed in

    assert [TAKEN in answer.text for answer in answers] == [True, True, False]
    taken = sign_up(prober, "first-member")
    free = sign_up(prober, "still-free")

    for refused in (taken, free):
        assert refused.status_code == 429
        assert TAKEN not in refused.text
        assert "Too many attempts in a short time. Try again in" in refused.text
        assert 0 < int(refused["Retry-After"]) <= HOUR
    # The same answer for a taken and a free pseudonym, and nothing made.
    assert page(taken).replace("first-member", "still-free") == page(free)
    assert not User.objects.filter(username="still-free").exists()


def test_another_client_may_still_sign_up(three_checks_an_hour: None) -> None:
    make_user("taken-name")
    prober = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(3):
        sign_up(prober, "taken-name")

    newcomer = Client(REMOTE_ADDR="203.0.113.7")

    assert TAKEN in sign_up(newcomer, "taken-name").text
    assert sign_up(newcomer, "a-newcomer").status_code == 302


def test_mistakes_in_the_form_do_not_count(three_checks_an_hour: None) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert sign_up(client, "me@example.org").status_code == 200  # not a pseudonym

    assert sign_up(client, "a-newcomer").status_code == 302


def test_the_refusal_is_said_in_chinese(three_checks_an_hour: None) -> None:
    make_user("taken-name")
    prober = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(3):
        sign_up(prober, "taken-name")

    refused = sign_up(prober, "taken-name", language="zh-hans")

    assert refused.status_code == 429
    assert "短时间内尝试次数过多" in refused.text
    assert "化名已被使用" not in refused.text
