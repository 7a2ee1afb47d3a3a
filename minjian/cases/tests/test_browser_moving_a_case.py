"""Moving a case along in a real browser (Debian's Chromium): a member of an NGO the
case never reached finds no button and reads why; a member of the NGO it was routed
to acknowledges it from the case page. Neither reads when it was sent."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from conftest import browser_test, sign_in_as
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.routing.tests.helpers import subscribed

pytestmark = browser_test


def test_only_a_member_of_the_ngo_the_case_reached_moves_it_and_others_read_why(
    page: Page, live_server: Any, regions: dict[str, Region]
) -> None:
    caseworker = make_user("labour-caseworker")
    volunteer = make_user("river-volunteer")
    subscribed("workers-rights", topic="labour", members=(caseworker,))
    subscribed("river-watchers", topic="environment", members=(volunteer,))
    # Published at once and routed by the job its commit runs.
    case = make_case(regions["340321"], title="Black water in the Huai")
    assert case.state == Case.State.PUBLISHED

    sign_in_as(page, live_server, caseworker)
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.goto(f"/cases/{case.pk}/")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.locator(".refused-actions")).to_contain_text(
        "Only moderators and members of an organisation this case was sent to can do this."
    )
    expect(page.get_by_text("This case was sent to: river-watchers")).to_be_visible()

    sign_in_as(page, live_server, volunteer)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_label("Public note (optional)").first.fill("We are on our way.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".state").first).to_have_text("acknowledged")
    acknowledged = page.locator(".timeline li", has_text="We are on our way.")
    expect(acknowledged).to_contain_text("river-volunteer")
    # The submission is listed without a time; later entries carry their minute.
    expect(page.locator(".timeline li").first.locator("time")).to_have_count(0)
    expect(acknowledged.locator("time")).to_have_count(1)
