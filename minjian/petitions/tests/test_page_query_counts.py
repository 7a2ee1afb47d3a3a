"""Every page of petitions a GET reaches reads a fixed number of queries, however many
petitions, signatures, organisations, provinces and events there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services, tokens
from minjian.petitions.models import Petition
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region


@pytest.fixture
def petitions(author: User, regions: dict[str, Region], agency: Organisation) -> list[Petition]:
    made = []
    for number in range(3):
        petition = make_petition(
            author,
            title=f"请愿{number}",
            region=regions["340000"],
            addressed_organisation=agency,
            signature_goal=1000,
        )
        for signer in range(3):
            services.petition_sign(
                actor=make_user(f"signer-{number}-{signer}"),
                petition=petition,
                signer=Signer(
                    display_name=f"Signer {signer}",
                    region=regions["340000" if signer % 2 else "420000"],
                    client_key=f"{signer:064d}",
                ),
            )
            admin = make_user(f"admin-{number}-{signer}")
            services.petition_sign_as_organisation(
                actor=admin,
                petition=petition,
                organisation=make_organisation(f"ngo-{number}-{signer}", admins=[admin]),
            )
        made.append(petition)
    return made


@pytest.fixture
def signer(petitions: list[Petition]) -> User:
    person = make_user("signs-everything")
    for petition in petitions:
        services.petition_sign(actor=person, petition=petition)
    return person


def test_the_list_reads_a_fixed_number_of_queries(
    client: Client, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    # the stored page's versions, the region filtered by, the count, the page, the
    # topics, the provinces
    with django_assert_max_num_queries(6):
        assert client.get("/petitions/?region=340000").status_code == 200
    with django_assert_max_num_queries(1):  # stored: the versions only
        client.get("/petitions/?region=340000")


def test_a_petitions_page_reads_a_fixed_number_of_queries(
    client: Client, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    # versions; the petition; owners, cases, organisations, people, provinces, timeline;
    # the boundaries' version (the map); the provinces of the form
    with django_assert_max_num_queries(10):
        assert client.get(f"/petitions/{petitions[0].pk}/").status_code == 200
    with django_assert_max_num_queries(1):
        client.get(f"/petitions/{petitions[0].pk}/")


def test_a_signed_in_readers_page_reads_a_fixed_number_of_queries(
    client: Client,
    petitions: list[Petition],
    signer: User,
    ngo: Organisation,
    ngo_admin: User,
    django_assert_max_num_queries: Any,
) -> None:
    services.petition_sign_as_organisation(actor=ngo_admin, petition=petitions[0], organisation=ngo)
    make_organisation("second-ngo", admins=[signer])
    client.force_login(signer)
    # the session and account, then the page's reads and hers: her organisations, her
    # signature, the boundaries' version (the map), the provinces of the form
    with django_assert_max_num_queries(14):
        assert client.get(f"/petitions/{petitions[0].pk}/").status_code == 200


def test_the_csv_and_feeds_read_a_fixed_number_of_queries(
    client: Client, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):  # versions, the petition, its provinces
        response = client.get(f"/petitions/{petitions[0].pk}/counts.csv")
        b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a streaming answer
    with django_assert_max_num_queries(2):  # versions, the open petitions
        assert client.get("/petitions/open.atom").status_code == 200
    with django_assert_max_num_queries(3):  # versions, the petition, its timeline
        assert client.get(f"/petitions/{petitions[0].pk}/timeline.atom").status_code == 200


def test_her_signatures_read_a_fixed_number_of_queries(
    client: Client, signer: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(signer)
    # session, account, the menu's inbox link; the count, the page with its petitions
    with django_assert_max_num_queries(5):
        assert client.get("/petitions/mine/").status_code == 200


def test_the_forms_of_writing_and_owning_read_a_fixed_number_of_queries(
    client: Client,
    petitions: list[Petition],
    ngo: Organisation,
    ngo_admin: User,
    author: User,
    django_assert_max_num_queries: Any,
) -> None:
    make_organisation("second-ngo", admins=[ngo_admin])
    client.force_login(ngo_admin)
    # session, account, the menu's inbox link; agencies, topics, provinces, her organisations
    with django_assert_max_num_queries(7):
        assert client.get("/petitions/new/").status_code == 200
    client.force_login(author)
    # session, account; the petition, the door's owner check, its owners, her organisations
    with django_assert_max_num_queries(6):
        assert client.get(f"/petitions/{petitions[0].pk}/owners/").status_code == 200


def test_the_mails_links_read_nothing_until_sent(
    client: Client, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        client.get(f"/petitions/signatures/confirm/{tokens.confirmation_token(1, 'x')}/")
        client.get(f"/petitions/signatures/withdraw/{tokens.withdrawal_token(1)}/")


def test_staffs_pages_read_a_fixed_number_of_queries(
    client: Client,
    petitions: list[Petition],
    author: User,
    staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(2):
        make_petition(author, title=f"待审{number}", state=Petition.State.AWAITING_MODERATION)
        services.petition_sign(
            actor=make_user(f"crowd-{number}"),
            petition=petitions[number],
            signer=Signer(client_key="f" * 64, needs_review=True),
        )
    client.force_login(staff)
    # session, account, the menu's queue count and inbox link; the queue, the review, the
    # delivered ones
    with django_assert_max_num_queries(7):
        assert client.get("/petitions/moderation/").status_code == 200
    # session, account, the menu's two; the clients grouped
    with django_assert_max_num_queries(5):
        assert client.get("/petitions/moderation/trending/").status_code == 200
    # session, account, the menu's two; the petition
    with django_assert_max_num_queries(5):
        assert client.get(f"/petitions/{petitions[0].pk}/invalidate/").status_code == 200


def test_the_bodys_pages_read_a_fixed_number_of_queries(
    client: Client,
    petitions: list[Petition],
    agency: Organisation,
    agency_member: User,
    django_assert_max_num_queries: Any,
) -> None:
    for petition in petitions:
        services.petition_close(
            actor=make_user(f"closer-{petition.pk}", is_staff=True), petition=petition
        )
        Petition.objects.filter(pk=petition.pk).update(deliver_at_deadline=True)
        services.petition_deliver(actor=None, petition=Petition.objects.get(pk=petition.pk))
    client.force_login(agency_member)
    # session, account, the menu's inbox link; the organisation, her membership, the
    # petitions
    with django_assert_max_num_queries(6):
        assert client.get(f"/petitions/delivered/{agency.slug}/").status_code == 200
    # session, account, the menu's inbox link; the petition, her membership
    with django_assert_max_num_queries(5):
        assert client.get(f"/petitions/{petitions[0].pk}/answer/").status_code == 200
