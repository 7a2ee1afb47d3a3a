"""`python manage.py load_regions`, as an administrator runs it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minjian.places.models import Region

FRANCE = """code,parent_code,level,name_zh,name_en
FR-IDF,,1,Île-de-France,Ile-de-France
FR-75,FR-IDF,2,Paris,
FR-92,FR-IDF,2,Hauts-de-Seine,
"""


def load_regions(*args: str) -> str:
    out = io.StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def test_without_arguments_chinas_committed_file_is_loaded(db: Any) -> None:
    output = load_regions()

    assert output.startswith("cn_regions.csv: 3218 regions created")
    assert Region.objects.get(code="420102").path == "/420000/420100/420102/"


def test_another_countrys_file_is_loaded_and_counted(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text("\ufeff" + FRANCE, encoding="utf-8")

    output = load_regions("--file", str(path), "--country", "FR")

    assert "3 regions created, 0 updated, 0 unchanged" in output
    assert Region.objects.get(code="FR-92").path == "/FR-IDF/FR-92/"
    assert "0 regions created, 0 updated, 3 unchanged" in load_regions(
        "--file", str(path), "--country", "fr"
    )


def test_a_bad_file_stops_with_its_line_and_loads_nothing(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text(FRANCE + "FR-93,FR-IDF,9,Seine-Saint-Denis,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Line 5") as refused:
        load_regions("--file", str(path), "--country", "FR")

    assert "Nothing was loaded" in str(refused.value)
    assert not Region.objects.exists()


def test_a_file_needs_its_country(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_text(FRANCE, encoding="utf-8")

    with pytest.raises(CommandError, match="--country"):
        load_regions("--file", str(path))


def test_a_country_other_than_china_needs_a_file(db: Any) -> None:
    with pytest.raises(CommandError, match="--file"):
        load_regions("--country", "FR")
    assert not Region.objects.exists()


def test_a_missing_file_is_reported(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        load_regions("--file", str(tmp_path / "nowhere.csv"), "--country", "FR")


def test_a_file_that_is_not_utf8_is_reported(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,parent_code,level,name_zh,name_en\n420000,,1,湖北省,\n".encode("gbk"))

    with pytest.raises(CommandError, match="not UTF-8"):
        load_regions("--file", str(path), "--country", "FR")
