"""The charts in a real browser: drawn, coloured by the stylesheet, with no CSP complaint."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import browser_test
from minjian.accountability.tests.timeline import event, hours, routed
from minjian.cases.models import CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = browser_test


def test_the_charts_are_drawn_and_styled_under_the_content_security_policy(
    console: tuple[Page, list[str]], regions: dict[str, Region]
) -> None:
    page, messages = console
    case = make_case(regions["340321"])
    for slug, name, delay in (
        ("bengbu-ecology", "蚌埠市生态环境局", 66),
        ("huai-guardians", "淮河卫士", 5),
    ):
        organisation = make_organisation(slug, kind=Organisation.Kind.AGENCY, name_zh=name)
        routed(case, organisation, hours(0))
        event(case, CaseEvent.Kind.OFFICIAL_RESPONSE, hours(delay), organisation, note="答复")

    page.goto("/")
    page.get_by_role("link", name="问责").click()

    chart = page.locator("#chart-response-time")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="首次回应用时")).to_be_visible()
    bars = chart.locator("rect.bar-median:has(title)")
    expect(bars).to_have_count(2)
    widths = [bar.bounding_box()["width"] for bar in bars.all()]  # type: ignore[index]  # a visible bar has a box
    assert widths[1] > 10 * widths[0]
    # Coloured by charts.css (the accent colour), not by a style attribute.
    assert bars.first.evaluate("bar => getComputedStyle(bar).fill") == "rgb(11, 110, 79)"
    expect(page.locator("table.league")).to_contain_text("66 小时")
    assert messages == []
