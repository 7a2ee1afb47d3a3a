"""Rate limits on Django's cache, counted under short-lived keyed hashes, never under addresses.

Why our own and not a library: django-ratelimit (4.1, 2023) puts the client address
into its cache keys as it is, and django-axes writes every failed log-in with its
address to the database. Reporter protection needs the opposite: nothing kept that
says who sent what. What is needed is small, so it is written here on the cache.

How it counts: a rule is `(limit, period)` from `settings.MINJIAN_RATE_LIMITS`. Time is
cut into fixed windows of `period` seconds; each scope, subject and window has one
counter, created with `cache.add` (only the first writer creates it) and raised with
`cache.incr` (atomic on Redis, under a lock in the local-memory cache). The counter
expires with its window, so the answer to "when may I try again" is the window's end.
A fixed window lets a client send up to twice the limit across a window boundary;
for spam control that is good enough, and it needs one key per client and window.

Who is counted: the subject (a client's network, an account, a pseudonym typed at
log-in, an e-mail address) appears in the key only as an HMAC-SHA256 under a key
derived from SECRET_KEY and the window itself. The cache holds no address, and the
same client gets an unrelated key in the next window: nothing links one hour's
counters to the next, and without SECRET_KEY a key cannot be traced back to an
address by trying every one (which a plain hash of the 2^32 IPv4 addresses allows).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from minjian.core.errors import DomainError

UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Rule:
    """At most `limit` events per `period` seconds."""

    limit: int
    period: int


def rule_for(scope: str) -> Rule:
    try:
        limit, period = settings.MINJIAN_RATE_LIMITS[scope]
    except KeyError as missing:
        raise ImproperlyConfigured(f"MINJIAN_RATE_LIMITS has no rule for {scope!r}") from missing
    return Rule(limit=int(limit), period=int(period))


class RateLimited(DomainError):
    """Too many events in this window: HTTP 429, with the seconds until the window ends."""

    def __init__(self, *, scope: str, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "rate_limited",
            ngettext(
                "Too many attempts in a short time. Try again in %(minutes)d minute.",
                "Too many attempts in a short time. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            status=429,
            details={"retry_after": retry_after},
        )
        self.scope = scope
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Window:
    key: str
    seconds_left: int


def _window(scope: str, subject: str, now: float | None) -> tuple[Rule, _Window]:
    rule = rule_for(scope)
    now = time.time() if now is None else now
    index = int(now // rule.period)
    # The window is part of the HMAC key: the key rotates with every window.
    digest = salted_hmac(
        f"minjian.abuse.ratelimit:{rule.period}:{index}",
        f"{scope}\x00{subject}",
        algorithm="sha256",
    ).hexdigest()
    seconds_left = max(1, math.ceil((index + 1) * rule.period - now))
    return rule, _Window(key=f"ratelimit:{scope}:{digest[:40]}", seconds_left=seconds_left)


def _increment(window: _Window) -> int:
    cache.add(window.key, 0, timeout=window.seconds_left)
    try:
        return cache.incr(window.key)
    except ValueError:
        # The counter expired between add and incr: this event opens a new one.
        cache.add(window.key, 1, timeout=window.seconds_left)
        return 1


def hit(scope: str, subject: str, *, now: float | None = None) -> None:
    """Count one event, and refuse it with `RateLimited` if it is over the limit.

    For things that cost something whether or not they succeed: a report, a reset mail.
    """
    rule, window = _window(scope, subject, now)
    if _increment(window) > rule.limit:
        raise RateLimited(scope=scope, retry_after=window.seconds_left)


def check(scope: str, subject: str, *, now: float | None = None) -> None:
    """Refuse with `RateLimited` if the limit is reached, without counting anything.

    With `record`, for limits on failures (log-in) or on successes (sign-up).
    """
    rule, window = _window(scope, subject, now)
    used = cache.get(window.key, 0)
    if used >= rule.limit:
        raise RateLimited(scope=scope, retry_after=window.seconds_left)


def record(scope: str, subject: str, *, now: float | None = None) -> None:
    """Count one event without refusing it: the next `check` refuses once the limit is reached."""
    _rule, window = _window(scope, subject, now)
    _increment(window)


def reset(scope: str, subject: str, *, now: float | None = None) -> None:
    """Forget the count of the current window, e.g. an account's failures after a good log-in."""
    _rule, window = _window(scope, subject, now)
    cache.delete(window.key)


def client_address(request: HttpRequest) -> str:
    """The network a request comes from: an IPv4 address, or an IPv6 /64 (one subscriber's
    share, which a client can change at will within).

    Behind reverse proxies, `MINJIAN_TRUSTED_PROXY_COUNT` says how many of them append to
    X-Forwarded-For; the client is the entry that many places from the end. Entries before
    it are whatever the client sent and are ignored. With the default 0 the header is not
    read at all (anyone can send it) and REMOTE_ADDR is the client. An address that cannot
    be read counts as one shared "unknown" client, so a broken set-up limits more, not less.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.MINJIAN_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def requester(request: HttpRequest, *, user: AbstractBaseUser | AnonymousUser | None = None) -> str:
    """Whom a limit counts: the signed-in account (`user`, or the session's), else the client's
    network. Accounts are counted apart so that people behind one shared address (a campus,
    a carrier-grade NAT) who signed in do not use up each other's allowance."""
    account = user if user is not None else getattr(request, "user", None)
    if account is not None and account.is_authenticated:
        return f"account:{account.pk}"
    return f"address:{client_address(request)}"


def limit_requester(
    request: HttpRequest, scope: str, *, user: AbstractBaseUser | AnonymousUser | None = None
) -> None:
    """Count one event of `scope` for whoever sends `request`; `RateLimited` when over the limit."""
    hit(scope, requester(request, user=user))
