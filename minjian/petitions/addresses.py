"""One address, one signature: the canonical form of an e-mail address and its keyed hash.

Mail providers deliver several spellings of one mailbox. Lower case everywhere (no provider
of note keeps upper and lower case apart in the local part). Gmail ignores dots in the local
part and delivers `name+anything` to `name`; googlemail.com is the same mailbox as gmail.com.
The other providers below deliver `name+anything` to `name` as well (sub-addressing:
Outlook.com and its older domains, iCloud, Proton, Fastmail); their dots are significant.
Chinese providers (qq.com, 163.com, 126.com, sina.com, foxmail.com) have no sub-addressing:
a `+` there is an ordinary character of another mailbox's name, so those addresses are only
lower-cased. A domain not listed is only lower-cased: dropping what follows a `+` at a
provider that does not sub-address would merge two people's signatures.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
SUBADDRESSING_DOMAINS = frozenset(
    {
        *GMAIL_DOMAINS,
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "fastmail.com",
    }
)
HASH_SALT = "minjian.petitions.signer-address"


def canonical_address(address: str) -> str:
    """The one spelling of the mailbox `address` reaches (which must hold one "@")."""
    local, _at, domain = address.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    if domain in SUBADDRESSING_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def address_domain(address: str) -> str:
    """The domain of `address` as bulk invalidation names it: canonical, lower case."""
    return canonical_address(address).rpartition("@")[2]


def address_hash(address: str) -> str:
    """What a signature keeps of its address: an HMAC-SHA256 of the canonical form under
    a key derived from SECRET_KEY, so that the same mailbox signs once and nobody without
    the key can test a guessed address against the table."""
    return salted_hmac(
        HASH_SALT, canonical_address(address), secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()
