"""Every address of a mirrored page has one file, known from the address alone."""

from __future__ import annotations

import posixpath

from hypothesis import example, given
from hypothesis import strategies as st

from minjian.archive.mirror import Address, file_of, page_address, relative_link

segments = st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True), max_size=4)
cursors = st.from_regex(r"[A-Za-z0-9_.:-]{1,30}", fullmatch=True)


@given(
    segments,
    st.integers(min_value=0, max_value=10**9),
    cursors,
    st.sampled_from(["after", "before"]),
)
def test_a_page_is_written_under_its_number_whatever_cursor_its_link_carries(
    parts: list[str], number: int, cursor: str, side: str
) -> None:
    path = "/" + "".join(f"{part}/" for part in parts)
    with_cursor = page_address(path, f"page={number}&{side}={cursor}")
    plain = page_address(path, f"page={number}")
    assert with_cursor == plain
    assert with_cursor is not None and plain is not None
    assert with_cursor.fetch_url == f"{path}?page={number}&{side}={cursor}"
    name = file_of(plain)
    assert not name.startswith("/") and ".." not in name.split("/")
    if number > 1:
        assert name == f"{path.lstrip('/')}index.page-{number}.html"
    else:
        assert name == f"{path.lstrip('/')}index.html"


@given(segments, st.text(min_size=1, max_size=30))
@example([], "&")  # `?topic=&`: a blank value still names a parameter
def test_a_query_other_than_a_page_is_not_mirrored(parts: list[str], value: str) -> None:
    path = "/" + "".join(f"{part}/" for part in parts)
    assert page_address(path, f"topic={value}") is None
    assert page_address(path, f"page=2&q={value}") is None
    assert page_address(path, f"after={value}") is None


@given(segments, segments, st.integers(min_value=1, max_value=1000))
def test_a_relative_link_leads_from_one_file_to_the_other(
    source: list[str], target: list[str], number: int
) -> None:
    from_file = "zh-hans/" + file_of(Address("/" + "".join(f"{p}/" for p in source)))
    to_file = "zh-hans/" + file_of(
        Address("/" + "".join(f"{p}/" for p in target), f"page={number}" if number > 1 else "")
    )
    link = relative_link(from_file, to_file)
    assert posixpath.normpath(posixpath.join(posixpath.dirname(from_file), link)) == to_file
