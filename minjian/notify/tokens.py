"""Signed links in mails: confirming a follow, and unsubscribing in one click.

Both are signed with SECRET_KEY (django.core.signing), so nothing secret is stored.
An unsubscribe link does not expire: RFC 8058 asks that it keep working as long as
mail is sent. A confirmation link expires after `CONFIRMATION_MAX_AGE` and names the
follow's current nonce, so asking to follow again makes the older links useless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from minjian.notify.models import CaseFollower

UNSUBSCRIBE_SALT = "minjian.notify.unsubscribe"
CONFIRMATION_SALT = "minjian.notify.confirm"
CONFIRMATION_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class MemberMail:
    """A member's mail about one organisation's inbox."""

    user_id: int
    organisation_id: int


@dataclass(frozen=True)
class FollowerMail:
    """A follower's mail about one case."""

    follower_id: int


def member_unsubscribe_token(user_id: int, organisation_id: int) -> str:
    return signing.dumps({"member": [user_id, organisation_id]}, salt=UNSUBSCRIBE_SALT)


def follower_unsubscribe_token(follower_id: int) -> str:
    return signing.dumps({"follower": follower_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> MemberMail | FollowerMail | None:
    """What the link unsubscribes from, or None for a link that was not made here."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    member = value.get("member")
    if isinstance(member, list) and len(member) == 2 and all(isinstance(i, int) for i in member):
        return MemberMail(user_id=member[0], organisation_id=member[1])
    follower = value.get("follower")
    if isinstance(follower, int):
        return FollowerMail(follower_id=follower)
    return None


def confirmation_token(follower: CaseFollower) -> str:
    return signing.dumps([follower.pk, follower.nonce], salt=CONFIRMATION_SALT)


class ConfirmationExpired(Exception):
    pass


def read_confirmation_token(token: str) -> tuple[int, str] | None:
    """(follower id, nonce), None for a link not made here; `ConfirmationExpired` when too old."""
    try:
        value = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise ConfirmationExpired from expired
    except signing.BadSignature:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        return value[0], value[1]
    return None
