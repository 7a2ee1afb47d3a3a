"""Regions: a country's administrative tree (for China, GB/T 2260 divisions), and
their boundaries, as the site locates points and draws outlines with them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.core.models import BilingualName


class Region(BilingualName):
    """One administrative division: province (1), prefecture (2) or county (3).

    `path` is the chain of codes from the root ("/110000/110101/"), so that "this
    region and everything under it" is one indexed prefix match, whatever the
    shape of the country's codes. `search_keys` holds the ways its name is typed,
    each folded by `names.name_key` and set between spaces (怀远县: " 怀远县
    huaiyuancounty huaiyuanxian hyx "), so that a name is found by an indexed-free
    match of " key" anywhere in it; written by the loader (`services.search_keys`).
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(max_length=20, unique=True)
    country = models.CharField(max_length=2, default="CN")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True)
    search_keys = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("code",)

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)


class RegionBoundary(models.Model):
    """Where a region lies, as the site locates points in it.

    The bounding box (in degrees, WGS 84) is four indexed columns, so that the few
    regions that may hold a point are found in SQL from the index alone; `shape` is
    the region's outline simplified to about 50 m (`boundaries.LOCATING_TOLERANCE`),
    as well-known binary, read only for those few. `deepest` marks the boundaries no
    boundary lies inside (counties, or a prefecture without counties): a point is
    located among them first.
    """

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    shape = models.BinaryField()
    deepest = models.BooleanField(default=True)

    class Meta:
        # Every condition of the search for a point's boundaries is answered from this
        # one index, so that only the few rows that hold the point are read with their
        # shapes (on SQLite, reading a row's `deepest` means reading past its shape).
        indexes = (
            models.Index(
                fields=("deepest", "west", "east", "south", "north"), name="places_boundary_box"
            ),
        )

    def __str__(self) -> str:
        return f"boundary of {self.region_id}"


class RegionOutline(models.Model):
    """A region's outline as the map draws it at one level of detail: a GeoJSON
    geometry, simplified for that detail (`boundaries.OUTLINE_DETAILS`) and with
    its coordinates rounded, kept as text so that a response is put together
    without reading or writing any geometry."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="outlines")
    detail = models.PositiveSmallIntegerField()
    geometry = models.TextField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("region", "detail"), name="places_outline_once"),
        )

    def __str__(self) -> str:
        return f"outline of {self.region_id} at detail {self.detail}"


class BoundaryLoad(models.Model):
    """One load of boundaries: where they came from and when. The latest one is the
    version of the boundary data that outlines are cached and tagged by."""

    source = models.CharField(max_length=200)
    regions = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-loaded_at", "-id")

    def __str__(self) -> str:
        return f"{self.source} ({self.regions} regions) at {self.loaded_at:%Y-%m-%d %H:%M}"
