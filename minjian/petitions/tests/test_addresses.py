"""One mailbox, one canonical address: the rules per provider, and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minjian.petitions.addresses import (
    GMAIL_DOMAINS,
    SUBADDRESSING_DOMAINS,
    address_hash,
    canonical_address,
)

LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=20)
TAG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", max_size=10)
DOMAIN = st.sampled_from(
    sorted(SUBADDRESSING_DOMAINS | {"qq.com", "163.com", "example.org", "foxmail.com"})
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Wang.Fang+petition@Gmail.com", "wangfang@gmail.com"),
        ("w.a.n.g.fang@googlemail.com", "wangfang@gmail.com"),
        ("li.na+qq@outlook.com", "li.na@outlook.com"),
        ("li.na+x@Hotmail.com", "li.na@hotmail.com"),
        ("Zhang.San+1@icloud.com", "zhang.san@icloud.com"),
        # No sub-addressing: the "+" is part of another mailbox's name, dots count.
        ("12345+6@QQ.com", "12345+6@qq.com"),
        ("zhang.san@163.com", "zhang.san@163.com"),
        ("first.last+tag@example.org", "first.last+tag@example.org"),
    ],
)
def test_each_provider_s_spellings_of_one_mailbox_meet(typed: str, canonical: str) -> None:
    assert canonical_address(typed) == canonical


@given(local=LOCAL, domain=DOMAIN)
def test_canonical_form_is_stable(local: str, domain: str) -> None:
    once = canonical_address(f"{local}@{domain}")
    assert canonical_address(once) == once
    assert once == once.lower()


@given(local=LOCAL, domain=DOMAIN)
def test_case_never_makes_two_signers(local: str, domain: str) -> None:
    assert address_hash(f"{local.upper()}@{domain.upper()}") == address_hash(f"{local}@{domain}")


@given(local=LOCAL.filter(lambda text: "+" not in text), tag=TAG, domain=DOMAIN)
def test_a_tag_is_dropped_exactly_where_the_provider_ignores_it(
    local: str, tag: str, domain: str
) -> None:
    tagged = canonical_address(f"{local}+{tag}@{domain}")
    plain = canonical_address(f"{local}@{domain}")
    assert (tagged == plain) == (domain in SUBADDRESSING_DOMAINS)


@given(local=LOCAL, domain=st.sampled_from(sorted(GMAIL_DOMAINS)))
def test_gmail_ignores_dots(local: str, domain: str) -> None:
    assert canonical_address(f"{local}@{domain}") == canonical_address(
        local.replace(".", "") + "@gmail.com"
    )


def test_the_hash_is_keyed_and_names_no_address() -> None:
    digest = address_hash("wangfang@gmail.com")
    assert len(digest) == 64
    assert "wangfang" not in digest
