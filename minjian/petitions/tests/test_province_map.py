"""The map of a petition's signatures by province: an SVG drawn from the provinces' stored
outlines, each province shaded by its validated signatures and named with its count in
the reader's language; offered on the page only where boundaries are loaded."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.selectors_pages import MAP_NONE, MAP_SHADES
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region
from minjian.places.tests.factories import load_china_boundaries, make_region

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def signed(author: User, regions: dict[str, Region]) -> Petition:
    petition = make_petition(author, title="Publish the outlet data")
    for number, code in enumerate(("340000", "340000", "340000", "420000")):
        services.petition_sign(
            actor=make_user(f"signer-{number}"),
            petition=petition,
            signer=Signer(region=regions[code]),
        )
    return petition


def _provinces(client: Client, petition: Petition, language: str) -> dict[str, str]:
    answer = client.get(f"/petitions/{petition.pk}/map.svg", headers={"Accept-Language": language})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("image/svg+xml")
    drawing = ElementTree.fromstring(answer.content)  # noqa: S314  # our own answer
    return {
        path.findtext(f"{SVG}title", ""): path.get("fill", "")
        for path in drawing.iter(f"{SVG}path")
    }


def test_each_province_is_shaded_by_its_signatures_and_named_with_its_count(
    client: Client, signed: Petition, regions: dict[str, Region]
) -> None:
    make_region("440000", "广东省", "Guangdong")
    load_china_boundaries(["340000", "420000", "440000"])

    assert _provinces(client, signed, "en") == {
        "Anhui: 3": MAP_SHADES[-1],
        "Hubei: 1": MAP_SHADES[1],
        "Guangdong: 0": MAP_NONE,
    }
    assert set(_provinces(client, signed, "zh-hans")) == {"安徽省: 3", "湖北省: 1", "广东省: 0"}


def test_the_page_shows_the_map_only_where_boundaries_are_loaded(
    client: Client, signed: Petition
) -> None:
    without = client.get(f"/petitions/{signed.pk}/").content.decode()
    assert f"/petitions/{signed.pk}/map.svg" not in without
    assert client.get(f"/petitions/{signed.pk}/map.svg").status_code == 404

    load_china_boundaries(["340000", "420000"])

    page = client.get(f"/petitions/{signed.pk}/").content.decode()
    provinces = page.split('id="provinces"')[1].split("</section>")[0]
    assert f'src="/petitions/{signed.pk}/map.svg"' in provinces


def test_the_map_reads_a_fixed_number_of_queries(
    client: Client, signed: Petition, django_assert_max_num_queries: Any
) -> None:
    load_china_boundaries(["340000", "420000"])
    # The versions of what the stored answer shows, the petition, the boundaries' version,
    # the outlines, the counts by province.
    with django_assert_max_num_queries(6):
        assert client.get(f"/petitions/{signed.pk}/map.svg").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"/petitions/{signed.pk}/map.svg").status_code == 200
