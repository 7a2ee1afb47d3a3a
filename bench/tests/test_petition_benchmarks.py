"""The petitions' benchmarks measure what they say: the generated signatures are the rows
the services write, with counters that match them; signing in process goes the API's
whole way and counts exactly; the bare insert writes the same rows as plain INSERTs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from bench.petition_page import generate_signatures
from bench.petition_signing import (
    bare_insert,
    counts_check,
    make_signers,
    open_petition,
    profile_signing,
    province_codes,
    signer_province,
)
from minjian.petitions.addresses import address_hash
from minjian.petitions.models import Petition, Signature
from minjian.places.tests.factories import NEIGHBOURS, TREE, make_region_tree

SIGNATURES = 2_000

pytestmark = pytest.mark.django_db


@pytest.fixture
def provinces(db: Any) -> list[str]:
    make_region_tree(TREE)
    make_region_tree(NEIGHBOURS)
    return province_codes()


def test_an_opened_petition_is_open_with_its_sponsors_counted(provinces: list[str]) -> None:
    petition = Petition.objects.get(pk=open_petition("test"))
    assert petition.state == Petition.State.OPEN
    assert petition.validated_count == 5
    assert counts_check(petition.pk)["exact"]


def test_generated_signatures_mix_states_and_keep_the_counters_exact(
    provinces: list[str],
) -> None:
    petition_id = open_petition("page", signature_goal=10 * SIGNATURES)
    generated = generate_signatures(petition_id, count=SIGNATURES, seed=7)
    by_email = Signature.objects.filter(petition_id=petition_id, account__isnull=True)
    states = Counter(
        Signature.objects.filter(petition_id=petition_id).values_list("state", flat=True)
    )
    assert generated.count == SIGNATURES
    assert set(generated.states) == {"pending", "validated", "withdrawn", "invalidated"}
    assert states["validated"] == generated.states["validated"] + 5
    assert 0 < generated.by_account < SIGNATURES
    assert by_email.count() == SIGNATURES - generated.by_account
    assert not by_email.filter(address_hash="").exists()
    check = counts_check(petition_id)
    assert check["exact"]
    assert check["provinces"] == len(provinces)


def test_generated_signatures_are_as_the_services_leave_them(provinces: list[str]) -> None:
    petition_id = open_petition("page", signature_goal=10 * SIGNATURES)
    generate_signatures(petition_id, count=SIGNATURES, seed=11)
    for signature in Signature.objects.filter(petition_id=petition_id).iterator():
        if signature.address_hash:
            # The address is kept only while her confirmation waits; its hash always.
            assert signature.address_domain
            assert signature.account_id is None
            if signature.pending_address:
                assert signature.state == "pending"
                assert signature.confirmed_at is None
                assert signature.address_hash == address_hash(signature.pending_address)
        if signature.state == "validated":
            assert signature.validated_at is not None
            assert signature.ended_at is None
        if signature.state in ("withdrawn", "invalidated"):
            assert signature.ended_at is not None
        if signature.state == "pending" and signature.confirmed_at is not None:
            assert signature.needs_review
    if connection.vendor == "sqlite":
        connection.check_constraints()


def test_every_fifth_signer_gives_no_province(provinces: list[str]) -> None:
    given = [signer_province(number, provinces) for number in range(1, 11)]
    assert given[4] is None
    assert given[9] is None
    assert all(code in provinces for code in given[:4] + given[5:9])


def test_signing_in_process_goes_through_the_api_and_counts_exactly(
    provinces: list[str],
) -> None:
    petition_id = open_petition("hot")
    profile = profile_signing(petition_id, make_signers(30), provinces)
    assert profile["statuses"] == {201: 20}
    assert profile["queries_per_signature"] > 0
    assert any("petitions_signature" in row["sql"] for row in profile["statements"])
    check = counts_check(petition_id)
    assert check["validated_count"] == 5 + 30
    assert check["exact"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg connections of its own")
def test_the_bare_insert_writes_one_validated_row_per_account(provinces: list[str]) -> None:
    from bench.petition_signing import parse_args

    petition_id = open_petition("bare")
    signers = make_signers(40)
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )
    args = parse_args(
        ["--clients", "4", "--warmup", "0", "--duration", "5", "--database-url", database_url]
    )
    run = bare_insert(args, petition_id, signers, provinces)
    assert run["error"] == ""
    assert run["accounts_used_up"]
    rows = Signature.objects.filter(
        petition_id=petition_id, account_id__in=[signer.account_id for signer in signers]
    )
    assert rows.count() == 40
    assert set(rows.values_list("state", flat=True)) == {"validated"}
    assert rows.filter(region__isnull=True).count() == 40 // 5
