"""Rate limits and backoff shared by every process, counted under short-lived keyed hashes.

Why our own and not a library: django-ratelimit (4.1, 2023) puts the client address
into its cache keys as it is, and django-axes writes every failed log-in with its
address to the database. Reporter protection needs the opposite: nothing kept that
says who sent what. What is needed is small, so it is written here.

How it counts: a rule is `(limit, period)` from `settings.MINJIAN_RATE_LIMITS`. Time is
cut into fixed windows of `period` seconds; each scope, subject and window has one
counter in the store all processes share (minjian/abuse/counters.py: Redis, or the
database), raised atomically. The counter expires with its window, so the answer to
"when may I try again" is the window's end. A fixed window lets a client send up to
twice the limit across a window boundary; for spam control that is good enough, and it
needs one key per client and window.

Backoff (`settings.MINJIAN_BACKOFFS`, for failed log-ins): the first failures of a window
are free; after them each failure doubles the wait before the next attempt is even
checked, from the first wait up to the longest. A wait is a key of its own that expires
when the wait is over.

Who is counted: the subject (a client's network, an account, a pseudonym typed at
log-in, an e-mail address) appears in the key only as an HMAC-SHA256 under a key
derived from SECRET_KEY and the window itself. The store holds no address, and the
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
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from minjian.abuse.counters import counters
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


@dataclass(frozen=True)
class Backoff:
    """`free` failures per `period` seconds without a wait; then each failure doubles the
    wait before the next attempt, from `first_wait` up to `longest_wait` seconds."""

    free: int
    first_wait: int
    longest_wait: int
    period: int

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after the `failures`-th failure of a window (0: none)."""
        beyond = failures - self.free
        if beyond <= 0:
            return 0
        # 2**beyond grows without bound; past the longest wait it no longer matters.
        doublings = min(beyond - 1, 32)
        return min(self.longest_wait, self.first_wait * (1 << doublings))


def backoff_for(scope: str) -> Backoff:
    try:
        free, first_wait, longest_wait, period = settings.MINJIAN_BACKOFFS[scope]
    except KeyError as missing:
        raise ImproperlyConfigured(f"MINJIAN_BACKOFFS has no rule for {scope!r}") from missing
    if longest_wait > period:
        # A wait is looked for in its own window and the one before: it must fit in one.
        raise ImproperlyConfigured(f"MINJIAN_BACKOFFS[{scope!r}]: longest wait over the period")
    return Backoff(
        free=int(free),
        first_wait=int(first_wait),
        longest_wait=int(longest_wait),
        period=int(period),
    )


class RateLimited(DomainError):
    """Too many events in this window, or a wait after failures: HTTP 429, with the seconds
    until the next try is taken."""

    def __init__(self, *, scope: str, retry_after: int) -> None:
        if retry_after < 60:
            message = ngettext(
                "Too many attempts in a short time. Try again in %(seconds)d second.",
                "Too many attempts in a short time. Try again in %(seconds)d seconds.",
                retry_after,
            ) % {"seconds": retry_after}
        else:
            minutes = math.ceil(retry_after / 60)
            message = ngettext(
                "Too many attempts in a short time. Try again in %(minutes)d minute.",
                "Too many attempts in a short time. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        super().__init__("rate_limited", message, status=429, details={"retry_after": retry_after})
        self.scope = scope
        self.retry_after = retry_after


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _key(kind: str, scope: str, subject: str, period: int, index: int) -> str:
    # The window is part of the HMAC key: the key rotates with every window.
    digest = salted_hmac(
        f"minjian.abuse.ratelimit:{period}:{index}",
        f"{scope}\x00{subject}",
        algorithm="sha256",
    ).hexdigest()
    return f"{kind}:{scope}:{digest[:40]}"


@dataclass(frozen=True)
class _Window:
    key: str
    ends_at: float
    seconds_left: int


def _window(scope: str, subject: str, period: int, now: float, kind: str = "ratelimit") -> _Window:
    index = int(now // period)
    ends_at = (index + 1) * period
    return _Window(
        key=_key(kind, scope, subject, period, index),
        ends_at=ends_at,
        seconds_left=max(1, math.ceil(ends_at - now)),
    )


def hit(scope: str, subject: str, *, now: float | None = None) -> None:
    """Count one event, and refuse it with `RateLimited` if it is over the limit.

    For things that cost something whether or not they succeed: a report, a reset mail.
    """
    moment = _now(now)
    rule = rule_for(scope)
    window = _window(scope, subject, rule.period, moment)
    if counters().increment(window.key, expires_at=window.ends_at, now=moment) > rule.limit:
        raise RateLimited(scope=scope, retry_after=window.seconds_left)


def check(scope: str, subject: str, *, now: float | None = None) -> None:
    """Refuse with `RateLimited` if the limit is reached, without counting anything.

    With `record`, for limits on failures or on successes (sign-up).
    """
    moment = _now(now)
    rule = rule_for(scope)
    window = _window(scope, subject, rule.period, moment)
    if counters().count(window.key, now=moment) >= rule.limit:
        raise RateLimited(scope=scope, retry_after=window.seconds_left)


def is_limited(scope: str, subject: str, *, now: float | None = None) -> bool:
    """Whether `check` would refuse."""
    try:
        check(scope, subject, now=now)
    except RateLimited:
        return True
    return False


def record(scope: str, subject: str, *, now: float | None = None) -> None:
    """Count one event without refusing it: the next `check` refuses once the limit is reached."""
    moment = _now(now)
    window = _window(scope, subject, rule_for(scope).period, moment)
    counters().increment(window.key, expires_at=window.ends_at, now=moment)


def reset(scope: str, subject: str, *, now: float | None = None) -> None:
    """Forget the count of the current window."""
    window = _window(scope, subject, rule_for(scope).period, _now(now))
    counters().delete(window.key)


def _wait_keys(scope: str, subject: str, backoff: Backoff, now: float) -> tuple[str, str]:
    """Where a wait is kept: under this window's key, looked for in the window before too
    (a wait is never longer than a window, so it cannot be older than that)."""
    index = int(now // backoff.period)
    return (
        _key("wait", scope, subject, backoff.period, index),
        _key("wait", scope, subject, backoff.period, index - 1),
    )


def seconds_to_wait(scope: str, subject: str, *, now: float | None = None) -> int:
    """How long `subject` must still wait after its failures before the next attempt (0: none)."""
    moment = _now(now)
    store = counters()
    longest = 0.0
    for key in _wait_keys(scope, subject, backoff_for(scope), moment):
        until = store.held_until(key, now=moment)
        if until is not None:
            longest = max(longest, until - moment)
    return math.ceil(longest) if longest > 0 else 0


def check_backoff(scope: str, subject: str, *, now: float | None = None) -> None:
    """Refuse with `RateLimited` while `subject` must wait after its failures."""
    wait = seconds_to_wait(scope, subject, now=now)
    if wait:
        raise RateLimited(scope=scope, retry_after=wait)


def record_failure(scope: str, subject: str, *, now: float | None = None) -> int:
    """Count a failure; past the free ones, start the wait before the next attempt.
    Returns that wait in seconds (0: none)."""
    moment = _now(now)
    backoff = backoff_for(scope)
    window = _window(scope, subject, backoff.period, moment, kind="failures")
    store = counters()
    failures = store.increment(window.key, expires_at=window.ends_at, now=moment)
    wait = backoff.wait_after(failures)
    if wait:
        current, _before = _wait_keys(scope, subject, backoff, moment)
        store.hold(current, until=moment + wait, now=moment)
    return wait


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
