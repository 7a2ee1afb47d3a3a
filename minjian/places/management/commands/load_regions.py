"""`python manage.py load_regions [--file PATH --country XX]`: load an administrative tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)

from minjian.core.errors import DomainError
from minjian.places.regionfile import read_region_rows
from minjian.places.services import regions_load

CHINA_FILE = Path(__file__).resolve().parents[2] / "data" / "cn_regions.csv"


class Command(BaseCommand):
    help = (
        "Load China's provinces, prefectures and counties from the file that ships with "
        "Minjian (minjian/places/data/cn_regions.csv), or another country's tree from a "
        "CSV file of the same shape (code,parent_code,level,name_zh,name_en). Safe to run "
        "again: names are updated, nothing is duplicated or deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="a region CSV file (default: China's)")
        parser.add_argument(
            "--country", help="the file's country as an ISO 3166 code such as FR; needs --file"
        )

    # The command's own words are English; so are the loader's messages here.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        country: str | None = options["country"]
        if path is None and country not in (None, "CN", "cn"):
            raise CommandError("The file that ships with Minjian is China's: give --file too.")
        if path is not None and country is None:
            raise CommandError(
                "Say which country the file is for with --country, e.g. --country FR."
            )
        path = path or CHINA_FILE
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = read_region_rows(stream)
            result = regions_load(rows=rows, country=country or "CN")
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error}") from error
        except DomainError as error:
            raise CommandError(f"{path}: {error.message} Nothing was loaded.") from error
        self.stdout.write(
            f"{path.name}: {result.created} regions created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {result.kept} not in the file kept."
        )
