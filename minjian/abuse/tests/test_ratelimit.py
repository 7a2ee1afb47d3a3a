"""Rate limits: counted per client or account, refused with 429 and when to retry,
and kept in the cache only as short-lived keyed hashes."""

from __future__ import annotations

import ipaddress
import os
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.settings.base import MINJIAN_RATE_LIMITS as DEFAULT_RATE_LIMITS
from minjian.abuse import ratelimit
from minjian.abuse.counters import RedisWithDatabaseFallback, counters
from minjian.abuse.models import Counter
from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

HOUR = 3600
ADDRESS = "203.0.113.7"


@pytest.fixture
def limits(settings: Any) -> dict[str, tuple[int, int]]:
    """The shipped defaults plus a small rule for the tests of the mechanism itself."""
    rules = {**DEFAULT_RATE_LIMITS, "test": (3, HOUR)}
    settings.MINJIAN_RATE_LIMITS = rules
    return rules


def _counter_keys(scope: str) -> list[str]:
    """The keys of a scope's counters as the store keeps them: rows of the database, or
    Redis keys (with the cache's prefix and version)."""
    if not isinstance(counters(), RedisWithDatabaseFallback):
        return list(
            Counter.objects.filter(key__startswith=f"ratelimit:{scope}:").values_list(
                "key", flat=True
            )
        )
    prefix = cache.make_key(f"ratelimit:{scope}:")
    backend = cache._cache  # type: ignore[attr-defined]  # the backend's own store, to look inside
    return [key.decode() for key in backend.get_client().keys(f"{prefix}*")]


def test_events_over_the_limit_are_refused_until_the_window_ends(limits: Any) -> None:
    start = 1_000 * HOUR + 600
    for _ in range(3):
        ratelimit.hit("test", "address:1", now=start)

    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("test", "address:1", now=start + 60)

    assert refused.value.status == 429
    assert refused.value.code == "rate_limited"
    assert refused.value.retry_after == HOUR - 660
    assert refused.value.details == {"retry_after": HOUR - 660}
    ratelimit.hit("test", "address:2", now=start + 60)  # someone else is not affected
    ratelimit.hit("test", "address:1", now=start + HOUR)  # the next window starts afresh


def test_failures_are_recorded_and_checked_apart(limits: Any) -> None:
    for _ in range(3):
        ratelimit.check("test", "pseudonym:x")
        ratelimit.record("test", "pseudonym:x")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check("test", "pseudonym:x")
    ratelimit.reset("test", "pseudonym:x")
    ratelimit.check("test", "pseudonym:x")


def test_a_limit_of_zero_refuses_everything(settings: Any) -> None:
    settings.MINJIAN_RATE_LIMITS = {"closed": (0, HOUR)}
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("closed", "address:1")


def test_the_store_keeps_no_address_and_a_new_key_every_window(limits: Any) -> None:
    start = 2_000 * HOUR
    ratelimit.hit("test", f"address:{ADDRESS}", now=start)
    first_keys = _counter_keys("test")
    ratelimit.hit("test", f"address:{ADDRESS}", now=start + HOUR)
    both_keys = _counter_keys("test")

    assert len(first_keys) == 1
    assert len(both_keys) == 2
    for key in both_keys:
        assert ADDRESS not in key
        assert ipaddress.ip_address(ADDRESS).packed.hex() not in key


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_on_redis_a_counter_lives_only_until_its_window_ends(limits: Any) -> None:
    ratelimit.hit("test", "address:ttl")
    client = cache._cache.get_client()  # type: ignore[attr-defined]  # to read the key's TTL
    [key] = _counter_keys("test")
    assert 0 < client.ttl(key) <= HOUR


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("store", ["configured", "database"])
def test_counting_is_atomic_under_concurrent_requests(
    limits: Any, settings: Any, store: str
) -> None:
    """Threads of one process here; separate processes in test_shared_limits.py."""
    if store == "database":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MINJIAN_RATE_LIMITS = {**limits, "test": (10, HOUR)}
    accepted: list[int] = []
    refused: list[int] = []

    def one_request(number: int) -> None:
        try:
            ratelimit.hit("test", "address:crowd")
        except ratelimit.RateLimited:
            refused.append(number)
        else:
            accepted.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_request, args=(n,)) for n in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(accepted), len(refused)) == (10, 15)


# Who is a client


def test_the_client_is_the_connection_address_and_a_forwarded_header_is_ignored(
    rf: RequestFactory,
) -> None:
    request = rf.get("/", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ratelimit.client_address(request) == ADDRESS


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client sent the first entry
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", ADDRESS),  # fewer entries than proxies: do not trust it
        (1, "", ADDRESS),
    ],
)
def test_behind_trusted_proxies_the_client_is_counted_from_the_end_of_the_header(
    rf: RequestFactory, settings: Any, proxies: int, forwarded: str, client: str
) -> None:
    settings.MINJIAN_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == client


def test_ipv6_clients_are_counted_by_their_64_network(rf: RequestFactory) -> None:
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    mapped = rf.get("/", REMOTE_ADDR="::ffff:203.0.113.7")

    assert ratelimit.client_address(one) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(other) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(mapped) == ADDRESS


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    remote=st.text(max_size=60) | st.ip_addresses().map(str),
    forwarded=st.text(max_size=120),
    proxies=st.integers(min_value=0, max_value=3),
)
def test_any_header_gives_an_address_a_network_or_unknown(
    rf: RequestFactory, remote: str, forwarded: str, proxies: int
) -> None:
    request = rf.get("/")
    request.META["REMOTE_ADDR"] = remote
    request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(MINJIAN_TRUSTED_PROXY_COUNT=proxies):
        client = ratelimit.client_address(request)
    if client != ratelimit.UNKNOWN_ADDRESS:
        ipaddress.ip_network(client)


def test_a_signed_in_account_is_counted_apart_from_its_address(
    rf: RequestFactory, user: User
) -> None:
    request = rf.get("/", REMOTE_ADDR=ADDRESS)
    request.user = user

    assert ratelimit.requester(request) == f"account:{user.pk}"
    assert ratelimit.requester(rf.get("/", REMOTE_ADDR=ADDRESS)) == f"address:{ADDRESS}"


def test_the_mechanism_serves_any_new_scope_such_as_comments(
    rf: RequestFactory, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {"comment": (2, HOUR)}
    request = rf.post("/", REMOTE_ADDR=ADDRESS)
    ratelimit.limit_requester(request, "comment")
    ratelimit.limit_requester(request, "comment")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.limit_requester(request, "comment")


# Log-in: minjian/accounts/tests/test_login_backoff.py


# Sign-up and password reset


def sign_up(client: Client, username: str) -> Any:
    return client.post(
        reverse("accounts:signup"),
        {
            "username": username,
            "password": "quiet river at dawn 42",
            "password_again": "quiet river at dawn 42",
            "altcha": solved_payload(client),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_five_sign_ups_an_hour_per_client_and_mistakes_do_not_count(
    client: Client, limits: Any
) -> None:
    make_user("taken")
    for _ in range(3):
        assert sign_up(client, "taken").status_code == 200
    for number in range(5):
        assert sign_up(client, f"newcomer-{number}").status_code == 302
        client.logout()

    refused = sign_up(client, "newcomer-5")

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert not User.objects.filter(username="newcomer-5").exists()


def _ask_reset(client: Client, email: str) -> Any:
    return client.post(
        reverse("accounts:password_reset"),
        {"email": email, "altcha": solved_payload(client)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_reset_mails_are_limited_per_address_typed(
    client: Client, limits: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("has-mail", email="me@example.org")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert _ask_reset(client, "ME@example.org").status_code == 302

    assert _ask_reset(Client(REMOTE_ADDR="198.51.100.1"), "me@example.org").status_code == 429
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_client(client: Client, limits: Any) -> None:
    for number in range(5):
        assert _ask_reset(client, f"nobody-{number}@example.org").status_code == 302

    assert _ask_reset(client, "nobody-5@example.org").status_code == 429
