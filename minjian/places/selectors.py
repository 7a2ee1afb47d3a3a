"""Every read of regions that a page, a form or the API needs.

Regions are public, so these take no viewer. Names are shown with `.name`,
which follows the language active when it is read.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from minjian.core.errors import DomainError, NotFound
from minjian.core.models import localized
from minjian.core.reference import ReferenceRows
from minjian.places.boundaries import DRAWING_DETAIL, LOCATING_TOLERANCE, OUTLINE_DETAILS
from minjian.places.models import BoundaryLoad, Region, RegionBoundary, RegionOutline
from minjian.places.names import name_key
from minjian.places.regionfile import is_valid_code

Choice = tuple[str, str]
ChoiceGroup = tuple[str, list[Choice]]


_regions_by_code: ReferenceRows[str, Region] = ReferenceRows(
    lambda code: Region.objects.filter(code=code).first(), models=(Region,)
)


def _ids_on_path(path: str) -> tuple[int, ...] | None:
    codes = [code for code in path.split("/") if code]
    return tuple(Region.objects.filter(code__in=codes).values_list("id", flat=True)) or None


_ids_by_path: ReferenceRows[str, tuple[int, ...]] = ReferenceRows(_ids_on_path, models=(Region,))


def region_with_code(code: str) -> Region | None:
    """The region with this code (spaces around it ignored), or None. A caller that
    refuses an unknown code in its own words (a form's field) starts here. Kept in the
    process for a minute (`core.reference`): never change what it returns."""
    return _regions_by_code.get(code.strip())


def region_and_above_ids(region: Region) -> list[int]:
    """The ids of the region and of every region above it (kept as `region_with_code`)."""
    return list(_ids_by_path.get(region.path) or ())


def region_by_code(code: str) -> Region:
    """The region an address names; `NotFound` with the code "unknown_region" when there is none."""
    return found_or_refused(region_with_code(code), code)


def region_filter(code: str | None) -> Region | None:
    """The region a list is filtered by (`?region=`): None when there is no code; an
    unknown one is refused (400, "unknown_region", field "region"), so a mistyped
    filter is noticed rather than giving an empty list."""
    if not code:
        return None
    region = region_with_code(code)
    if region is None:
        raise DomainError("unknown_region", _("There is no such region."), field="region")
    return region


def regions_by_codes(codes: Iterable[str]) -> dict[str, Region]:
    """The regions with these codes, by code, in one query; a code no region has is left out."""
    return {region.code: region for region in Region.objects.filter(code__in=list(codes))}


def region_codes(*, country: str) -> list[str]:
    """The codes of every region of `country`, by code."""
    return list(
        Region.objects.filter(country=country).order_by("code").values_list("code", flat=True)
    )


def unknown_region(code: str) -> NotFound:
    return NotFound(
        _("There is no region with the code %(code)s.") % {"code": code}, code="unknown_region"
    )


def found_or_refused(region: Region | None, code: str) -> Region:
    if region is None:
        raise unknown_region(code)
    return region


def with_has_children(regions: QuerySet[Region]) -> QuerySet[Region]:
    """Adds `has_children` (bool) to each region, and its parent, in the same query."""
    return regions.select_related("parent").annotate(
        has_children=Exists(Region.objects.filter(parent=OuterRef("pk")))
    )


def region_with_descendants(region: Region) -> QuerySet[Region]:
    """The region and every region under it, at any depth.

    To filter other rows by region, use the same prefix on their foreign key:
    `Case.objects.filter(region__path__startswith=region.path)`.
    """
    return Region.objects.filter(path__startswith=region.path)


def top_level_regions(country: str | None = None) -> QuerySet[Region]:
    """The provinces (regions without a parent), of one country or of all, by country and code."""
    regions = Region.objects.filter(parent__isnull=True)
    if country:
        regions = regions.filter(country=country.strip().upper())
    return with_has_children(regions).order_by("country", "code")


def region_children(region: Region) -> QuerySet[Region]:
    """The regions directly under `region`, by code, each with `has_children`.

    A province's children can be prefectures and counties side by side: China's
    municipalities (Beijing) and a few provinces hold counties directly.
    """
    return with_has_children(Region.objects.filter(parent=region)).order_by("code")


def region_ancestors(region: Region) -> list[Region]:
    """The regions above `region`, from the top-level one down, each with
    `has_children`; empty for a top-level region."""
    codes = [code for code in region.path.split("/") if code][:-1]
    found = {r.code: r for r in with_has_children(Region.objects.filter(code__in=codes))}
    return [found[code] for code in codes if code in found]


@dataclass(frozen=True)
class RegionDetail:
    region: Region
    ancestors: list[Region]
    children: list[Region]


def region_detail(code: str) -> RegionDetail:
    """A region with the chain above it and the regions directly under it, all
    with `has_children`, in three queries. `NotFound` ("unknown_region") for an
    unknown code.
    """
    region = found_or_refused(
        with_has_children(Region.objects.filter(code=code.strip())).first(), code
    )
    return RegionDetail(
        region=region,
        ancestors=region_ancestors(region),
        children=list(region_children(region)),
    )


def report_region_choices() -> list[ChoiceGroup]:
    """Choices for the region select of the report form, grouped for <optgroup>.

    One group per top-level region (province), named after it, holding first the
    province itself ("All of Hubei"), then the regions directly under it by code:
    its prefectures, and the counties that hang directly under the province
    (Beijing's districts, Hubei's 仙桃市). Every value is a region code that
    `region_by_code` accepts; labels are in the active language, so call this
    per request. About 500 options for China, in one query.

    A county is then picked, if the reporter wants to be that precise, from
    `region_refinement_choices(code)` of the chosen prefecture: a second select
    that a page shows after the first choice is sent (no JavaScript needed).
    """
    rows = (
        Region.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
        .order_by("country", "path")
        .values_list("pk", "parent", "code", "name_zh", "name_en")
    )
    groups: dict[int, ChoiceGroup] = {}
    for pk, parent_id, code, name_zh, name_en in rows:
        name = localized(name_zh, name_en)
        if parent_id is None:
            groups[pk] = (name, [(code, _("All of %(name)s") % {"name": name})])
        else:
            groups[parent_id][1].append((code, name))
    return list(groups.values())


def region_refinement_choices(code: str) -> list[Choice]:
    """Choices for a second, optional select: the region `code` itself ("All of
    Wuhan") then the regions directly under it, by code.

    Empty when the region has nothing under it (a county, or a prefecture such
    as 东莞市 without counties): then the first choice is already as precise as
    it gets and no second select is needed. `NotFound` ("unknown_region") for an
    unknown code.
    """
    region = region_by_code(code)
    children = [(child.code, child.name) for child in Region.objects.filter(parent=region)]
    if not children:
        return []
    return [(region.code, _("All of %(name)s") % {"name": region.name}), *children]


NAMED_LIMIT = 20


def regions_named(
    text: str, *, country: str | None = None, within: Region | None = None
) -> list[Region]:
    """The regions whose name starts like `text`, best first: whole names before the
    start of one, then the higher levels, then by code; at most NAMED_LIMIT, each with
    `has_children` and its parent.

    A name is matched as it is typed in Chinese (simplified or traditional), in pinyin
    (with or without spaces and tones, or its initials: "hyx" for 怀远县) or in
    English ("Huaiyuan County"); see `Region.search_keys`. Empty for text with no
    letter in it.
    """
    key = name_key(text)
    if not key:
        return []
    exact = Q(search_keys__contains=f" {key} ")
    regions = Region.objects.filter(search_keys__contains=f" {key}")
    if country:
        regions = regions.filter(country=country.strip().upper())
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
    ranked = regions.annotate(
        rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    return list(with_has_children(ranked).order_by("rank", "level", "code")[:NAMED_LIMIT])


def region_at(latitude: float, longitude: float) -> Region | None:
    """The deepest region whose boundary holds the point (WGS 84 degrees), or None.

    The deepest boundaries (`RegionBoundary.deepest`: counties, and prefectures
    without counties) whose bounding box holds the point are found in SQL, one query
    giving a few rows; their shapes, simplified to about 50 m, are asked which holds
    it. A point in none of them but within 50 m of one (between two shapes simplified
    apart, or on a shore) is given to the nearest. Only a point outside all of them
    (the sea, or a part of a country whose counties are not all loaded) costs a
    second query, for the larger regions around it.
    """
    near = boundaries_around(latitude, longitude, deepest=True)
    found = region_holding(near, latitude, longitude, margin=LOCATING_TOLERANCE)
    if found is None:
        enclosing = boundaries_around(latitude, longitude, deepest=False)
        found = region_holding(enclosing, latitude, longitude)
    return found


def boundaries_around(latitude: float, longitude: float, *, deepest: bool) -> list[RegionBoundary]:
    """The boundaries whose bounding box holds the point, with their regions, the
    deepest level first, then by code. Sorted here, not in SQL: asked to sort,
    SQLite walks the rows in that order instead of searching the box's index."""
    boundaries = RegionBoundary.objects.filter(
        deepest=deepest,
        west__lte=longitude,
        east__gte=longitude,
        south__lte=latitude,
        north__gte=latitude,
    ).select_related("region")
    return sorted(boundaries, key=lambda boundary: (-boundary.region.level, boundary.region.code))


def region_holding(
    boundaries: Iterable[RegionBoundary], latitude: float, longitude: float, *, margin: float = 0
) -> Region | None:
    """The region of the first boundary whose shape holds the point, else of the
    nearest within `margin` degrees of it, else None."""
    point = shapely.Point(longitude, latitude)
    nearest: tuple[float, Region] | None = None
    for boundary in boundaries:
        shape = shapely.from_wkb(bytes(boundary.shape))
        if shape.covers(point):
            return boundary.region
        distance = float(shape.distance(point))
        if distance <= margin and (nearest is None or distance < nearest[0]):
            nearest = (distance, boundary.region)
    return nearest[1] if nearest else None


@dataclass(frozen=True)
class RegionAtPoint:
    region: Region
    path: list[Region]
    """From the top-level region down to `region` itself."""


def region_at_point(latitude: float, longitude: float) -> RegionAtPoint:
    """`region_at` with the chain of regions above it, in two queries; `NotFound`
    ("no_region_here") for a point outside every boundary."""
    region = region_at(latitude, longitude)
    if region is None:
        raise NotFound(
            _("No region's boundary holds the point %(latitude)s, %(longitude)s.")
            % {"latitude": latitude, "longitude": longitude},
            code="no_region_here",
        )
    return RegionAtPoint(region=region, path=[*region_ancestors(region), region])


def latest_boundary_load() -> BoundaryLoad | None:
    return BoundaryLoad.objects.order_by("-loaded_at", "-id").first()


def outlines_missing() -> bool:
    """Whether a region with a boundary lacks one of the outlines this version of the site
    keeps (a load by an earlier version kept fewer): its boundaries must be loaded again."""
    kept = len(OUTLINE_DETAILS) + 1  # and the drawing's
    return (
        RegionBoundary.objects.annotate(outlines=Count("region__outlines"))
        .filter(outlines__lt=kept)
        .exists()
    )


def boundary_version() -> str:
    """The version of the boundary data: the latest load's, "" before any."""
    load = latest_boundary_load()
    return str(load.pk) if load else ""


OUTLINE_CACHE_SECONDS = 24 * 60 * 60


def region_outlines(*, level: int, within: str | None, detail: int, version: str) -> bytes:
    """The outlines of the regions of `level` (under the region `within`, if given) at
    `detail`: a GeoJSON FeatureCollection (UTF-8, gzipped) whose features carry
    `{"code", "name_zh", "name_en"}`, by code.

    Kept gzipped in the cache (a quarter of the size, in a worker's memory in the
    embedded default) under the boundary data's `version` (`boundary_version()`), so
    that a new load is seen at once and the old entries simply expire. An unknown
    `within` is `NotFound` ("unknown_region").
    """
    if within and not is_valid_code(within):
        # Not even the shape of a code: refused before it becomes part of a cache key.
        raise unknown_region(within)
    key = f"places:outlines:{version}:{level}:{within or ''}:{detail}"
    body: bytes | None = cache.get(key)
    if body is None:
        body = packed_outlines(level=level, within=within, detail=detail)
        cache.set(key, body, OUTLINE_CACHE_SECONDS)
    return body


def packed_outlines(*, level: int, within: str | None, detail: int) -> bytes:
    outlines = RegionOutline.objects.filter(detail=detail, region__level=level)
    if within:
        outlines = outlines.filter(region__path__startswith=region_by_code(within).path)
    rows = outlines.order_by("region__code").values_list(
        "region__code", "region__name_zh", "region__name_en", "geometry"
    )
    # The stored geometries are GeoJSON already: the collection is written as text,
    # feature by feature into the gzip stream, so that a worker never holds more than
    # one geometry and the packed whole (the collection of every province at the
    # finest detail is 2.7 MB unpacked).
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=9, mtime=0) as stream:
        stream.write(b'{"type":"FeatureCollection","features":[')
        for number, (code, name_zh, name_en, geometry) in enumerate(rows.iterator()):
            properties = json.dumps(
                {"code": code, "name_zh": name_zh, "name_en": name_en},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            separator = "," if number else ""
            stream.write(
                f'{separator}{{"type":"Feature","properties":{properties},"geometry":{geometry}}}'.encode()
            )
        stream.write(b"]}")
    return packed.getvalue()


@dataclass(frozen=True)
class DrawnRegion:
    code: str
    name_zh: str
    name_en: str
    # SVG path data in the drawing's units.
    path: str


@dataclass(frozen=True)
class Drawing:
    """The provinces of the loaded boundaries as SVG paths, for a small static map."""

    width: int
    height: int
    regions: list[DrawnRegion]


DRAWING_WIDTH = 1000
# China's middle latitude: longitudes are shortened by its cosine, so that the map is not
# stretched east to west (an equirectangular projection, plain enough for a choropleth).
DRAWING_LATITUDE = 35.0


def province_drawing() -> Drawing | None:
    """The provinces drawn from their stored outlines (`boundaries.DRAWING_DETAIL`),
    projected and scaled to `DRAWING_WIDTH` units; None before any boundaries are
    loaded. Kept in the cache under the boundary data's version."""
    version = boundary_version()
    if not version:
        return None
    key = f"places:province-drawing:{version}"
    drawing: Drawing | None = cache.get(key)
    if drawing is None:
        drawing = _draw_provinces()
        cache.set(key, drawing, OUTLINE_CACHE_SECONDS)
    return drawing if drawing.regions else None


def _draw_provinces() -> Drawing:
    rows = list(
        RegionOutline.objects.filter(detail=DRAWING_DETAIL, region__level=Region.Level.PROVINCE)
        .order_by("region__code")
        .values_list("region__code", "region__name_zh", "region__name_en", "geometry")
    )
    shrink = math.cos(math.radians(DRAWING_LATITUDE))
    shapes = [
        (
            code,
            name_zh,
            name_en,
            shapely.transform(
                shapely.from_geojson(geometry), lambda points: points * (shrink, -1.0)
            ),
        )
        for code, name_zh, name_en, geometry in rows
    ]
    if not shapes:
        return Drawing(DRAWING_WIDTH, 0, [])
    west, north, east, south = shapely.total_bounds([shape for *_names, shape in shapes])
    scale = DRAWING_WIDTH / (east - west)
    regions = [
        DrawnRegion(
            code,
            name_zh,
            name_en,
            svg_path(shapely.transform(shape, lambda points: (points - (west, north)) * scale)),
        )
        for code, name_zh, name_en, shape in shapes
    ]
    return Drawing(DRAWING_WIDTH, math.ceil((south - north) * scale), regions)


def svg_path(geometry: shapely.Geometry) -> str:
    """SVG path data of a polygon or multipolygon: each ring a move to its first point
    then relative steps in whole units (a step of nothing left out), closed."""
    commands: list[str] = []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            points = [(round(x), round(y)) for x, y in ring.coords]
            steps = []
            for (x, y), (next_x, next_y) in itertools.pairwise(points):
                if (next_x, next_y) != (x, y):
                    steps.append(f"{next_x - x} {next_y - y}")
            if len(steps) >= 2:
                commands.append(f"M{points[0][0]} {points[0][1]}l{' '.join(steps)}z")
    return "".join(commands)
