"""The strict Content-Security-Policy in a real browser: no page breaks it, and the
proof of work runs under it (Playwright driving Debian's Chromium, as in cases' browser test)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import browser_test
from minjian.accounts.models import User
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = browser_test


def _violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")]


def test_no_page_breaks_the_content_security_policy(
    console: tuple[Page, list[str]], regions: dict[str, Region]
) -> None:
    page, messages = console
    case = make_case(
        regions["340321"],
        title="排污口 <b>bold</b>",
        latitude="32.94",
        longitude="117.36",
        photos=[jpeg_upload()],
    )
    for path in [
        "/",
        "/cases/",
        "/cases/map/",
        "/cases/report/",
        f"/cases/{case.pk}/",
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/api/v1/docs",
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    # The map drew its point: Leaflet works under the policy.
    page.goto("/cases/map/")
    expect(page.locator("#case-map .leaflet-interactive")).to_have_count(1)
    assert _violations(messages) == []


def test_visitor_signs_up_through_the_proof_of_work(console: tuple[Page, list[str]]) -> None:
    page, messages = console
    page.goto("/accounts/signup/")
    expect(page.locator("altcha-widget")).to_have_count(1)
    page.get_by_label("化名").fill("huai-river-watcher")
    page.get_by_label("密码", exact=True).fill("a long walk by the river")
    page.get_by_label("再输一次密码").fill("a long walk by the river")
    page.get_by_role("button", name="创建账户").click()
    expect(page.locator(".messages")).to_contain_text("huai-river-watcher")
    assert User.objects.filter(username="huai-river-watcher").exists()
    assert _violations(messages) == []
