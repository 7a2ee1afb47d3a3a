"""The reader in a real browser (Debian's Chromium; mail through a real SMTP server), on a
390 px phone in Chinese and on a desktop in English.

She finds a case from the home page's search box, narrows the list by topic, opens the
case and its photo, follows it by e-mail (confirming from the mail), reads the public
moderation log from the footer, and takes the case's Atom feed from its visible link.
No page scrolls sideways.
"""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from playwright.sync_api import Page, expect

from conftest import Device, browser_test, on_every_device, scrolls_sideways, use_device
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.notify.models import CaseFollower
from minjian.notify.tests.mailbox import Inbox, link
from minjian.places.models import Region

pytestmark = browser_test

FOUND = "Paper mill on the Huai pours black water at night 淮河边造纸厂夜里排黑水"
SAME_WORDS_OTHER_TOPIC = "Huai River ferry stopped for a month 淮河渡口停运一个月"
ELSEWHERE = "Wuhan school road has no crossing 武汉学校门口没有人行横道"
ADDRESS = "reader@example.org"
CONFIRM_LINK = r"/notify/confirm/[^/\s]+/"


def _cases(regions: dict[str, Region]) -> Case:
    # Jobs run in the committing thread: the photo is prepared before the page is read.
    with override_settings(MINJIAN_JOBS_BACKEND="inline"):
        found = make_case(regions["340321"], title=FOUND, photos=[jpeg_upload(size=(1200, 900))])
        make_case(regions["340321"], title=SAME_WORDS_OTHER_TOPIC, topic="public-safety")
        make_case(regions["420102"], title=ELSEWHERE, topic="education")
    return found


def _fits(page: Page) -> None:
    assert not scrolls_sideways(page), page.url


@on_every_device
def test_reader_finds_a_case_follows_it_and_reads_the_moderation_log_and_a_feed(
    page: Page, live_server: Any, smtp: Inbox, regions: dict[str, Region], device: Device
) -> None:
    case = _cases(regions)
    use_device(page, live_server, device)

    # The home page's search box.
    page.goto("/")
    page.get_by_label(device.text("Search cases")).fill(
        "淮河" if device.language != "en" else "Huai"
    )
    page.get_by_role("button", name=device.text("Search"), exact=True).click()
    results = page.locator(".case-list > li")
    expect(results).to_have_count(2)
    expect(page.locator(".case-list")).not_to_contain_text(ELSEWHERE)
    _fits(page)

    # Narrowed to a topic, the search kept.
    page.get_by_label(device.text("Topic")).select_option("environment")
    page.get_by_role("button", name=device.text("Filter")).click()
    expect(results).to_have_count(1)
    expect(page.get_by_label(device.text("Search"), exact=True)).to_have_value(
        "淮河" if device.language != "en" else "Huai"
    )
    # Its thumbnail is the small copy, with the larger one offered to sharper screens.
    thumbnail = results.first.locator("img")
    expect(thumbnail).to_have_attribute(
        "srcset", f"{case.photos.get().small_url} 192w, {case.photos.get().thumbnail_url} 480w"
    )
    results.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(FOUND)
    _fits(page)

    # The photo, full size.
    with page.expect_navigation():
        page.locator(".photos a").first.click()
    assert page.url.endswith(f"{case.photos.get().key}/full.jpg")
    assert page.evaluate("document.images[0].naturalWidth") == 1200
    page.go_back()

    # Following by e-mail: the form on its own page (the case page an anonymous reader
    # gets is shared by all of them, so it holds no form), a confirmation mail, then
    # confirmed from its link.
    page.get_by_role("link", name=device.text("Follow this case")).click()
    page.get_by_label(device.text("Your e-mail address")).fill(ADDRESS)
    page.get_by_role("button", name=device.text("Follow this case")).click()
    expect(page.locator("h1")).to_have_text(device.text("Check your mail"))
    (confirmation,) = smtp.to(ADDRESS)
    page.goto(link(confirmation, CONFIRM_LINK))
    page.get_by_role("button", name=device.text("Confirm that I want to follow this case")).click()
    expect(page.locator("h1")).to_have_text(device.text("You follow this case"))
    assert CaseFollower.objects.filter(case=case, confirmed_at__isnull=False).count() == 1

    # The footer leads to the public moderation log.
    page.locator(".site-footer").get_by_role("link", name=device.text("Moderation log")).click()
    expect(page.locator("h1")).to_have_text(device.text("Moderation log"))
    _fits(page)

    # The case's Atom feed, from the link on its page.
    page.goto(f"/cases/{case.pk}/")
    feed_link = page.locator(
        ".feed-links a", has_text=device.text("Timeline of this case (Atom feed)")
    )
    href = feed_link.get_attribute("href")
    assert href == f"/feeds/cases/{case.pk}/"
    feed = page.request.get(href)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert FOUND in feed.text()
