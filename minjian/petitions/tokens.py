"""Signed links in a signer's confirmation mail: confirm her signature, or withdraw it.

Signed with SECRET_KEY (django.core.signing) as notify's follow links are, so nothing
secret is stored. A confirmation link names the signature's nonce and expires after
notify's `CONFIRMATION_MAX_AGE` (then the pending signature and its address are deleted:
`services.signatures_expire_pending`). A withdrawal link does not expire: she may take
her signature back as long as the petition takes withdrawals.
"""

from __future__ import annotations

from django.core import signing

from minjian.notify.tokens import CONFIRMATION_MAX_AGE, ConfirmationExpired

CONFIRM_SALT = "minjian.petitions.confirm"
WITHDRAW_SALT = "minjian.petitions.withdraw"

__all__ = [
    "CONFIRMATION_MAX_AGE",
    "ConfirmationExpired",
    "confirmation_token",
    "read_confirmation_token",
    "read_withdrawal_token",
    "withdrawal_token",
]


def confirmation_token(signature_id: int, nonce: str) -> str:
    return signing.dumps([signature_id, nonce], salt=CONFIRM_SALT)


def read_confirmation_token(token: str) -> tuple[int, str] | None:
    """(signature id, nonce); None for a link not made here; `ConfirmationExpired` when old."""
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)
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


def withdrawal_token(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=WITHDRAW_SALT)


def read_withdrawal_token(token: str) -> int | None:
    """The signature's id; None for a link not made here."""
    try:
        value = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
