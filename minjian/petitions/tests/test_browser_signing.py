"""Signing a petition in a real browser (Debian's Chromium; mail through a real SMTP
server), on a 390 px phone in Chinese and on a desktop in English.

A person without an account signs by e-mail (the proof of work solved by the page),
confirms from the link in her mail and sees the count go up, withdraws from the other
link and sees it go down; an organisation's admin signs as her organisation, which the
page shows apart from people. Screenshots of the petition's page at both widths in both
languages go to /tmp/shots/petitions/. No page scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page, expect

from conftest import Device, browser_test, on_every_device, scrolls_sideways, sign_in_as, use_device
from minjian.accounts.tests.factories import make_user
from minjian.notify.tests.mailbox import Inbox, link
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

pytestmark = browser_test

SHOTS = Path("/tmp/shots/petitions")  # noqa: S108  # where the screenshots are looked at
TITLE = "Publish the Huai River outlet data 公开淮河排污口数据"
ADDRESS = "wang.fang@example.org"
CONFIRM_LINK = r"/petitions/signatures/confirm/[^/\s]+/"
WITHDRAW_LINK = r"/petitions/signatures/withdraw/[^/\s]+/"


def _count(petition: Petition) -> int:
    return Petition.objects.get(pk=petition.pk).validated_count


def _shows_count(page: Page, count: int) -> None:
    expect(page.locator(".petition-count")).to_contain_text(str(count))
    expect(page.locator("progress.petition-progress")).to_have_attribute("value", str(count))


def _shoot(page: Page, live_server: Any, device: Device, name: str) -> None:
    """The page as it is, then in the other language at the same width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{device.width}-{device.language}.png", full_page=True)
    other = "en" if device.language != "en" else "zh-hans"
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": other, "url": live_server.url}]
    )
    page.reload()
    assert not scrolls_sideways(page), page.url
    page.screenshot(path=SHOTS / f"{name}-{device.width}-{other}.png", full_page=True)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": device.language, "url": live_server.url}]
    )


@on_every_device
def test_a_person_signs_by_e_mail_confirms_withdraws_and_an_organisation_signs(
    console: tuple[Page, list[str]],
    live_server: Any,
    smtp: Inbox,
    regions: dict[str, Region],
    device: Device,
) -> None:
    page, messages = console
    petition = make_petition(
        make_user("petition-author"),
        title=TITLE,
        region=regions["340000"],
        background="Residents saw black water at night. 居民夜里看到黑水。",
        signature_goal=50,
    )
    services.petition_sign(
        actor=make_user("li-lei"),
        petition=petition,
        signer=Signer(display_name="Li Lei", region=regions["340000"]),
    )
    admin = make_user("ngo-admin")
    make_organisation("green-huai-river", admins=[admin], verified=True)
    count = _count(petition)
    use_device(page, live_server, device)

    # From the list to the petition, signed by e-mail with the page's proof of work.
    page.goto("/petitions/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    _shows_count(page, count)
    assert not scrolls_sideways(page)
    page.get_by_label(device.text("Your e-mail address")).fill(ADDRESS)
    page.get_by_label(device.text("Name to show (optional)")).fill("Wang Fang")
    page.get_by_label(device.text("Your province (optional)")).select_option("420000")
    page.get_by_role("button", name=device.text("Sign"), exact=True).click()
    expect(page.locator("h1")).to_have_text(device.text("Check your mail"))
    assert _count(petition) == count

    # Confirmed from the mail's link: the count goes up, her name and province show.
    (mail,) = smtp.to(ADDRESS)
    page.goto(link(mail, CONFIRM_LINK))
    page.get_by_role("button", name=device.text("Confirm my signature")).click()
    expect(page.locator("h1")).to_have_text(device.text("Your signature is confirmed"))
    page.get_by_role("link", name=TITLE).click()
    _shows_count(page, count + 1)
    expect(page.locator("#people")).to_contain_text("Wang Fang")
    expect(page.locator("#provinces")).to_contain_text(
        "Hubei" if device.language == "en" else "湖北省"
    )
    _shoot(page, live_server, device, "signed-by-e-mail")

    # Withdrawn from the other link: the count goes down.
    page.goto(link(mail, WITHDRAW_LINK))
    page.get_by_role("button", name=device.text("Withdraw my signature")).click()
    expect(page.locator("h1")).to_have_text(device.text("Your signature is withdrawn"))
    page.get_by_role("link", name=TITLE).click()
    _shows_count(page, count)
    expect(page.locator("#people")).not_to_contain_text("Wang Fang")

    # An organisation's admin signs as her organisation: shown apart from people.
    sign_in_as(page, live_server, admin)
    page.goto(f"/petitions/{petition.pk}/")
    guardians = "Huai River Guardians" if device.language == "en" else "淮河卫士"
    page.get_by_role(
        "button", name=device.text("Sign as %(organisation)s") % {"organisation": guardians}
    ).click()
    expect(page.locator(".messages")).to_contain_text(guardians)
    expect(page.locator("#organisations")).to_contain_text(guardians)
    expect(page.locator("#people")).not_to_contain_text(guardians)
    _shows_count(page, count + 1)
    assert not scrolls_sideways(page)
    _shoot(page, live_server, device, "signed-by-an-organisation")

    page.goto("/petitions/")
    assert not scrolls_sideways(page)
    _shoot(page, live_server, device, "list")
    problems = [m for m in messages if m.startswith(("error", "pageerror"))]
    assert problems == [], problems
