"""Reading and checking a region file row by row."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from minjian.core.errors import DomainError
from minjian.places.regionfile import (
    CODE_MAX_LENGTH,
    COLUMNS,
    NAME_MAX_LENGTH,
    RegionRow,
    is_valid_code,
    read_region_rows,
    region_row_from_record,
    write_region_rows,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}", fullmatch=True)
names = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=NAME_MAX_LENGTH,
)
any_text = st.one_of(st.none(), st.text(max_size=30), codes, st.sampled_from(["1", "2", "3"]))


@given(record=st.fixed_dictionaries(dict.fromkeys(COLUMNS, any_text)))
def test_a_record_becomes_a_valid_row_or_a_clear_refusal(record: dict[str, str | None]) -> None:
    try:
        row = region_row_from_record(record, line=7)
    except DomainError as error:
        assert error.code == "invalid_region_row"
        assert error.details["line"] == 7
        assert str(error.message).startswith("Line 7: ")
        return
    assert is_valid_code(row.code)
    assert row.parent_code == "" or is_valid_code(row.parent_code)
    assert row.level in (1, 2, 3)
    assert row.name_zh and row.name_zh == row.name_zh.strip()
    assert len(row.name_en) <= NAME_MAX_LENGTH


@given(
    rows=st.lists(
        st.builds(
            RegionRow,
            code=codes,
            parent_code=st.one_of(st.just(""), codes),
            level=st.sampled_from([1, 2, 3]),
            name_zh=names,
            name_en=st.one_of(st.just(""), names),
        ),
        max_size=5,
    )
)
def test_rows_written_to_a_file_read_back_the_same(rows: list[RegionRow]) -> None:
    stream = io.StringIO()
    write_region_rows(stream, rows)
    stream.seek(0)

    assert read_region_rows(stream) == rows


def record(**values: str) -> dict[str, str]:
    return {"code": "420100", "parent_code": "420000", "level": "2", "name_zh": "武汉市"} | values


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"code": ""}, "the code “”"),
        ({"code": "42/01"}, "the code “42/01”"),
        ({"code": "1" * (CODE_MAX_LENGTH + 1)}, "must be 1 to 20"),
        ({"parent_code": "42 00"}, "the parent code “42 00”"),
        ({"level": "4"}, "the level “4”"),
        ({"level": "two"}, "the level “two”"),
        ({"level": ""}, "the level “”"),
        ({"name_zh": " "}, "the name_zh is empty"),
        ({"name_zh": "武\n汉"}, "control character"),
        ({"name_en": "W" * (NAME_MAX_LENGTH + 1)}, "the name_en is longer than 200"),
    ],
)
def test_each_bad_value_is_refused_with_its_line(values: dict[str, str], problem: str) -> None:
    with pytest.raises(DomainError) as refused:
        region_row_from_record(record(**values), line=3)

    assert refused.value.code == "invalid_region_row"
    assert str(refused.value.message).startswith("Line 3: ")
    assert problem in str(refused.value.message)


def test_spaces_around_values_are_dropped() -> None:
    row = region_row_from_record(record(code=" 420100 ", level=" 2", name_en=" Wuhan "), line=2)

    assert (row.code, row.level, row.name_en) == ("420100", 2, "Wuhan")


def test_the_header_must_name_the_five_columns_in_any_order() -> None:
    text = "name_zh,code,level,parent_code,name_en\n湖北省,420000,1,,Hubei\n"

    assert read_region_rows(io.StringIO(text)) == [RegionRow("420000", "", 1, "湖北省", "Hubei")]


@pytest.mark.parametrize(
    "header", ["code,parent_code,level,name_zh", "code,parent,level,name_zh,name_en", ""]
)
def test_a_wrong_header_is_refused(header: str) -> None:
    with pytest.raises(DomainError) as refused:
        read_region_rows(io.StringIO(header + "\n420000,,1,湖北省,Hubei\n"))

    assert refused.value.code == "invalid_region_file"


def test_a_row_with_too_many_values_is_refused() -> None:
    text = "code,parent_code,level,name_zh,name_en\n420000,,1,湖北省,Hubei,extra\n"

    with pytest.raises(DomainError) as refused:
        read_region_rows(io.StringIO(text))

    assert refused.value.code == "invalid_region_row"
    assert refused.value.details["line"] == 2
