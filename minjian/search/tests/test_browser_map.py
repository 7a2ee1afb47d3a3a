"""The reader's map in a real browser (Debian's Chromium): on a 390 px phone in Chinese
and on a desktop in English, the outlines come from Minjian itself with no tile server
and no other host, each case is a mark whose colour and shape the legend names, the
provinces are coloured by their cases at low zoom, and a mark leads to its case."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import Page, Route, expect

from conftest import browser_test
from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.services import case_close
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions
from minjian.search import clustering

pytestmark = browser_test

# Okabe and Ito's vermillion and grey (search/static/search/map.css).
PUBLISHED_FILL = "rgb(213, 94, 0)"
CLOSED_FILL = "rgb(89, 89, 92)"


@pytest.fixture
def mapped_cases(regions: dict[str, Region], staff: User) -> dict[str, Case]:
    """Real boundaries for Anhui, Hubei, 蚌埠 and 武汉 with their counties; two cases in
    怀远县 and one, closed, in 武昌区."""
    bounded = make_bounded_regions(regions)
    cases = {
        "mill": make_case(
            bounded["340321"], title="造纸厂向淮河排污", latitude="32.97", longitude="117.20"
        ),
        "dike": make_case(
            bounded["340321"], title="淮河大堤有裂缝", latitude="32.95", longitude="117.15"
        ),
        "lake": make_case(
            bounded["420106"], title="东湖边垃圾成堆", latitude="30.55", longitude="114.33"
        ),
    }
    case_close(actor=staff, case_id=cases["lake"].pk)
    return cases


def fill_of(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("element => getComputedStyle(element).fill"))


def zoom_out_to_the_provinces(page: Page) -> None:
    """Zooms out until the provinces are coloured by their counts (below zoom 6)."""
    map_element = page.locator("#case-map")
    for _ in range(8):
        if "counts-1" in (map_element.get_attribute("class") or ""):
            return
        page.locator(".leaflet-control-zoom-out").click()
        # Each step ends when Leaflet has zoomed: the next click is then taken.
        expect(page.locator(".leaflet-zoom-anim")).to_have_count(0)
    raise AssertionError("the provinces were never coloured by their counts")


def read_the_map(page: Page, mapped_cases: dict[str, Case], *, texts: dict[str, str]) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/cases/map/")

    # A mark per case, named for screen readers, coloured and shaped by its state.
    marks = page.locator(".case-marker")
    expect(marks).to_have_count(3)
    expect(
        page.get_by_role("button", name=f"造纸厂向淮河排污 ({texts['published']})")
    ).to_be_visible()
    assert fill_of(page, ".case-marker-published svg") == PUBLISHED_FILL
    assert fill_of(page, ".case-marker-closed svg") == CLOSED_FILL
    legend = page.locator(".state-legend")
    expect(legend).to_be_visible()
    expect(legend.locator("li", has_text=texts["published"]).locator("svg")).to_be_visible()
    assert fill_of(page, ".state-legend .mark-published") == PUBLISHED_FILL

    # Outlines from this site, and no tile anywhere (the fixture refuses other hosts).
    expect(page.locator("path.region-outline.outline-1")).to_have_count(2)
    assert any("/places/outlines/1.geojson" in url for url in requests)
    assert not page.locator(".leaflet-tile").count()

    # At low zoom, each province coloured by its count, with its own legend.
    zoom_out_to_the_provinces(page)
    expect(page.locator("#count-legend")).to_be_visible()
    expect(page.locator("#count-legend-title")).to_have_text(texts["per_province"])
    expect(page.locator("path.outline-1.choropleth-5")).to_have_count(1)
    assert fill_of(page, "path.outline-1.choropleth-5") == "rgb(84, 39, 143)"
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # A mark leads to its case.
    page.goto("/cases/map/")
    moving = page.locator(".leaflet-pan-anim, .leaflet-zoom-anim")
    expect(moving).to_have_count(0)
    page.locator(".case-marker-closed").click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text(texts["closed"])
    # The popup pans the map to show itself whole: a click while it moves lands beside it.
    expect(moving).to_have_count(0)
    popup.get_by_role("link", name="东湖边垃圾成堆").click()
    # The navigation's own timeout, not an assertion's five seconds: on a busy machine
    # the case's page may take longer than that to come back.
    page.wait_for_url(f"{page.url.split('/cases/')[0]}/cases/{mapped_cases['lake'].pk}/")


def test_a_reader_on_a_phone_in_chinese_reads_the_map(
    page: Page, mapped_cases: dict[str, Case]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    read_the_map(
        page,
        mapped_cases,
        texts={"published": "已公开", "closed": "已关闭", "per_province": "各省级地区的案例数"},
    )


def test_a_reader_on_a_desktop_in_english_reads_the_map(
    page: Page, live_server: Any, mapped_cases: dict[str, Case]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    read_the_map(
        page,
        mapped_cases,
        texts={"published": "published", "closed": "closed", "per_province": "Cases per province"},
    )


def test_with_a_tile_server_the_outlines_lie_over_the_tiles(
    page: Page, live_server: Any, settings: Any, mapped_cases: dict[str, Case]
) -> None:
    # The operator's own tile server, answered here by the test with one plain tile.
    settings.MINJIAN_MAP_TILE_URL = f"{live_server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    tile = Image.new("RGB", (256, 256), (200, 230, 200))
    body = io.BytesIO()
    tile.save(body, "PNG")
    asked: list[str] = []

    def serve_tile(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=body.getvalue())

    page.route("**/tiles/**", serve_tile)
    page.goto("/cases/map/")
    expect(page.locator(".case-marker")).to_have_count(3)
    expect(page.locator("path.region-outline.outline-1")).to_have_count(2)
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert asked
    # Leaflet's panes: the outlines' (overlay) above the tiles', the marks above both.
    z_index = page.evaluate(
        """() => ['tile', 'overlay', 'marker'].map(name => Number(
            getComputedStyle(document.querySelector('.leaflet-' + name + '-pane')).zIndex))"""
    )
    assert z_index == sorted(z_index) and len(set(z_index)) == 3
    expect(page.locator(".map-notice")).to_have_count(0)


def test_many_cases_are_circles_with_their_count_that_open_into_cases_when_zoomed_in(
    page: Page, mapped_cases: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three cases stand for many: above two in view, they are counted per cell.
    monkeypatch.setattr(clustering, "CASES_IN_VIEW", 2)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cases/map/")
    map_element = page.locator("#case-map")
    cluster = page.get_by_role("button", name="此处有 3 个案例：点选以放大")
    expect(cluster).to_have_text("3")
    expect(page.locator(".case-marker")).to_have_count(0)
    expect(page.locator("#map-status")).to_have_text("当前视野内地图上有 3 个案例")

    # Each click on a circle zooms in by two, and the map asks for the new view's cases,
    # until 怀远县's two cases (500 m apart) are marks of their own.
    for _ in range(6):
        if not page.locator(".case-cluster").count():
            break
        with page.expect_response(lambda response: "/cases/map/features.json" in response.url):
            page.locator(".case-cluster").first.click()
        expect(map_element).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("button", name="造纸厂向淮河排污 (已公开)")).to_be_visible()
    expect(page.get_by_role("button", name="淮河大堤有裂缝 (已公开)")).to_be_visible()
    expect(page.locator(".case-cluster")).to_have_count(0)
