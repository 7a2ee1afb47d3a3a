"""Loading a country's administrative tree into `Region`, and its boundaries.

Regions and boundaries are reference data: they are written by the `load_regions`
and `load_boundaries` commands, not by people using the site, so there is no
acting user and no event log here (a `BoundaryLoad` row records each load of
boundaries). Nothing is ever deleted: a region that a newer file no longer lists
is kept, because cases and organisations may point at it, and so is a boundary
that a newer load does not give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from minjian.core.errors import DomainError
from minjian.core.public_cache import BOUNDARIES, touch
from minjian.places.boundaries import PreparedBoundary, RegionShape, prepare_boundary
from minjian.places.models import BoundaryLoad, Region, RegionBoundary, RegionOutline
from minjian.places.names import name_key
from minjian.places.regionfile import RegionRow

Item = TypeVar("Item")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
BATCH_SIZE = 500


@dataclass(frozen=True)
class RegionLoadResult:
    created: int
    updated: int
    unchanged: int
    kept: int
    """Regions of the country that the rows no longer list, left in place."""


@dataclass(frozen=True)
class PlacedRow:
    row: RegionRow
    depth: int
    path: str


@transaction.atomic
def regions_load(*, rows: Sequence[RegionRow], country: str) -> RegionLoadResult:
    """Create or update the regions of `country` (ISO 3166-1 alpha-2) from `rows`.

    The rows must form a tree on their own: unique codes, each parent listed,
    no cycle, a top-level region at level 1 and a child at a deeper level than
    its parent. Otherwise `DomainError` is raised and nothing is written.
    Running it twice with the same rows changes nothing the second time.
    """
    country = country.strip().upper()
    if not COUNTRY_PATTERN.fullmatch(country):
        raise DomainError(
            "invalid_country",
            _("The country must be a two-letter ISO 3166 code such as CN, not “%(country)s”.")
            % {"country": country},
            details={"country": country},
        )
    return write_regions(place_rows(rows), country)


def row_error(code: str, row: RegionRow, message: str) -> DomainError:
    if row.line:
        message = _("Line %(line)d: %(problem)s") % {"line": row.line, "problem": message}
    return DomainError(code, message, details={"line": row.line, "code": row.code})


def place_rows(rows: Sequence[RegionRow]) -> list[PlacedRow]:
    """The rows with their depth and materialised path, parents before children."""
    by_code: dict[str, RegionRow] = {}
    for row in rows:
        if row.code in by_code:
            raise row_error(
                "duplicate_region_code",
                row,
                _("the code %(code)s is also on line %(other)d.")
                % {"code": row.code, "other": by_code[row.code].line},
            )
        by_code[row.code] = row
    for row in rows:
        if row.parent_code and row.parent_code not in by_code:
            raise row_error(
                "unknown_parent_region",
                row,
                _("the parent %(parent)s of %(code)s is not in the file.")
                % {"parent": row.parent_code, "code": row.code},
            )

    paths: dict[str, str] = {}
    for row in rows:
        chain = [row]
        seen = {row.code}
        while chain[-1].parent_code and chain[-1].parent_code not in paths:
            parent = by_code[chain[-1].parent_code]
            if parent.code in seen:
                raise row_error(
                    "region_cycle",
                    row,
                    _("%(code)s is its own ancestor (%(chain)s).")
                    % {
                        "code": parent.code,
                        "chain": " → ".join([*(r.code for r in chain), parent.code]),
                    },
                )
            seen.add(parent.code)
            chain.append(parent)
        for link in reversed(chain):
            paths[link.code] = (paths[link.parent_code] if link.parent_code else "/") + (
                link.code + "/"
            )

    for row in rows:
        if not row.parent_code and row.level != Region.Level.PROVINCE:
            raise row_error(
                "region_level_order",
                row,
                _("%(code)s has no parent, so its level must be 1, not %(level)d.")
                % {"code": row.code, "level": row.level},
            )
        if row.parent_code and row.level <= by_code[row.parent_code].level:
            raise row_error(
                "region_level_order",
                row,
                _(
                    "%(code)s (level %(level)d) must be at a deeper level than its parent "
                    "%(parent)s (level %(parent_level)d)."
                )
                % {
                    "code": row.code,
                    "level": row.level,
                    "parent": row.parent_code,
                    "parent_level": by_code[row.parent_code].level,
                },
            )
    placed = [PlacedRow(row, paths[row.code].count("/") - 1, paths[row.code]) for row in rows]
    return sorted(placed, key=lambda p: (p.depth, p.row.code))


def write_regions(placed: list[PlacedRow], country: str) -> RegionLoadResult:
    codes = [p.row.code for p in placed]
    existing = {region.code: region for region in Region.objects.filter(code__in=codes)}
    for taken in existing.values():
        if taken.country != country:
            raise DomainError(
                "region_code_in_other_country",
                _("The code %(code)s already belongs to a region of %(other)s.")
                % {"code": taken.code, "other": taken.country},
                details={"code": taken.code, "country": taken.country},
            )

    ids: dict[str, int] = {code: region.pk for code, region in existing.items()}
    created = 0
    changed: list[Region] = []
    for depth in sorted({p.depth for p in placed}):
        new: list[Region] = []
        for item in (p for p in placed if p.depth == depth):
            row = item.row
            wanted = {
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "search_keys": search_keys(row.name_zh, row.name_en),
                "level": row.level,
                "parent_id": ids[row.parent_code] if row.parent_code else None,
                "path": item.path,
            }
            region = existing.get(row.code)
            if region is None:
                new.append(Region(code=row.code, country=country, **wanted))
            elif any(getattr(region, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(region, name, value)
                changed.append(region)
        # PostgreSQL and SQLite 3.35+ hand back the new primary keys, which the
        # next depth needs as parent ids.
        Region.objects.bulk_create(new, batch_size=BATCH_SIZE)
        ids.update((region.code, region.pk) for region in new)
        created += len(new)
    Region.objects.bulk_update(
        changed,
        ["name_zh", "name_en", "search_keys", "level", "parent", "path"],
        batch_size=BATCH_SIZE,
    )
    kept = repair_paths_outside(set(codes), country)
    return RegionLoadResult(
        created=created,
        updated=len(changed),
        unchanged=len(placed) - created - len(changed),
        kept=kept,
    )


def repair_paths_outside(listed: set[str], country: str) -> int:
    """Make the path of every region that the rows do not list follow its
    parent's again (its parent may have moved). Returns how many of them
    belong to `country`."""
    tree = {
        pk: (code, parent_id, path, region_country)
        for pk, code, parent_id, path, region_country in Region.objects.values_list(
            "pk", "code", "parent", "path", "country"
        )
    }
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        if pk not in paths:
            code, parent_id, _path, _country = tree[pk]
            paths[pk] = (path_of(parent_id) if parent_id else "/") + code + "/"
        return paths[pk]

    outside = [pk for pk, (code, *_rest) in tree.items() if code not in listed]
    stale = [Region(pk=pk, path=path_of(pk)) for pk in outside if path_of(pk) != tree[pk][2]]
    Region.objects.bulk_update(stale, ["path"], batch_size=BATCH_SIZE)
    return sum(1 for pk in outside if tree[pk][3] == country)


_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def search_keys(name_zh: str, name_en: str) -> str:
    """The ways a region's name is typed (`Region.search_keys`): its own name, its
    English name and, for a Chinese name, its pinyin and the initials of it."""
    keys = [name_key(name_zh), name_key(name_en)]
    if _CHINESE.search(name_zh):
        keys.append(name_key("".join(lazy_pinyin(name_zh))))
        keys.append(name_key("".join(lazy_pinyin(name_zh, style=Style.FIRST_LETTER))))
    return " " + " ".join(dict.fromkeys(key for key in keys if key)) + " "


@dataclass(frozen=True)
class BoundaryLoadResult:
    loaded: int
    """Regions whose boundary was written (replacing the one they had)."""
    deepest: int
    """Boundaries, of every load, that points are located in."""


def boundaries_load(*, shapes: Sequence[RegionShape], source: str) -> BoundaryLoadResult:
    """Write the boundaries of the regions `shapes` name, and record the load.

    Each region's bounding box, locating shape and outlines are made first (seconds
    per thousand regions), then written in one transaction, replacing what those
    regions had. Every code must be a loaded region's: otherwise `DomainError`
    ("unknown_boundary_region") is raised and nothing is written.
    """
    codes = [shape.code for shape in shapes]
    regions = {
        code: pk
        for batch in batches(codes)
        for code, pk in Region.objects.filter(code__in=batch).values_list("code", "pk")
    }
    unknown = [code for code in codes if code not in regions]
    if unknown:
        raise DomainError(
            "unknown_boundary_region",
            _("No region has the code %(codes)s: load the regions first (load_regions).")
            % {"codes": ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")},
            details={"codes": unknown},
        )
    prepared = [prepare_boundary(shape) for shape in shapes]
    with transaction.atomic():
        write_boundaries(prepared, regions)
        deepest = mark_deepest_boundaries()
        BoundaryLoad.objects.create(source=source, regions=len(prepared))
        touch(BOUNDARIES)
    # Fresh statistics, so that the planner searches the box's index for a point's
    # boundaries: without them SQLite scans the table, reading past every shape.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RegionBoundary._meta.db_table}")
    return BoundaryLoadResult(loaded=len(prepared), deepest=deepest)


def batches(items: Sequence[Item]) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def write_boundaries(prepared: Sequence[PreparedBoundary], regions: dict[str, int]) -> None:
    for batch in batches([boundary.code for boundary in prepared]):
        ids = [regions[code] for code in batch]
        RegionBoundary.objects.filter(region_id__in=ids).delete()
        RegionOutline.objects.filter(region_id__in=ids).delete()
    RegionBoundary.objects.bulk_create(
        (
            RegionBoundary(
                region_id=regions[boundary.code],
                west=boundary.west,
                south=boundary.south,
                east=boundary.east,
                north=boundary.north,
                shape=boundary.shape,
            )
            for boundary in prepared
        ),
        batch_size=BATCH_SIZE,
    )
    RegionOutline.objects.bulk_create(
        (
            RegionOutline(region_id=regions[boundary.code], detail=detail, geometry=geometry)
            for boundary in prepared
            for detail, geometry in boundary.outlines.items()
        ),
        batch_size=BATCH_SIZE,
    )


def mark_deepest_boundaries() -> int:
    """Mark the boundaries no other boundary lies inside (`RegionBoundary.deepest`);
    how many there are."""
    paths = dict(RegionBoundary.objects.values_list("region_id", "region__path"))
    # "/420000/420100/420102/" lies inside "/420000/" and "/420000/420100/".
    enclosing_paths = {
        path[: end + 1] for path in paths.values() for end in find_all(path, "/")[1:-1]
    }
    enclosing = [region_id for region_id, path in paths.items() if path in enclosing_paths]
    RegionBoundary.objects.filter(deepest=False).update(deepest=True)
    for batch in batches(enclosing):
        RegionBoundary.objects.filter(region_id__in=batch).update(deepest=False)
    return len(paths) - len(enclosing)


def find_all(text: str, char: str) -> list[int]:
    return [index for index, found in enumerate(text) if found == char]
