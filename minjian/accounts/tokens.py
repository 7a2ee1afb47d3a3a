"""Personal API tokens: made with enough entropy, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "mj_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
