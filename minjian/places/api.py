"""/api/v1/regions: the administrative tree cases and organisations are placed in."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minjian.core.schemas import ErrorOut, InputSchema
from minjian.places import selectors
from minjian.places.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    """One region: a province (level 1), prefecture (2) or county (3)."""

    code: str = Field(description="The region's code; for China its GB/T 2260 code, e.g. 420102.")
    name: str = Field(description="The name in the language of the request.")
    name_zh: str = Field(description="The Chinese name (for another country, its own name).")
    name_en: str = Field(description="The English or pinyin name; may be empty.")
    level: int = Field(description="1 province, 2 prefecture, 3 county.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country, e.g. CN.")
    parent: str | None = Field(description="The parent region's code; null for a province.")
    parent_name: str | None = Field(
        description=(
            "The parent region's name in the language of the request (tells two 城关区 "
            "apart); null for a province."
        )
    )
    has_children: bool = Field(description="Whether any region lies directly under this one.")

    @staticmethod
    def resolve_parent(region: Region) -> str | None:
        # The path is "/420000/420100/420102/": the parent's code is the one
        # before the region's own, so no query for the parent is needed.
        codes = [code for code in region.path.split("/") if code]
        return codes[-2] if len(codes) > 1 else None

    @staticmethod
    def resolve_parent_name(region: Region) -> str | None:
        # Every selector that lists regions reads the parent in the same query.
        return region.parent.name if region.parent else None


class RegionDetailOut(Schema):
    """A region with the chain of regions above it and the regions directly under it."""

    region: RegionOut
    ancestors: list[RegionOut] = Field(description="From the province down to the parent.")
    children: list[RegionOut] = Field(description="The regions directly under it, by code.")


class RegionListQuery(InputSchema):
    parent: str | None = Field(
        None,
        description=(
            "List the regions directly under this code; without it, the provinces. "
            "With `q`: find names only under this region, at any depth."
        ),
    )
    country: str | None = Field(
        None, description="Only regions of this country (ISO 3166-1 alpha-2, e.g. CN)."
    )
    q: str | None = Field(
        None,
        max_length=100,
        description=(
            "Find regions by name instead of listing a level: Chinese (simplified or "
            "traditional), pinyin with or without spaces and tones (huaiyuan, Huái yuǎn), "
            "its initials (hyx) or English. Whole names first, then names that start so; "
            "at most 20."
        ),
    )


@router.get("", response={200: list[RegionOut], 404: ErrorOut})
def list_regions(request: HttpRequest, query: Query[RegionListQuery]) -> list[Region]:
    """The regions directly under `parent`, by code, or the top-level regions
    (provinces) when no `parent` is given. With `q`, the regions whose name starts
    like `q` instead, best first: `[]` when none does. An unknown `parent` is refused
    with 404 and the code `unknown_region`. Not paginated: a level holds a few
    hundred regions at most."""
    parent = selectors.region_by_code(query.parent) if query.parent else None
    if query.q:
        return selectors.regions_named(query.q, country=query.country, within=parent)
    if parent:
        return list(selectors.region_children(parent))
    return list(selectors.top_level_regions(query.country))


class PlaceOut(Schema):
    code: str = Field(description="The region's code.")
    name: str = Field(description="The name in the language of the request.")


class RegionAtOut(Schema):
    """The region a point lies in."""

    code: str = Field(description="The deepest region holding the point, usually a county.")
    name: str = Field(description="Its name in the language of the request.")
    level: int = Field(description="1 province, 2 prefecture, 3 county.")
    path: list[PlaceOut] = Field(
        description="From the province down to the region itself (which comes last)."
    )


class PointQuery(InputSchema):
    lat: float = Field(ge=-90, le=90, description="Latitude in degrees (WGS 84, as a phone gives).")
    lng: float = Field(ge=-180, le=180, description="Longitude in degrees (WGS 84).")


@router.get("/at", response={200: RegionAtOut, 404: ErrorOut})
def region_at_point(request: HttpRequest, query: Query[PointQuery]) -> RegionAtOut:
    """The region a point lies in: the deepest whose boundary holds it (a county,
    or a prefecture without counties), with the chain of regions above it. A point
    outside every loaded boundary (the sea, another country) is refused with 404 and
    the code `no_region_here`."""
    found = selectors.region_at_point(query.lat, query.lng)
    return RegionAtOut(
        code=found.region.code,
        name=found.region.name,
        level=found.region.level,
        path=[PlaceOut(code=region.code, name=region.name) for region in found.path],
    )


@router.get("/{code}", response={200: RegionDetailOut, 404: ErrorOut})
def get_region(request: HttpRequest, code: str) -> selectors.RegionDetail:
    """One region by its code, with its ancestors (province first) and its
    children. An unknown code is refused with 404 and the code `unknown_region`."""
    return selectors.region_detail(code)
