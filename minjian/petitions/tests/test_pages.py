"""Petitions' public pages in both languages: the list and its filters, a petition's page
(its count from the counter, organisations apart from people, hidden names, the provinces'
bars, the timeline with the answer first, the tombstone of a rejected one), its CSV and
Atom feeds; anonymous pages stored and marked public, a reader's own page private."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}
ATOM = "{http://www.w3.org/2005/Atom}"


def _signed(petition: Petition, regions: dict[str, Region], ngo: Organisation, admin: User) -> None:
    services.petition_sign(
        actor=make_user("wang-fang"),
        petition=petition,
        signer=Signer(display_name="Wang Fang", region=regions["340000"]),
    )
    services.petition_sign(
        actor=make_user("quiet-signer"),
        petition=petition,
        signer=Signer(display_name="Li Lei", name_hidden=True, region=regions["420000"]),
    )
    services.petition_sign_as_organisation(actor=admin, petition=petition, organisation=ngo)


def test_the_list_shows_public_petitions_with_their_counts_in_both_languages(
    client: Client, author: User, regions: dict[str, Region]
) -> None:
    shown = make_petition(
        author, title="Publish the Huai River outlet data", region=regions["340000"]
    )
    make_petition(author, title="A draft nobody reads yet", state=Petition.State.DRAFT)

    english = client.get("/petitions/", headers=ENGLISH).content.decode()
    chinese = client.get("/petitions/", headers=CHINESE).content.decode()

    assert "Publish the Huai River outlet data" in english
    assert "A draft nobody reads yet" not in english
    assert f"{shown.validated_count} signatures of 100" in english
    assert (
        f'<progress class="petition-progress" max="100" value="{shown.validated_count}">' in english
    )
    assert "请愿" in chinese and "签名" in chinese


def test_the_list_filters_by_state_topic_and_province_and_refuses_an_unknown_one(
    client: Client, author: User, regions: dict[str, Region]
) -> None:
    make_petition(author, title="In Anhui", region=regions["340300"], topic=None)
    make_petition(author, title="In Hubei", region=regions["420000"])

    in_anhui = client.get("/petitions/?region=340000", headers=ENGLISH).content.decode()
    closed = client.get("/petitions/?state=closed", headers=ENGLISH).content.decode()
    unknown = client.get("/petitions/?state=draft", headers=ENGLISH)
    no_topic = client.get("/petitions/?topic=no-such-topic", headers=ENGLISH)

    assert "In Anhui" in in_anhui and "In Hubei" not in in_anhui
    assert "In Anhui" not in closed and "No petition matches these filters." in closed
    assert unknown.status_code == 400 and "There is no such state." in unknown.content.decode()
    assert no_topic.status_code == 400


def test_a_petition_page_shows_its_count_signers_provinces_and_timeline(
    client: Client,
    author: User,
    regions: dict[str, Region],
    ngo: Organisation,
    ngo_admin: User,
) -> None:
    petition = make_petition(
        author, title="Publish the outlet data", background="Night discharges."
    )
    _signed(petition, regions, ngo, ngo_admin)
    petition.refresh_from_db()

    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()

    assert "Publish the outlet data" in page and "Night discharges." in page
    assert f"{petition.validated_count} signatures" in page
    assert "蚌埠市生态环境局" in page  # the named body addressed
    organisations = page.split('id="organisations"')[1].split("</section>")[0]
    people = page.split('id="people"')[1].split("</section>")[0]
    assert "Huai River Guardians" in organisations and "Huai River Guardians" not in people
    assert "Wang Fang" in people and "Li Lei" not in page
    assert "a signer (name hidden)" in people
    provinces = page.split('id="provinces"')[1].split("</section>")[0]
    assert "Anhui" in provinces and "Hubei" in provinces
    assert f"Without a province: {petition.validated_count - 2}" in provinces
    assert f"/petitions/{petition.pk}/counts.csv" in provinces
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert "Opened for signatures" in timeline and "Signed by an organisation" in timeline
    assert f"/petitions/{petition.pk}/timeline.atom" in timeline


def test_a_petition_page_reads_the_counter_not_the_signatures(client: Client, author: User) -> None:
    petition = make_petition(author)
    Petition.objects.filter(pk=petition.pk).update(validated_count=1234)

    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()

    assert "1,234 signatures" in page


def test_the_chinese_page_of_a_petition(client: Client, author: User) -> None:
    petition = make_petition(author)

    page = client.get(f"/petitions/{petition.pk}/", headers=CHINESE).content.decode()

    assert "请公开淮河排污口监测数据" in page
    assert "签署这个请愿" in page
    assert "你的电子邮箱" in page
    assert "时间线" in page


def test_the_anonymous_page_is_stored_public_with_a_form_without_token(
    client: Client, author: User
) -> None:
    petition = make_petition(author)
    address = f"/petitions/{petition.pk}/"

    first = client.get(address, headers=ENGLISH)
    again = client.get(address, headers={**ENGLISH, "If-None-Match": first["ETag"]})

    assert "public" in first["Cache-Control"] and first["ETag"]
    assert again.status_code == 304
    assert not first.cookies
    body = first.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert 'name="email"' in body and "data-proof-of-work" in body


def test_a_signed_in_readers_page_is_her_own(client: Client, author: User, user: User) -> None:
    petition = make_petition(author)
    client.force_login(user)

    response = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH)

    assert "private" in response["Cache-Control"]
    body = response.content.decode()
    assert "csrfmiddlewaretoken" in body
    assert 'name="email"' not in body and 'name="display_name"' in body


def test_an_organisations_admin_is_offered_to_sign_as_each_of_her_organisations(
    client: Client, author: User, ngo: Organisation, ngo_admin: User
) -> None:
    petition = make_petition(author)
    client.force_login(ngo_admin)

    body = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()

    assert "Sign as Huai River Guardians" in body


def test_the_answer_is_shown_first_and_on_the_timeline(
    client: Client, author: User, agency: Organisation, agency_member: User
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    services.petition_sign(actor=make_user("the-sixth"), petition=petition)
    services.petition_deliver(actor=None, petition=Petition.objects.get(pk=petition.pk))
    services.petition_answer(
        actor=agency_member, petition=petition, text="We publish the data monthly from March."
    )

    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()

    answer = page.split('id="answer"')[1].split("</section>")[0]
    assert "The answer of Bengbu Ecology Bureau" in answer
    assert "We publish the data monthly from March." in answer
    assert page.index('id="answer"') < page.index('id="timeline"')
    assert f'href="/orgs/{agency.slug}/"' in page
    assert "This petition no longer takes signatures." in page


def test_a_rejected_petition_is_a_tombstone_with_its_public_reason(
    client: Client, author: User, staff: User
) -> None:
    petition = make_petition(author, state=Petition.State.AWAITING_MODERATION)
    services.petition_reject(actor=staff, petition=petition, reason="It names a private person.")

    response = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH)
    chinese = client.get(f"/petitions/{petition.pk}/", headers=CHINESE)

    assert response.status_code == 410
    body = response.content.decode()
    assert f"Petition #{petition.pk} was rejected" in body
    assert "It names a private person." in body
    assert "请愿" in chinese.content.decode()


def test_a_draft_is_not_found_but_by_its_owners(client: Client, author: User) -> None:
    petition = make_petition(author, state=Petition.State.DRAFT)

    assert client.get(f"/petitions/{petition.pk}/").status_code == 404
    client.force_login(author)
    owned = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH)
    assert owned.status_code == 200
    assert "Send it out for its first signers" in owned.content.decode()


def test_the_counts_csv_names_provinces_and_no_signer(
    client: Client,
    author: User,
    regions: dict[str, Region],
    ngo: Organisation,
    ngo_admin: User,
) -> None:
    petition = make_petition(author)
    _signed(petition, regions, ngo, ngo_admin)

    response = client.get(f"/petitions/{petition.pk}/counts.csv", headers=ENGLISH)

    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]  # a streaming answer
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Province code", "Province", "Signatures"]
    assert ["340000", "Anhui", "1"] in rows and ["420000", "Hubei", "1"] in rows
    assert rows[-1][-1] == str(Petition.objects.get(pk=petition.pk).validated_count)
    assert "@" not in text and "Wang Fang" not in text


def test_the_feeds_list_open_petitions_and_a_petitions_timeline(
    client: Client, author: User, staff: User
) -> None:
    petition = make_petition(author, title="Publish the outlet data")
    rejected = make_petition(author, title="Rejected", state=Petition.State.AWAITING_MODERATION)
    services.petition_reject(actor=staff, petition=rejected, reason="Off topic.")

    listed = ElementTree.fromstring(  # noqa: S314  # our own answer
        client.get("/petitions/open.atom", headers=ENGLISH).content
    )
    timeline = ElementTree.fromstring(  # noqa: S314  # our own answer
        client.get(f"/petitions/{petition.pk}/timeline.atom", headers=ENGLISH).content
    )

    titles = [entry.findtext(f"{ATOM}title") for entry in listed.iter(f"{ATOM}entry")]
    assert titles == ["Publish the outlet data"]
    kinds = [entry.findtext(f"{ATOM}title") for entry in timeline.iter(f"{ATOM}entry")]
    assert kinds[0] == "Opened for signatures" and kinds[-1] == "Written"
    assert client.get(f"/petitions/{rejected.pk}/timeline.atom").status_code == 410


def test_anonymous_pages_change_as_soon_as_a_signature_counts(
    client: Client, author: User, user: User
) -> None:
    petition = make_petition(author)
    address = f"/petitions/{petition.pk}/"
    count = petition.validated_count
    before = client.get(address, headers=ENGLISH).content.decode()

    services.petition_sign(actor=user, petition=petition)

    after = client.get(address, headers=ENGLISH).content.decode()
    assert f"{count} signatures" in before
    assert f"{count + 1} signatures" in after
