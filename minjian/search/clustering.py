"""The map of every public case: clusters counted on a grid keyed to the zoom, and the
cases themselves where few are in view.

The grid is in whole millionths of a degree (the cases' `grid_x` and `grid_y`, which
the database keeps from the published point): at zoom z a cell is
2 ** (CELL_SHIFT_AT_ZOOM_0 - z) of them on each side, about 95 screen pixels wide on
Leaflet's map at any zoom, and half as wide at each next zoom. A cell's cluster is
one line of a GROUP BY over an index of those integers with the filters' columns, so
that no case row is read: the cost is in the cases in view, never in their texts.
Only the published point is stored (coarsened to the reporter's choice), so only it
can be shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Count, F, Min, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import EVERY, MAP_TALLY_SHIFT, MICRODEGREES, Case, CaseMapTally
from minjian.core.errors import DomainError
from minjian.redaction import render_redactions
from minjian.search.selectors import CaseFilters, filtered_cases, holding, newest_holding

# At zoom 0 a cell is 2**27 microdegrees (134°) wide; one zoom further, half of that.
CELL_SHIFT_AT_ZOOM_0 = 27
MAX_ZOOM = 20
# A request for a view wider than this many cells (a very large screen, or a bounding
# box far wider than the zoom's) is counted on a coarser grid, so that an answer never
# holds more clusters than a map can show.
MAX_CELLS = 512
# When the view holds at most this many cases, they come one by one, even where
# several share a point (a cell of a kilometre's coarsened points never splits).
CASES_IN_VIEW = 200
# Zoomed out (grids of cells at least 2**MATCHES_FIRST_SHIFT wide, zooms 0 to 7), a
# search maps at most this many of its matches, the most recently reported, read from
# the search index before the cases; zoomed in, every match in view, each case in view
# looked up in the index. Measured at a million cases: each way is the faster on its
# side of zoom 7 (docs/benchmarks.md).
MAP_SEARCH_CAP = 10_000
MATCHES_FIRST_SHIFT = CELL_SHIFT_AT_ZOOM_0 - 7
_WEST_X = 180 * MICRODEGREES
_SOUTH_Y = 90 * MICRODEGREES


@dataclass(frozen=True)
class Viewport:
    """The part of the world a map shows, in degrees, and its zoom."""

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @classmethod
    def parse(cls, bbox: str | None, zoom: str | None) -> Viewport:
        """From `bbox=west,south,east,north` (degrees, WGS 84) and `zoom` (0 to
        MAX_ZOOM); anything else is a DomainError, "invalid_bbox" or "invalid_zoom"."""
        try:
            west, south, east, north = (float(part) for part in (bbox or "").split(","))
        except ValueError:
            raise _bbox_refused() from None
        finite = all(math.isfinite(value) for value in (west, south, east, north))
        if not (finite and -180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise _bbox_refused()
        if zoom is None or not zoom.isdigit() or int(zoom) > MAX_ZOOM:
            raise DomainError(
                "invalid_zoom",
                _("The zoom is a whole number from 0 to %(most)d.") % {"most": MAX_ZOOM},
                field="zoom",
            )
        return cls(west, south, east, north, int(zoom))


def _bbox_refused() -> DomainError:
    return DomainError(
        "invalid_bbox",
        _(
            "The bounding box is four numbers, west,south,east,north, in degrees: west"
            " less than east within -180 and 180, south less than north within -90 and 90."
        ),
        field="bbox",
    )


@dataclass(frozen=True)
class Cluster:
    """The cases of one cell: how many, and the mean of their points."""

    count: int
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MapCase:
    id: int
    title: str
    state: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MapFeatures:
    # The grid's cells are 2**shift microdegrees wide (it may be coarser than the zoom's).
    shift: int
    clusters: list[Cluster]
    cases: list[MapCase]

    @property
    def total(self) -> int:
        return sum(cluster.count for cluster in self.clusters) + len(self.cases)


@dataclass(frozen=True)
class Grid:
    """The cells of a viewport: the view widened to whole cells, so that a cell's count
    does not change as the map is moved."""

    shift: int
    x_cells: tuple[int, int]
    y_cells: tuple[int, int]

    @classmethod
    def of(cls, view: Viewport) -> Grid:
        shift = CELL_SHIFT_AT_ZOOM_0 - view.zoom
        west, east = _grid(view.west, _WEST_X), _grid(view.east, _WEST_X)
        south, north = _grid(view.south, _SOUTH_Y), _grid(view.north, _SOUTH_Y)
        while ((east >> shift) - (west >> shift) + 1) * (
            (north >> shift) - (south >> shift) + 1
        ) > MAX_CELLS:
            shift += 1
        return cls(shift, (west >> shift, east >> shift), (south >> shift, north >> shift))

    def cell_of(self, grid_x: int, grid_y: int) -> tuple[int, int] | None:
        """The cell of a grid position, or None outside the view's cells."""
        cell = (grid_x >> self.shift, grid_y >> self.shift)
        inside = self.x_cells[0] <= cell[0] <= self.x_cells[1]
        return cell if inside and self.y_cells[0] <= cell[1] <= self.y_cells[1] else None

    def limits(self) -> dict[str, tuple[int, int]]:
        """The grid positions of its cells, as a range filter of the cases."""
        return {
            "grid_x__range": (self.x_cells[0] << self.shift, self._end(self.x_cells[1])),
            "grid_y__range": (self.y_cells[0] << self.shift, self._end(self.y_cells[1])),
        }

    def limits_of(self, cell_x: int, cell_y: int) -> dict[str, tuple[int, int]]:
        """The grid positions of one cell, as a range filter of the cases."""
        return {
            "grid_x__range": (cell_x << self.shift, self._end(cell_x)),
            "grid_y__range": (cell_y << self.shift, self._end(cell_y)),
        }

    def _end(self, cell: int) -> int:
        return ((cell + 1) << self.shift) - 1


def _grid(degrees: float | Decimal, offset: int) -> int:
    return round(degrees * MICRODEGREES) + offset


def grid_position(latitude: float | Decimal, longitude: float | Decimal) -> tuple[int, int]:
    """A point's (grid_x, grid_y), as the database keeps them."""
    return _grid(longitude, _WEST_X), _grid(latitude, _SOUTH_Y)


def _degrees(mean: float, offset: int) -> float:
    return round((mean - offset) / MICRODEGREES, 6)


def map_features(filters: CaseFilters, view: Viewport) -> MapFeatures:
    """The public cases with a point in `view` under the list's filters and search:
    every one when they are at most CASES_IN_VIEW, else a cluster per cell of the
    zoom's grid (each with its count and the mean of its points), a cell of one case
    being that case. A search maps the cases that hold its terms, zoomed out only the
    MAP_SEARCH_CAP most recently reported (read first). Two queries: the count per
    cell, then the cases (and zoomed out with a search, the matches before them).

    The count per cell is read from the tallies of the map's grid (`CaseMapTally`)
    where the grid is at least as coarse as theirs and neither a region, a verdict nor a
    search narrows the cases, which the tallies do not hold; elsewhere it is a GROUP BY
    over the cases' grid index."""
    grid = Grid.of(view)
    in_view = _cases_in(filters, grid).filter(**grid.limits())
    tallied = grid.shift >= MAP_TALLY_SHIFT and not (
        filters.region or filters.terms or filters.verdict
    )
    cells = _tallied_cells(filters, grid) if tallied else _grouped_cells(in_view, grid)
    if sum(cell.count for cell in cells) <= CASES_IN_VIEW:
        return MapFeatures(grid.shift, [], _map_cases(in_view))
    single = [cell for cell in cells if cell.count == 1]
    clusters = [
        Cluster(
            count=cell.count,
            latitude=_degrees(cell.y_sum / cell.count, _SOUTH_Y),
            longitude=_degrees(cell.x_sum / cell.count, _WEST_X),
        )
        for cell in cells
        if cell.count > 1
    ]
    cases = _map_cases(_cases_of(single, in_view, grid)) if single else []
    return MapFeatures(grid.shift, clusters, cases)


@dataclass(frozen=True)
class _Cell:
    """The cases of one cell of a grid: how many, the sums of their grid positions and,
    when it was counted over the cases, the smallest id."""

    x: int
    y: int
    count: int
    x_sum: int
    y_sum: int
    first_case: int | None = None


def _grouped_cells(in_view: QuerySet[Case], grid: Grid) -> list[_Cell]:
    rows = in_view.values_list(
        F("grid_x").bitrightshift(grid.shift), F("grid_y").bitrightshift(grid.shift)
    ).annotate(count=Count("pk"), x_sum=Sum("grid_x"), y_sum=Sum("grid_y"), first_case=Min("pk"))
    return [_Cell(*row) for row in rows]


def _tallied_cells(filters: CaseFilters, grid: Grid) -> list[_Cell]:
    """The cells of `grid` summed from the tallies' finer cells, each a block of them."""
    blocks = grid.shift - MAP_TALLY_SHIFT
    rows = (
        CaseMapTally.objects.filter(
            topic_id=filters.topic.pk if filters.topic else EVERY,
            state__in=[s for s in Case.PUBLIC_STATES if not filters.state or s == filters.state],
            cell_x__range=(grid.x_cells[0] << blocks, ((grid.x_cells[1] + 1) << blocks) - 1),
            cell_y__range=(grid.y_cells[0] << blocks, ((grid.y_cells[1] + 1) << blocks) - 1),
        )
        .values_list(F("cell_x").bitrightshift(blocks), F("cell_y").bitrightshift(blocks))
        .annotate(Sum("number"), Sum("x_sum"), Sum("y_sum"))
        .order_by()
    )
    return [_Cell(*row) for row in rows if row[2]]


def _cases_of(cells: list[_Cell], in_view: QuerySet[Case], grid: Grid) -> QuerySet[Case]:
    """The cases of cells of one case each: by id where it is known, else as the case
    of `in_view` in one of the cells."""
    ids = [cell.first_case for cell in cells if cell.first_case is not None]
    if len(ids) == len(cells):
        return Case.objects.filter(pk__in=ids)
    within = Q()
    for cell in cells:
        within |= Q(**grid.limits_of(cell.x, cell.y))
    return in_view.filter(within)


def _cases_in(filters: CaseFilters, grid: Grid) -> QuerySet[Case]:
    cases = filtered_cases(filters)
    if filters.terms and grid.shift >= MATCHES_FIRST_SHIFT:
        # The matches' ids first, from the search index, in a query of their own:
        # joined to the cases in view, PostgreSQL probed a document for each case in
        # view (1.8 s for China), and as a subquery it ran it again for each.
        cases = cases.filter(_among(newest_holding(filters.terms, MAP_SEARCH_CAP)))
    elif filters.terms:
        # Few cases are in view: counted first (from the grid's index), so that the
        # search checks their documents rather than every match when they are fewer.
        in_view = cases.order_by().filter(grid_x__isnull=False, **grid.limits())
        cases = holding(cases, filters.terms, candidates=in_view.count())
    return cases.select_related(None).prefetch_related(None).order_by().filter(grid_x__isnull=False)


def _among(ids: list[int]) -> Q:
    if connection.vendor == "postgresql":
        # One array, not ten thousand parameters, which took 100 to 200 ms to send and
        # plan; unnested, so that it is joined through a hash, not compared with each
        # case in view in turn.
        return Q(
            RawSQL(
                '"cases_case"."id" IN (SELECT unnest(%s::bigint[]))',
                [ids],
                output_field=BooleanField(),
            )
        )
    return Q(pk__in=ids)


def _map_cases(cases: QuerySet[Case]) -> list[MapCase]:
    rows = cases.order_by("id").values_list("id", "title", "state", "grid_x", "grid_y")
    return [
        MapCase(
            id=pk,
            title=render_redactions(title),
            state=state,
            latitude=_degrees(grid_y, _SOUTH_Y),
            longitude=_degrees(grid_x, _WEST_X),
        )
        for pk, title, state, grid_x, grid_y in rows
    ]


def features_json(
    features: MapFeatures, *, case_url: Callable[[str], str] = str
) -> dict[str, object]:
    """The features as the web map and the API give them; `case_url` makes a case's
    page address absolute where the answer needs it (the API)."""
    return {
        "total": features.total,
        "clusters": [
            {"count": c.count, "lat": c.latitude, "lng": c.longitude} for c in features.clusters
        ],
        "cases": [
            {
                "id": case.id,
                "title": case.title,
                "state": case.state,
                "lat": case.latitude,
                "lng": case.longitude,
                "url": case_url(reverse("cases:detail", args=[case.id])),
            }
            for case in features.cases
        ],
    }
