"""Loading administrative trees: China's committed file, another country's, and every refusal."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from django.utils import translation

from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.places.boundaries import LOCATING_TOLERANCE, OUTLINE_DETAILS, RegionShape
from minjian.places.management.commands.load_regions import CHINA_FILE
from minjian.places.models import BoundaryLoad, Region, RegionBoundary
from minjian.places.regionfile import RegionRow
from minjian.places.services import boundaries_load, regions_load
from minjian.places.tests.factories import make_region


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def china_rows() -> list[RegionRow]:
    with CHINA_FILE.open(encoding="utf-8", newline="") as stream:
        return [
            RegionRow(r["code"], r["parent_code"], int(r["level"]), r["name_zh"], r["name_en"])
            for r in csv.DictReader(stream)
        ]


def row(code: str, parent: str, level: int, name_zh: str, name_en: str = "") -> RegionRow:
    return RegionRow(code, parent, level, name_zh, name_en)


HUBEI = [
    row("420000", "", 1, "湖北省", "Hubei"),
    row("420100", "420000", 2, "武汉市", "Wuhan"),
    row("420102", "420100", 3, "江岸区", "Jiang'an District"),
    row("429004", "420000", 3, "仙桃市", "Xiantao City"),
]


def test_china_file_loads_as_a_tree_and_a_second_load_changes_nothing(db: Any) -> None:
    first = regions_load(rows=china_rows(), country="CN")

    levels = {level: Region.objects.filter(level=level).count() for level in (1, 2, 3)}
    assert levels == {1: 34, 2: 333, 3: 2851}
    assert (first.created, first.updated, first.kept) == (3218, 0, 0)
    county = Region.objects.select_related("parent__parent").get(code="420102")
    assert county.parent is not None and county.parent.code == "420100"
    assert county.parent.parent is not None and county.parent.parent.code == "420000"
    assert county.path == "/420000/420100/420102/"
    assert Region.objects.get(code="110105").path == "/110000/110105/"
    assert set(Region.objects.filter(parent=None).values_list("country", flat=True)) == {"CN"}
    assert not Region.objects.filter(code="810000").get().children.exists()

    second = regions_load(rows=china_rows(), country="CN")

    assert (second.created, second.updated, second.unchanged) == (0, 0, 3218)
    assert Region.objects.count() == 3218


def test_a_second_load_updates_names_in_place(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")
    wuhan_pk = Region.objects.get(code="420100").pk
    renamed = [*HUBEI[:1], row("420100", "420000", 2, "武汉市", "Wuhan City"), *HUBEI[2:]]

    result = regions_load(rows=renamed, country="CN")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    wuhan = Region.objects.get(code="420100")
    assert (wuhan.pk, wuhan.name_en) == (wuhan_pk, "Wuhan City")


def test_a_region_that_moves_takes_its_whole_subtree_along(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")
    # A region known only to the database (from an older file) must follow its
    # parent even though the new file does not list it.
    make_region("420199", "某区", parent=Region.objects.get(code="420102"), level=3)
    moved = [
        *HUBEI[:2],
        row("420200", "420000", 2, "黄石市", "Huangshi"),
        row("420102", "420200", 3, "江岸区", "Jiang'an District"),
        HUBEI[3],
    ]

    result = regions_load(rows=moved, country="CN")

    assert (result.created, result.updated, result.kept) == (1, 1, 1)
    assert Region.objects.get(code="420102").path == "/420000/420200/420102/"
    assert Region.objects.get(code="420199").path == "/420000/420200/420102/420199/"


def test_regions_missing_from_a_new_file_are_kept_with_their_cases(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")
    case = make_case(Region.objects.get(code="420102"))

    result = regions_load(rows=HUBEI[:2], country="CN")

    assert result.kept == 2
    assert Region.objects.filter(code__in=["420102", "429004"]).count() == 2
    case.refresh_from_db()
    assert case.region.code == "420102"


def test_another_country_loads_beside_china(db: Any, regions: dict[str, Region]) -> None:
    france = [
        row("FR-IDF", "", 1, "Île-de-France"),
        row("FR-75", "FR-IDF", 2, "Paris"),
        row("FR-75056", "FR-75", 3, "Paris 1er", "Paris 1st"),
    ]

    result = regions_load(rows=france, country="fr")

    assert result.created == 3
    paris = Region.objects.get(code="FR-75056")
    assert (paris.country, paris.path) == ("FR", "/FR-IDF/FR-75/FR-75056/")
    assert Region.objects.filter(country="CN").count() == len(regions)


def load_refused(rows: list[RegionRow], country: str = "CN") -> DomainError:
    before = list(Region.objects.values_list("code", "name_zh", "path"))
    with pytest.raises(DomainError) as refused:
        regions_load(rows=rows, country=country)
    assert list(Region.objects.values_list("code", "name_zh", "path")) == before
    return refused.value


def test_duplicate_codes_are_refused_and_nothing_is_written(db: Any) -> None:
    rows = [*HUBEI, RegionRow("420100", "420000", 2, "汉口", "", line=9)]

    error = load_refused(rows)

    assert error.code == "duplicate_region_code"
    assert str(error.message).startswith("Line 9: the code 420100 is also on line")


def test_an_unknown_parent_is_refused(db: Any) -> None:
    error = load_refused([*HUBEI, row("430102", "430100", 3, "芙蓉区")])

    assert error.code == "unknown_parent_region"
    assert "430100" in str(error.message)


def test_a_cycle_is_refused(db: Any) -> None:
    cycle = [
        row("A", "C", 1, "甲"),
        row("B", "A", 2, "乙"),
        row("C", "B", 3, "丙"),
        *HUBEI,
    ]

    error = load_refused(cycle)

    assert error.code == "region_cycle"
    assert "its own ancestor" in str(error.message)


def test_a_region_that_is_its_own_parent_is_refused(db: Any) -> None:
    assert load_refused([row("A", "A", 1, "甲")]).code == "region_cycle"


@pytest.mark.parametrize(
    "rows",
    [
        [row("420100", "", 2, "武汉市")],
        [row("420000", "", 1, "湖北省"), row("420100", "420000", 1, "武汉市")],
        [
            row("420000", "", 1, "湖北省"),
            row("420100", "420000", 3, "武汉市"),
            row("420102", "420100", 2, "江岸区"),
        ],
    ],
    ids=["top-level-not-1", "child-same-level", "child-above-parent"],
)
def test_levels_out_of_order_are_refused(db: Any, rows: list[RegionRow]) -> None:
    assert load_refused(rows).code == "region_level_order"


def test_a_code_of_another_country_is_refused(db: Any, regions: dict[str, Region]) -> None:
    error = load_refused([row("420000", "", 1, "Hubei")], country="FR")

    assert error.code == "region_code_in_other_country"
    assert Region.objects.get(code="420000").country == "CN"


@pytest.mark.parametrize("country", ["", "C", "CHN", "c1", "中国"])
def test_a_bad_country_code_is_refused(db: Any, country: str) -> None:
    assert load_refused(HUBEI, country=country).code == "invalid_country"


def test_loaded_regions_can_be_found_by_how_their_names_are_typed(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")

    assert Region.objects.get(code="420102").search_keys == (
        " 江岸区 jiangandistrict jianganqu jaq "
    )
    assert Region.objects.get(code="420000").search_keys == " 湖北省 hubei hubeisheng hbs "


def test_a_name_without_chinese_is_kept_as_typed_without_accents(db: Any) -> None:
    regions_load(rows=[row("FR-IDF", "", 1, "Île-de-France")], country="FR")

    assert Region.objects.get(code="FR-IDF").search_keys == " iledefrance "


def square(code: str, west: float, south: float, size: float) -> RegionShape:
    return RegionShape(code, shapely.box(west, south, west + size, south + size))


def test_points_are_located_among_the_deepest_boundaries_of_every_load(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")

    first = boundaries_load(shapes=[square("420000", 110, 29, 6)], source="provinces")
    second = boundaries_load(
        shapes=[square("420100", 113.5, 30, 1), square("420102", 114.2, 30.5, 0.2)],
        source="Wuhan",
    )

    assert (first.loaded, first.deepest) == (1, 1)
    assert (second.loaded, second.deepest) == (2, 1)
    deepest = RegionBoundary.objects.filter(deepest=True).values_list("region__code", flat=True)
    assert list(deepest) == ["420102"]
    assert list(BoundaryLoad.objects.values_list("source", flat=True)) == ["Wuhan", "provinces"]


def test_a_second_load_replaces_a_regions_boundary(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")
    boundaries_load(shapes=[square("420000", 110, 29, 6)], source="old")

    boundaries_load(shapes=[square("420000", 108, 29, 8)], source="new")

    boundary = RegionBoundary.objects.get()
    assert boundary.west == pytest.approx(108 - LOCATING_TOLERANCE)
    assert Region.objects.get(code="420000").outlines.count() == len(OUTLINE_DETAILS) + 1


def test_boundaries_of_unknown_regions_are_refused_and_nothing_is_written(db: Any) -> None:
    regions_load(rows=HUBEI, country="CN")

    with pytest.raises(DomainError) as refused:
        boundaries_load(
            shapes=[square("420000", 110, 29, 6), square("430000", 108, 24, 6)], source="x"
        )

    assert refused.value.code == "unknown_boundary_region"
    assert refused.value.details == {"codes": ["430000"]}
    assert not RegionBoundary.objects.exists()
    assert not BoundaryLoad.objects.exists()
