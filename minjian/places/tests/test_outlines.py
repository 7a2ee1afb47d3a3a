"""GET /places/outlines/<level>.geojson: the outlines maps draw, small and cached."""

from __future__ import annotations

import csv
import gzip
from typing import Any

import pytest
from django.test import Client

from minjian.places.management.commands.load_regions import CHINA_FILE
from minjian.places.models import Region
from minjian.places.tests.factories import load_china_boundaries, make_region

URL = "/places/outlines/{level}.geojson"


def outlines(client: Client, level: int, **query: str) -> Any:
    return client.get(URL.format(level=level), query)


def test_province_outlines_are_a_feature_collection_with_codes_and_both_names(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    response = outlines(client, 1)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert [feature["properties"] for feature in collection["features"]] == [
        {"code": "340000", "name_zh": "安徽省", "name_en": "Anhui"},
        {"code": "420000", "name_zh": "湖北省", "name_en": "Hubei"},
    ]
    assert {feature["type"] for feature in collection["features"]} == {"Feature"}
    assert {feature["geometry"]["type"] for feature in collection["features"]} <= {
        "Polygon",
        "MultiPolygon",
    }


def test_within_keeps_the_regions_under_one_region(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    codes = [
        f["properties"]["code"] for f in outlines(client, 3, within="340300").json()["features"]
    ]

    assert codes == ["340302", "340303", "340304", "340311", "340321", "340322", "340323"]
    # 阜阳 has no boundary here: it is left out, not drawn empty.
    assert [
        f["properties"]["code"] for f in outlines(client, 2, within="340000").json()["features"]
    ] == ["340300"]


def test_finer_detail_draws_more_corners(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    sizes = [
        len(outlines(client, 3, within="420100", detail=str(detail)).content)
        for detail in (0, 1, 2)
    ]

    assert sizes[0] < sizes[1] < sizes[2]


def test_outlines_are_cached_by_browsers_for_a_day_and_tagged_with_the_data_version(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    first = outlines(client, 1)
    assert "public" in first["Cache-Control"]
    assert "max-age=86400" in first["Cache-Control"]

    again = client.get(URL.format(level=1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""

    # A new load is a new version: the tag changes, and the cached answer is not used.
    load_china_boundaries(["420000"])
    renewed = client.get(URL.format(level=1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert renewed.status_code == 200
    assert renewed["ETag"] != first["ETag"]


def test_a_client_that_accepts_gzip_gets_the_outlines_as_they_are_kept(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    plain = outlines(client, 3, within="420100")
    packed = client.get(
        URL.format(level=3), {"within": "420100"}, HTTP_ACCEPT_ENCODING="gzip, deflate, br"
    )

    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert packed["ETag"] == plain["ETag"]


def test_without_boundaries_the_collection_is_empty(
    client: Client, regions: dict[str, Region]
) -> None:
    assert outlines(client, 1).json() == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("level", "query", "status", "code"),
    [
        (4, {}, 404, "unknown_outline_level"),
        (0, {}, 404, "unknown_outline_level"),
        (1, {"detail": "3"}, 400, "invalid_outline_detail"),
        (1, {"detail": "fine"}, 400, "invalid_outline_detail"),
        (3, {"detail": "1"}, 400, "outlines_need_within"),
        (2, {"detail": "2"}, 400, "outlines_need_within"),
        (3, {"within": "999999"}, 404, "unknown_region"),
        (3, {"within": "no code / " + "x" * 300}, 404, "unknown_region"),
    ],
)
def test_a_bad_outline_request_is_refused_in_json(
    client: Client,
    bounded_regions: dict[str, Region],
    level: int,
    query: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = outlines(client, level, **query)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert "ETag" not in response


def test_every_province_of_china_at_the_coarsest_detail_is_well_under_200_kb_gzipped(
    client: Client, db: Any
) -> None:
    with CHINA_FILE.open(encoding="utf-8", newline="") as stream:
        provinces = [row for row in csv.DictReader(stream) if row["level"] == "1"]
    for row in provinces:
        make_region(row["code"], row["name_zh"], row["name_en"])
    load_china_boundaries([row["code"] for row in provinces])

    body = outlines(client, 1).content

    assert len(gzip.compress(body)) < 100_000
