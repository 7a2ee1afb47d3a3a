"""The one partial every paginated list uses: its links keep the list's other parameters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation


def test_page_links_keep_the_filters_and_say_where_they_lead() -> None:
    page = Paginator(range(120), 50).get_page(2)
    with translation.override("en"):
        html = render_to_string(
            "core/_pagination.html", {"page": page, "query": QueryDict("figure=received&q=口罩")}
        )

    assert 'href="?figure=received&amp;q=%E5%8F%A3%E7%BD%A9&amp;page=1">Previous</a>' in html
    assert 'href="?figure=received&amp;q=%E5%8F%A3%E7%BD%A9&amp;page=3">Next</a>' in html
    assert "Page 2 of 3" in html


def test_a_list_in_time_order_pages_to_newer_and_older_in_the_readers_language() -> None:
    page = Paginator(range(120), 50).get_page(2)
    with translation.override("zh-hans"):
        html = render_to_string("core/_pagination.html", {"page": page, "newest_first": True})

    assert 'href="?page=1">较新</a>' in html and 'href="?page=3">较早</a>' in html
    assert "第 2 页，共 3 页" in html


def test_a_single_page_has_no_pagination() -> None:
    page = Paginator(range(10), 50).get_page(1)

    assert render_to_string("core/_pagination.html", {"page": page}).strip() == ""
