"""Failed log-ins slow the next attempt down; the owner's own browser is never held up.

Locking an account after a few wrong passwords lets anyone lock its owner out: type her
pseudonym five times with any password. So nothing is locked. Instead, after the free
failures of a window (`settings.MINJIAN_BACKOFFS`), each further failure doubles the wait
before the next attempt is checked at all, up to a longest wait: per pseudonym typed
(someone guessing one account's password from many addresses) and per client (someone
trying many pseudonyms from one address). A waiting attempt is answered with the log-in
form, the wait and a 429 with Retry-After, without looking at the password.

The owner is not held up by what a stranger did, thanks to a device cookie (OWASP, "Slow
Down Online Guessing Attacks with Device Cookies"): a successful log-in gives the browser
a signed cookie naming the account (as a keyed hash, not by its pseudonym or number) and a
random device number. An attempt that brings a valid device cookie for the account it
tries skips both waits. Failures of such a device are counted per device
(`login_failure_device`); past that limit its cookie no longer lets it skip the waits, so a
stolen cookie buys a few guesses at most. The cookie is sent only to the log-in page and
only over HTTPS in production; a new one replaces it at each log-in. A successful log-in
does not clear the pseudonym's failures: that would give a guesser fresh free tries each
time the owner logs in, and the owner does not need it.

Every count lives in the shared store of minjian/abuse (Redis or the database), under
keys that name neither the pseudonym nor the address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from minjian.abuse import ratelimit
from minjian.accounts import selectors
from minjian.accounts.models import User

COOKIE_NAME = "minjian_device"
_SIGNING_SALT = "minjian.accounts.device-cookie"
ACCOUNT_SCOPE = "login_failure_account"
CLIENT_SCOPE = "login_failure_client"
DEVICE_SCOPE = "login_failure_device"


def _account_tag(user_pk: int) -> str:
    """The account as the cookie names it: a keyed hash, so that a cookie read on a seized
    phone does not say which account it belongs to."""
    return salted_hmac(
        "minjian.accounts.device-cookie.account", str(user_pk), algorithm="sha256"
    ).hexdigest()[:32]


def _cookie_max_age() -> int:
    return int(settings.MINJIAN_DEVICE_COOKIE_DAYS) * 24 * 60 * 60


def _read_cookie(request: HttpRequest) -> tuple[str, str] | None:
    """(account tag, device number) from a valid, unexpired device cookie, or None."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        value: Any = signing.loads(raw, salt=_SIGNING_SALT, max_age=_cookie_max_age())
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    tag, device = value.get("a"), value.get("d")
    if not isinstance(tag, str) or not isinstance(device, str):
        return None
    return tag, device


@dataclass
class LoginAttempt:
    """One log-in attempt: whether it must wait, and what its outcome counts for."""

    client: str
    pseudonym: str
    # The device number of a valid device cookie for the account tried, if any.
    device: str | None

    @classmethod
    def of(cls, request: HttpRequest) -> LoginAttempt:
        typed = request.POST.get("username", "").strip()
        return cls(
            client=ratelimit.requester(request),
            pseudonym="pseudonym:" + typed.casefold(),
            device=_trusted_device(request, typed),
        )

    def refusal(self) -> ratelimit.RateLimited | None:
        """The wait this attempt must respect before it is checked, or None to go on."""
        if self.device is not None:
            return None
        wait = max(
            ratelimit.seconds_to_wait(CLIENT_SCOPE, self.client),
            ratelimit.seconds_to_wait(ACCOUNT_SCOPE, self.pseudonym),
        )
        return ratelimit.RateLimited(scope=ACCOUNT_SCOPE, retry_after=wait) if wait else None

    def failed(self) -> None:
        if self.device is not None:
            ratelimit.record(DEVICE_SCOPE, f"device:{self.device}")
            return
        ratelimit.record_failure(CLIENT_SCOPE, self.client)
        ratelimit.record_failure(ACCOUNT_SCOPE, self.pseudonym)

    def succeeded(self, response: HttpResponse, user: User) -> None:
        """Give this browser a (new) device cookie for `user`."""
        value = signing.dumps(
            {"a": _account_tag(user.pk), "d": secrets.token_urlsafe(16)}, salt=_SIGNING_SALT
        )
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=_cookie_max_age(),
            path=reverse("accounts:login"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def _trusted_device(request: HttpRequest, typed: str) -> str | None:
    """The device number if the request brings a valid device cookie for the account whose
    pseudonym was typed, and that device has not failed too often; else None."""
    cookie = _read_cookie(request)
    if cookie is None or not typed:
        return None
    tag, device = cookie
    if ratelimit.is_limited(DEVICE_SCOPE, f"device:{device}"):
        return None
    account = selectors.active_user_by_pseudonym(typed)
    if account is None or not constant_time_compare(tag, _account_tag(account.pk)):
        return None
    return device
