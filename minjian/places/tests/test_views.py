"""The region pages: the provinces, and one region with where it lies and what lies under it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minjian.places.models import Region
from minjian.places.tests.factories import make_region


def test_the_province_list_in_english(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get("/places/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Regions</h1>" in page
    assert '<a href="/places/420000/">Hubei</a>' in page
    assert '<a href="/cases/?region=340000">Cases here</a>' in page


def test_the_province_list_in_chinese(client: Client, regions: dict[str, Region]) -> None:
    page = client.get("/places/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<h1>地区</h1>" in page
    assert '<a href="/places/420000/">湖北省</a>' in page
    assert "此地案例" in page


def test_the_list_query_count_does_not_grow_with_the_provinces(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    for number in range(10):
        make_region(f"9{number}0000", f"省{number}")

    with django_assert_max_num_queries(2):
        response = client.get("/places/")

    assert response.content.decode().count("/places/9") == 10


def test_a_region_page_shows_where_it_lies_and_what_lies_under_it(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get("/places/420100/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Wuhan</h1>" in page
    assert '<a href="/places/">Regions</a>' in page
    assert '› <a href="/places/420000/">Hubei</a>' in page
    assert 'href="/cases/?region=420100">Cases in Wuhan</a>' in page
    assert '<a href="/places/420102/">Jiang&#x27;an District</a>' in page
    assert '<a href="/cases/?region=420106">Cases here</a>' in page
    assert "Prefecture · code 420100" in page
    assert '· <span lang="zh-Hans">武汉市</span>' in page


def test_a_region_page_in_chinese(client: Client, regions: dict[str, Region]) -> None:
    page = client.get("/places/420102/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<h1>江岸区</h1>" in page
    assert '› <a href="/places/420100/">武汉市</a>' in page
    assert "江岸区的案例" in page
    assert "县级 · 代码 420102" in page
    assert '· <span lang="en">Jiang&#x27;an District</span>' in page
    assert "下级地区" not in page


def test_an_unknown_region_page_is_not_found(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/places/999999/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "There is no region with the code 999999." in response.content.decode()
