"""The resident: she lives by the Huai River and reports the pipe that pours black water
into it, on her phone in Chinese and on a desktop in English. She puts the place by the
map (her phone's location, or the county found by its name, then a tap), adds a photo
with a face in it, makes a mistake, loses nothing, sends once, and follows her case
with the receipt code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Geolocation, Page, Response, Route, ViewportSize, expect

from conftest import browser_test
from minjian.cases.models import Case, CasePhoto, PhotoDraft
from minjian.cases.tests.browser_steps import pick_region
from minjian.cases.tests.face_samples import FACES_DATA
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions

pytestmark = browser_test

# Where she stands: in 怀远县, a little west of the river mouth at 蚌埠.
HOME: Geolocation = {"latitude": 32.97, "longitude": 117.19}
PHOTO = FACES_DATA / "grace_hopper.jpg"


@dataclass(frozen=True)
class Device:
    name: str
    viewport: ViewportSize
    locale: str
    is_phone: bool
    words: dict[str, str]


PHONE = Device(
    "phone",
    {"width": 390, "height": 844},
    "zh-CN",
    True,
    {
        "title": "标题",
        "description": "描述",
        "topic": "议题",
        "photos": "照片",
        "send": "发送报告",
        "use_location": "使用我的位置",
        "found": "根据标记找到的地区：怀远县 · 蚌埠市",
        "summary": "报告还没有发送",
        "title_error": "请给报告写一个标题。",
        "keep": "回执码",
        "shown_once": "报告没有被再次发送",
        "open": "打开我的案例",
        "code_label": "回执码",
    },
)
DESKTOP = Device(
    "desktop",
    {"width": 1280, "height": 900},
    "en-GB",
    False,
    {
        "title": "Title",
        "description": "Description",
        "topic": "Topic",
        "photos": "Photos",
        "send": "Send the report",
        "found": "Region found from the pin: Huaiyuan County · Bengbu",
        "summary": "The report was not sent",
        "title_error": "Please give the report a title.",
        "keep": "Keep this receipt code",
        "shown_once": "Nothing was sent a second time",
        "open": "Open my case",
        "code_label": "Receipt code",
    },
)


@pytest.fixture
def huai_river(regions: dict[str, Region]) -> dict[str, Region]:
    """怀远县 and its neighbours, with their real boundaries."""
    return make_bounded_regions(regions)


def _open_page(browser: Browser, live_server: Any, device: Device) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale=device.locale,
        viewport=device.viewport,
        is_mobile=device.is_phone,
        has_touch=device.is_phone,
        permissions=["geolocation"],
        geolocation=HOME,
    )

    def only_the_test_server(route: Route) -> None:
        if route.request.url.startswith((live_server.url, "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_test_server)
    return context.new_page()


def _wait_for_county_outlines(page: Page) -> None:
    """Until the counties of her province are drawn over the two provinces of the test's
    tree: the map has then moved to her county."""
    paths = page.locator("#place-map path")
    for _ in range(200):
        if paths.count() > 2:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the county outlines were not drawn")


def _tap(page: Page, device: Device, x: float, y: float) -> None:
    if device.is_phone:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=lambda device: device.name)
def test_resident_reports_the_pipe_by_the_map_loses_nothing_and_sends_once(
    browser: Browser, live_server: Any, huai_river: dict[str, Region], device: Device
) -> None:
    page = _open_page(browser, live_server, device)
    words = device.words
    page.goto("/cases/report/")
    if device.is_phone:
        # Her phone's location, then she nudges the pin with a tap on the map.
        page.get_by_role("button", name=words["use_location"]).click()
        expect(page.locator("#place-status")).to_contain_text(words["found"])
    else:
        # The county found by its name shows on the map, and she taps where the pipe is.
        pick_region(page, "huaiyuan", "Huaiyuan County · Bengbu")
    place_map = page.locator("#place-map")
    place_map.scroll_into_view_if_needed()
    _wait_for_county_outlines(page)
    bounds = place_map.bounding_box()
    assert bounds is not None
    _tap(page, device, bounds["x"] + bounds["width"] * 0.55, bounds["y"] + bounds["height"] * 0.5)
    expect(page.locator("#place-status")).to_contain_text(words["found"])
    expect(page.locator("#id_region_code")).to_have_value("340321")
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert 32.6 < latitude < 33.3 and 116.8 < longitude < 117.6

    # She writes, and forgets the title.
    description = "每天夜里十点以后，造纸厂的管子往淮河里排黑水。Black water every night."
    page.get_by_label(words["description"], exact=True).fill(description)
    page.get_by_label(words["topic"]).select_option("environment")
    page.get_by_label(words["photos"], exact=True).set_input_files(str(PHOTO))
    page.get_by_role("button", name=words["send"]).click()

    # Refused: every mistake said at the top and by its field, nothing she gave lost.
    expect(page.locator(".error-summary")).to_contain_text(words["summary"])
    expect(page.locator(".error-summary")).to_contain_text(words["title_error"])
    expect(page.get_by_label(words["description"], exact=True)).to_have_value(description)
    expect(page.get_by_label(words["topic"])).to_have_value("environment")
    expect(page.locator("#id_region_code")).to_have_value("340321")
    expect(page.locator("#id_latitude")).to_have_value(f"{latitude:.6f}")
    kept = page.locator(".kept-photo img")
    expect(kept).to_have_count(1)
    # Shown from the page itself: no address serves a photo that was not sent.
    assert (kept.get_attribute("src") or "").startswith("data:image/jpeg;base64,")
    expect(page.locator(".kept-photo")).to_contain_text("grace_hopper.jpg")
    assert not Case.objects.exists()
    assert PhotoDraft.objects.count() == 1

    # She corrects it and sends: the 303 brings her to the receipt, her code shown once.
    page.get_by_label(words["title"], exact=True).fill("造纸厂夜里往淮河排黑水")

    def is_the_sending(response: Response) -> bool:
        return response.request.method == "POST" and response.url.endswith("/cases/report/")

    with page.expect_response(is_the_sending) as sent:
        page.get_by_role("button", name=words["send"]).click()
    assert sent.value.status == 303
    page.wait_for_url("**/cases/report/receipt/")
    code_shown = page.locator(".receipt-code code")
    expect(code_shown).to_have_text(re.compile(r"^(\w{4}-){4}\w{4}$"))
    code = code_shown.inner_text()
    expect(page.locator("h1")).to_contain_text(words["keep"])

    case = Case.objects.get()
    assert case.region.code == "340321"
    assert case.title == "造纸厂夜里往淮河排黑水" and case.description == description
    assert case.photos.count() == 1
    assert not PhotoDraft.objects.exists()

    # A reload asks for the receipt page again: no second case, and no code.
    page.reload()
    expect(page.locator("body")).to_contain_text(words["shown_once"])
    assert code not in page.content()
    assert Case.objects.count() == 1

    # The face in her photo is blurred before anyone sees it.
    photo = case.photos.get()
    for _ in range(200):
        photo.refresh_from_db()
        if photo.status != CasePhoto.Status.PREPARING:
            break
        page.wait_for_timeout(100)
    assert photo.status == CasePhoto.Status.READY and photo.faces_blurred >= 1

    # She follows her case with the code.
    page.goto("/cases/follow/")
    page.get_by_label(words["code_label"]).fill(code)
    page.get_by_role("button", name=words["open"]).click()
    expect(page.locator("h2").first).to_contain_text("造纸厂夜里往淮河排黑水")
    page.context.close()
