"""The parsers of Open311 input: W3C date-times and the title made from a description."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minjian.core.errors import DomainError
from minjian.open311.selectors import parse_w3_datetime
from minjian.open311.services import DERIVED_TITLE_LENGTH, ELLIPSIS, derived_title
from minjian.redaction import find_personal_data

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


# Within the years a query may name (selectors.EARLIEST to LATEST), a day of margin
# for the offset.
FIRST, LAST = datetime(1900, 1, 2), datetime(8999, 12, 30)


@given(
    st.datetimes(min_value=FIRST, max_value=LAST, timezones=offsets).map(
        lambda value: value.replace(microsecond=0)
    )
)
def test_any_w3_datetime_with_a_zone_reads_back_as_the_same_instant(value: datetime) -> None:
    assert parse_w3_datetime(value.isoformat(), field="start_date") == value


@given(
    st.one_of(
        st.datetimes(max_value=datetime(1899, 12, 30), timezones=offsets),
        st.datetimes(min_value=datetime(9000, 1, 2), timezones=offsets),
    )
)
def test_a_datetime_outside_the_years_a_query_may_name_is_refused(value: datetime) -> None:
    with pytest.raises(DomainError) as refused:
        parse_w3_datetime(value.isoformat(), field="start_date")
    assert refused.value.code in ("datetime_out_of_range", "invalid_datetime")


# W3C date-times have four-digit years; the range above has them.
@given(
    st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(UTC)).map(
        lambda value: value.replace(microsecond=0)
    )
)
def test_the_z_suffix_means_utc(value: datetime) -> None:
    written = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert parse_w3_datetime(written, field="start_date") == value


@given(st.datetimes(timezones=st.none()))
def test_a_datetime_without_zone_is_refused(value: datetime) -> None:
    with pytest.raises(DomainError):
        parse_w3_datetime(value.isoformat(), field="start_date")


@given(st.text())
def test_any_text_either_parses_with_a_zone_or_is_a_domain_error(raw: str) -> None:
    try:
        value = parse_w3_datetime(raw, field="end_date")
    except DomainError as error:
        assert error.field == "end_date"
    else:
        assert value.tzinfo is not None


def test_a_short_first_line_is_the_title() -> None:
    assert derived_title("\n  路灯坏了  \n已经一周") == "路灯坏了"


@given(
    st.text(alphabet="河边垃圾 请处理abc", max_size=80),
    st.sampled_from(["13812345678", "138 1234 5678", "wang.fang@example.org"]),
    st.text(alphabet="河边垃圾 请处理abc", max_size=80),
)
def test_the_title_is_never_cut_inside_personal_data(before: str, value: str, after: str) -> None:
    description = f"{before} {value} {after}".strip() or value
    title = derived_title(description)
    assert len(title) <= DERIVED_TITLE_LENGTH
    first_line = " ".join(description.split())
    kept = title.removesuffix(ELLIPSIS)
    assert first_line.startswith(kept)
    cut = len(kept)
    for finding in find_personal_data(first_line):
        assert not finding.start < cut < finding.end
