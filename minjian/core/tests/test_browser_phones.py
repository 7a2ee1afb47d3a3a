"""Every page of the demo on a 390 px phone: no sideways scroll of the page, and touch
targets a finger can hit. The pages are listed from the demo's own data: every public
page, and the pages of a moderator, an organisation's member, a drive's organiser and a
recipient's desk, signed in."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from conftest import browser_test, sign_in_as
from minjian.accounts.models import User
from minjian.aid.models import Drive, Recipient
from minjian.cases.models import Case
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region

pytestmark = browser_test

PHONE_WIDTH = 390
# A finger's touch target (WCAG 2.5.5), less a pixel for rounding.
TOUCH_TARGET = 43
# What a finger taps outside running text: the header, the menu, the footer, buttons and
# form fields (a link inside a sentence or a table cell is read, then tapped, as text).
TARGETS = (
    ".site-header a, .site-header summary, .site-menu-body button, .footer-links a, "
    "main button, main .button, main select, main summary, main .pagination a, "
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])"
)


@dataclass(frozen=True)
class Visit:
    who: str
    path: str


def _load_demo() -> None:
    call_command("load_regions", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())


def _visits() -> list[Visit]:
    """Every page of the demo, by who sees it."""
    cases = list(Case.objects.order_by("pk"))
    drives = list(Drive.objects.order_by("pk"))
    organisations = list(Organisation.objects.order_by("pk"))
    county = Region.objects.filter(level=Region.Level.COUNTY, cases__isnull=False).first()
    assert county is not None and county.parent is not None
    public = [
        "/",
        "/cases/",
        "/cases/?topic=environment",
        "/cases/map/",
        "/cases/report/",
        "/cases/follow/",
        "/cases/moderation/log/",
        "/orgs/",
        "/places/",
        f"/places/{county.parent.code}/",
        f"/places/{county.code}/",
        "/accountability/",
        "/aid/",
        "/feeds/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        *(f"/cases/{case.pk}/" for case in cases),
        *(f"/orgs/{organisation.slug}/" for organisation in organisations),
        *(f"/accountability/{organisation.slug}/" for organisation in organisations),
        *(f"/aid/{drive.pk}/{page}" for drive in drives for page in ("", "ledger/", "pledge/")),
        *(f"/aid/{drive.pk}/ledger/events/" for drive in drives),
    ]
    visits = [Visit("", path) for path in public]
    member = Membership.objects.select_related("organisation", "user").order_by("pk").first()
    assert member is not None
    routed = Case.objects.filter(events__organisation=member.organisation).first()
    visits += [
        Visit(member.user.username, path)
        for path in (
            "/inbox/",
            f"/inbox/{member.organisation.slug}/",
            f"/inbox/{member.organisation.slug}/subscriptions/",
            *([f"/inbox/{member.organisation.slug}/cases/{routed.pk}/"] if routed else []),
            f"/orgs/{member.organisation.slug}/members/",
            "/accounts/",
            "/notify/preferences/",
        )
    ]
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    assert staff is not None
    visits += [Visit(staff.username, path) for path in ("/cases/moderation/", "/orgs/new/")]
    for drive in drives:
        organiser = drive.organisers.order_by("pk").first()
        if organiser is not None:
            visits += [
                Visit(organiser.username, f"/aid/{drive.pk}/organise/"),
                Visit(organiser.username, f"/aid/{drive.pk}/recipients/new/"),
            ]
        for recipient in Recipient.objects.filter(drive=drive, accounts__isnull=False).distinct():
            desk = recipient.accounts.order_by("pk").first()
            assert desk is not None
            visits.append(Visit(desk.username, f"/aid/{drive.pk}/recipients/{recipient.pk}/"))
    return visits


def _problems(page: Page) -> list[str]:
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > limit + 1
                    && !e.closest('.table-scroll, .leaflet-container'))
                .slice(0, 3).map((e) => e.tagName + '.' + e.className)""",
            PHONE_WIDTH,
        )
        found.append(f"scrollWidth {width}: {wide}")
    small = page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
            .filter((e) => e.getClientRects().length > 0 && !e.closest('.table-scroll'))
            .filter((e) => e.getBoundingClientRect().height < least)
            .slice(0, 3).map((e) => e.tagName + ' ' + (e.textContent || e.name || '').trim()
                .slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')""",
        [TARGETS, TOUCH_TARGET],
    )
    if small:
        found.append(f"touch targets under 44 px: {small}")
    return found


@pytest.mark.engine_agnostic
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_of_the_demo_fits_a_390_px_phone(
    page: Page, live_server: Any, language: str
) -> None:
    _load_demo()
    visits = _visits()
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.context.set_extra_http_headers({"Accept-Language": language})
    signed_in_as = None
    problems = []
    for visit in visits:
        if visit.who != signed_in_as:
            sign_in_as(
                page, live_server, User.objects.get(username=visit.who) if visit.who else None
            )
            signed_in_as = visit.who
        response = page.goto(visit.path)
        assert response is not None
        hidden = response.status == 410  # a hidden case's public tombstone
        if response.status >= 400 and not hidden:
            problems.append(f"{visit.path} ({visit.who or 'visitor'}): answered {response.status}")
            continue
        problems += [
            f"{visit.path} ({visit.who or 'visitor'}): {problem}" for problem in _problems(page)
        ]
    assert len(visits) > 60
    assert problems == [], "\n".join(problems)


def test_the_menu_folds_away_on_a_phone_and_opens_without_javascript(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": PHONE_WIDTH, "height": 844},
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        page.goto("/")
        cases_link = page.locator(".site-menu nav a", has_text="案例").first
        assert not cases_link.is_visible()
        header_height = page.locator(".site-header").bounding_box()
        assert header_height is not None and header_height["height"] < 80
        page.locator(".site-menu summary").click()
        assert cases_link.is_visible()
        cases_link.click()
        page.wait_for_url("**/cases/")
        # From 48rem the menu is always open and its summary gone.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/")
        assert page.locator(".site-menu nav a", has_text="案例").first.is_visible()
        assert not page.locator(".site-menu summary").is_visible()
    finally:
        context.close()
