"""The list's region filter in a real browser: the regions a typed name may mean are
offered as one types, and the one picked (of two of the same name) filters the list."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import browser_test
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.places.tests.factories import make_region

pytestmark = browser_test


def test_a_reader_picks_one_of_two_regions_of_one_name_as_she_types(
    page: Page, regions: dict[str, Region]
) -> None:
    gansu = make_region("620000", "甘肃省", "Gansu")
    lanzhou = make_region("620100", "兰州市", "Lanzhou", parent=gansu, level=2)
    tibet = make_region("540000", "西藏自治区", "Tibet")
    lhasa = make_region("540100", "拉萨市", "Lhasa", parent=tibet, level=2)
    for parent, code, title in [(lanzhou, "620102", "兰州的问题"), (lhasa, "540102", "拉萨的问题")]:
        district = make_region(code, "城关区", "Chengguan District", parent=parent, level=3)
        make_case(district, title=title)
    make_case(regions["340321"], title="怀远的问题")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/")
    place = page.get_by_role("combobox", name="地区")
    place.press_sequentially("chengguan")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.filter(has_text="城关区 (兰州市)")).to_be_visible()
    # By keyboard: down to the second (by code: Lhasa's, then Lanzhou's), and Enter.
    place.press("ArrowDown")
    place.press("ArrowDown")
    place.press("Enter")
    expect(options).to_have_count(0)
    expect(place).to_have_value("城关区")
    page.get_by_role("button", name="筛选").click()

    expect(page.locator(".case-list")).to_contain_text("兰州的问题")
    expect(page.locator(".case-list")).not_to_contain_text("拉萨的问题")
    expect(page.locator(".case-list")).not_to_contain_text("怀远的问题")
    assert "region=620102" in page.url
