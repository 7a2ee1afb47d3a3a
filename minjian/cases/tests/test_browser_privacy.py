"""Reporter protection in a real browser, end to end.

A visitor files an anonymous report with a GPS-tagged photo and an ID number in the
text, sees the redaction preview, and the published case shows neither the number,
nor GPS in the photo, nor an exact point.
"""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from playwright.sync_api import Page, Route, expect

from conftest import browser_test
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case
from minjian.cases.services import case_publish
from minjian.cases.tests.browser_steps import open_coordinates, pick_region
from minjian.cases.tests.images import DATA, GPS_IFD

pytestmark = browser_test

ID_NUMBER = "34032119800101001X"


def test_anonymous_report_is_published_without_the_id_number_gps_or_exact_point(
    page: Page, regions: Any, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    original = Image.open(DATA / "DSCN0010.jpg")
    assert original.getexif().get_ifd(GPS_IFD)

    page.goto("/cases/report/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Title").fill("Paper mill discharges into the Huai at night")
    page.get_by_label("Description").fill(
        f"I live next to it; my ID is {ID_NUMBER} if the bureau needs a witness."
    )
    preview = page.locator("#redaction-preview")
    expect(preview).to_contain_text("ID number")
    expect(preview).to_contain_text("1X")
    expect(preview).not_to_contain_text(ID_NUMBER)

    page.get_by_label("Topic").select_option("environment")
    pick_region(page, "Bengbu", "Bengbu · Anhui")
    open_coordinates(page)
    page.get_by_label("Latitude").fill("32.941234")
    page.get_by_label("Longitude").fill("117.361234")
    page.get_by_label("Photos").set_input_files(str(DATA / "DSCN0010.jpg"))
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".receipt-code code")).to_have_text(re.compile(r"^(\w{4}-){4}\w{4}$"))

    case = Case.objects.get()
    assert case.state == Case.State.SUBMITTED
    case_publish(actor=make_user("moderator", is_staff=True), case_id=case.pk)

    page.goto(f"/cases/{case.pk}/")
    article = page.locator("article")
    expect(article).to_contain_text("[ID number removed]")
    assert ID_NUMBER not in page.content() and "19800101" not in page.content()
    expect(article).to_contain_text("32.945000, 117.365000")
    assert "32.941234" not in page.content() and "117.361234" not in page.content()

    for selector in (".photos img", ".photos a"):
        element = page.locator(selector).first
        url = element.get_attribute("src") or element.get_attribute("href")
        assert url is not None
        published = page.request.get(url).body()
        photo = Image.open(io.BytesIO(published))
        assert not photo.getexif() and b"GPS" not in published


def test_text_typed_before_the_page_scripts_ran_is_previewed(page: Page, regions: Any) -> None:
    """On a slow phone the reporter may type before htmx has started; it hears only the
    input events after it, so the preview asks once when it starts. (A loaded test machine
    did the same to the test above: Playwright typed before htmx was ready.)"""

    def late_script(route: Route) -> None:
        # The page's own request for htmx fails; it is added below, after the typing.
        if "late" in route.request.url:
            route.continue_()
        else:
            route.abort()

    page.route("**/htmx.min.js*", late_script)
    page.goto("/cases/report/")
    page.get_by_label("标题").fill("Paper mill")
    page.get_by_label("描述").fill(f"my ID is {ID_NUMBER}")
    page.add_script_tag(url="/static/vendor/htmx/htmx.min.js?late=1")
    expect(page.locator("#redaction-preview")).to_contain_text("1X")


def test_reporter_draws_a_blur_box_on_her_photo_before_sending(page: Page, regions: Any) -> None:
    page.goto("/cases/report/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Title").fill("The plate of the lorry that dumps at night")
    page.get_by_label("Description").fill("It comes every night at two.")
    page.get_by_label("Topic").select_option("environment")
    pick_region(page, "Bengbu", "Bengbu · Anhui")
    page.get_by_label("Photos").set_input_files(str(DATA / "DSCN0012.jpg"))
    frame = page.locator(".blur-frame").first
    expect(frame).to_be_visible()
    # The preview image loads from a blob: wait until it has its size (page scripts
    # are limited by the CSP, so this polls from here).
    for _ in range(100):
        bounds = frame.bounding_box()
        if bounds and bounds["height"] > 50:
            break
        page.wait_for_timeout(50)
    frame.scroll_into_view_if_needed()
    bounds = frame.bounding_box()
    assert bounds is not None
    left, top = bounds["x"] + bounds["width"] * 0.25, bounds["y"] + bounds["height"] * 0.25
    page.mouse.move(left, top)
    page.mouse.down()
    page.mouse.move(left + bounds["width"] * 0.5, top + bounds["height"] * 0.5, steps=5)
    page.mouse.up()
    expect(page.locator(".blur-box")).to_have_count(1)
    drawn = page.locator("input[name=blur_boxes_1]").input_value()
    x, y, width, height = (float(n) for n in drawn.split(","))
    assert abs(x - 0.25) < 0.02 and abs(y - 0.25) < 0.02
    assert abs(width - 0.5) < 0.02 and abs(height - 0.5) < 0.02
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".receipt-code code")).to_be_visible()
    case = Case.objects.get()
    assert case.events.first().payload["photos"] == 1  # type: ignore[union-attr]  # None fails the test
    with case.photos.get().image.open("rb") as stored:
        published = Image.open(io.BytesIO(stored.read())).convert("L")
    original = Image.open(DATA / "DSCN0012.jpg").convert("L").resize(published.size)
    middle = (
        published.width * 3 // 8,
        published.height * 3 // 8,
        published.width * 5 // 8,
        published.height * 5 // 8,
    )
    # Inside the drawn box the fine detail is gone; outside it the photo is as it was.
    assert _detail(published.crop(middle)) < 0.1 * _detail(original.crop(middle))
    corner = (0, 0, published.width // 5, published.height // 5)
    assert _detail(published.crop(corner)) > 0.5 * _detail(original.crop(corner))


def _detail(region: Image.Image) -> float:
    from PIL import ImageFilter, ImageStat

    return float(ImageStat.Stat(region.filter(ImageFilter.FIND_EDGES)).var[0])
