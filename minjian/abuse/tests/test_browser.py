"""The strict Content-Security-Policy in a real browser: no page breaks it, and the
proof of work runs under it (Playwright driving Debian's Chromium, as in cases' browser test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright

from minjian.accounts.models import User
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region
from minjian.topics.catalogue import DEFAULT_TOPICS
from minjian.topics.models import Topic

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_default_topics() -> None:
    for position, (slug, name_zh, name_en) in enumerate(DEFAULT_TOPICS):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )


@pytest.fixture(scope="module", autouse=True)
def topics_as_migrated(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test empties every table when it ends, the topics that a data
    migration made included. Put them back for every test here and, when the module
    ends, for the tests that run after it (the cases' browser test needs them)."""
    yield
    with django_db_blocker.unblock():
        _add_default_topics()


@pytest.fixture(autouse=True)
def _topics(transactional_db: None) -> None:
    _add_default_topics()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is missing at /usr/bin/chromium: run `make test`, which installs it"
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def console(browser: Browser, live_server: Any) -> Iterator[tuple[Page, list[str]]]:
    """A page, and every console message and script error it produces."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    outside: list[str] = []

    def only_the_test_server(route: Route) -> None:
        if route.request.url.startswith((live_server.url, "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_test_server)
    page = context.new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        messages.append(f"{message.type}: {message.text}")

    page.on("console", keep)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    yield page, messages
    context.close()
    assert outside == [], f"requests to other hosts: {outside}"


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
