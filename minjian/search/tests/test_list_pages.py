"""The list of cases and the map as a visitor meets them: filters, pages, bounded queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.services import case_close
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def test_list_filters_and_paginates_with_bounded_queries(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    for number in range(25):
        make_case(
            regions["420102" if number % 2 else "340321"],
            title=f"问题{number:02d}",
            photos=[jpeg_upload()],
        )
    with django_assert_max_num_queries(8):
        page_one = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert page_one.status_code == 200
    assert page_one.context["page"].paginator.count == 25
    assert len(page_one.context["page"].object_list) == 20
    page_two = client.get("/cases/", {"page": 2})
    assert len(page_two.context["page"].object_list) == 5
    hubei = client.get("/cases/", {"region": "420000"})
    assert hubei.context["page"].paginator.count == 12
    assert all(c.region.code == "420102" for c in hubei.context["page"].object_list)


def test_list_with_unknown_topic_says_so(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/cases/", {"topic": "weather"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "There is no such topic." in response.text


def test_list_state_filter(client: Client, regions: dict[str, Region], staff: User) -> None:
    closed = make_case(regions["420102"], title="已关闭的")
    make_case(regions["420102"], title="仍开放的")
    case_close(actor=staff, case_id=closed.pk)
    response = client.get("/cases/", {"state": "closed"})
    assert [c.title for c in response.context["page"].object_list] == ["已关闭的"]


def test_map_lists_cases_beside_it_and_loads_nothing_from_other_hosts(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    make_case(regions["340321"], title="有位置的", latitude="32.94", longitude="117.36")
    make_case(regions["420102"], title="没有位置的")
    with django_assert_max_num_queries(8):
        response = client.get("/cases/map/")
    assert response.status_code == 200
    # The map asks for the cases of its view; the page lists them whether or not it runs.
    assert 'data-features-url="/cases/map/features.json"' in response.text
    assert "有位置的" in response.text and "没有位置的" in response.text
    assert "/static/vendor/leaflet/leaflet.js" in response.text
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', response.text)
    assert external == []


def test_map_draws_outlines_and_counts_from_this_site_under_the_filters(
    client: Client, regions: dict[str, Region]
) -> None:
    response = client.get("/cases/map/", {"topic": "environment", "q": "排污"})
    assert 'data-outlines-url="/places/outlines/1.geojson"' in response.text
    filters = "?topic=environment&amp;q=%E6%8E%92%E6%B1%A1"
    assert f'data-counts-url="/cases/map/counts.json{filters}"' in response.text
    assert f'data-features-url="/cases/map/features.json{filters}"' in response.text
    # No tile server is configured: the map asks for none.
    assert 'data-tile-url=""' in response.text


def test_map_legend_gives_each_state_a_shape_and_a_name(client: Client, db: Any) -> None:
    response = client.get("/cases/map/", HTTP_ACCEPT_LANGUAGE="en")
    legend = response.text.split('class="state-legend"')[1].split("</ul>")[0]
    shapes = re.findall(r'data-state="(\w+)"[^>]*>\s*<(\w+)', legend)
    assert [state for state, _shape in shapes] == [
        "published", "acknowledged", "in_progress", "resolved", "closed"
    ]  # fmt: skip
    assert len({shape for _state, shape in shapes}) >= 3
    assert len(set(re.findall(r'<path d="([^"]+)"', legend))) == 3
    for name in ("published", "acknowledged", "in progress", "resolved", "closed"):
        assert name in legend
