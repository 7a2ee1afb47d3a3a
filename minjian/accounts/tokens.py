"""Personal API tokens: made with enough entropy, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "mj_"  # noqa: S105  # a public marker that tells tokens apart, not a secret
# Enough of the token to tell a person's tokens apart on their account page,
# far too little to help anyone guess the rest (256 bits of randomness).
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 7


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    return token[:DISPLAY_PREFIX_LENGTH]
