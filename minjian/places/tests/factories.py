from __future__ import annotations

from minjian.places.models import Region

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


def make_region(
    code: str, name_zh: str, name_en: str = "", *, parent: Region | None = None, level: int = 1
) -> Region:
    path = (parent.path if parent else "/") + code + "/"
    return Region.objects.create(
        code=code, name_zh=name_zh, name_en=name_en, parent=parent, level=level, path=path
    )


def make_region_tree() -> dict[str, Region]:
    made: dict[str, Region] = {}
    for code, parent_code, level, name_zh, name_en in TREE:
        parent = made[parent_code] if parent_code else None
        made[code] = make_region(code, name_zh, name_en, parent=parent, level=level)
    return made
