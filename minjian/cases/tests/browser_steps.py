"""Steps of the report form that several browser tests take, as a reporter takes them."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def pick_region(page: Page, typed: str, shown: str) -> None:
    """Type a region's name into the report form and pick the match shown as `shown`
    (e.g. "Huaiyuan County · Bengbu") from those offered as she types."""
    field = page.locator("#id_region_name")
    field.fill("")
    field.press_sequentially(typed, delay=40)
    option = page.locator("#region-suggestions [role=option]", has_text=shown)
    expect(option).to_be_visible()
    option.click()
    expect(field).to_have_value(shown)


def open_coordinates(page: Page) -> None:
    """Open the report form's latitude and longitude, folded away under the map."""
    details = page.locator("details.coordinates")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
