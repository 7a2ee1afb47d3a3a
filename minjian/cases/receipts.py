"""Receipt codes: how a reporter without an account follows and adds to her case.

A code carries 100 random bits, is shown once, and only its SHA-256 digest is
stored. It is written in groups of Crockford base-32 characters, which avoids
letters that are easy to confuse (I, L, O, U) when copied by hand.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 5
GROUP_LENGTH = 4
CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_receipt_code() -> str:
    characters = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    groups = [characters[i : i + GROUP_LENGTH] for i in range(0, len(characters), GROUP_LENGTH)]
    return "-".join(groups)


def normalise_receipt_code(raw: str) -> str:
    """The code as issued, whatever case, spacing or dashes it was typed with."""
    characters = "".join(c for c in raw.upper() if c.isalnum()).translate(CONFUSABLE)
    groups = [characters[i : i + GROUP_LENGTH] for i in range(0, len(characters), GROUP_LENGTH)]
    return "-".join(groups)


def receipt_digest(code: str) -> str:
    return hashlib.sha256(normalise_receipt_code(code).encode()).hexdigest()
