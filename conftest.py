"""Shared test set-up: which database and cache this run uses, and the common fixtures."""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.public_cache import forget_versions
from minjian.core.reference import forget_reference_rows
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.places.models import Region
from minjian.places.tests.factories import make_region_tree

# A real SMTP server (`smtp`) for every app whose tests read the mail it sends.
pytest_plugins = ["minjian.notify.tests.mailbox"]


def pytest_report_header(config: pytest.Config) -> str:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"minjian: database={engine} cache={cache} CI={os.environ.get('CI', '')}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every test starts with no topic or region kept (`minjian.core.reference`): an earlier
    test's rows are gone with its transaction, and on SQLite their ids come back for other
    rows. Before any fixture, so that a class's fixture (the loaded demo) reads afresh too."""
    forget_reference_rows()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` or `redis` are skipped in the run that lacks them (the
    SQLite run), before any fixture is set up: a transactional test set up only to be
    skipped would still empty the database for the tests after it. Tests marked
    `engine_agnostic` run in the SQLite run only: they are among the slowest (a browser at
    every page of the demo, the catalogues) and prove nothing the database engine changes."""
    missing = {
        "postgres": not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "redis": not os.environ.get("REDIS_URL"),
    }
    for item in items:
        database = item.get_closest_marker("django_db")
        if (
            database
            and database.kwargs.get("transaction")
            and not database.kwargs.get("serialized_rollback")
        ):
            # Its flush would recreate the content types and permissions, which the
            # next serialized_rollback test then writes again: duplicate keys.
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test needs serialized_rollback=True"
            )
        for marker, absent in missing.items():
            if absent and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=f"needs {marker}: the PostgreSQL run"))
        if not missing["postgres"] and item.get_closest_marker("engine_agnostic"):
            item.add_marker(pytest.mark.skip(reason="proves nothing an engine changes: run once"))


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _default_topics(request: pytest.FixtureRequest) -> None:
    """Every database test starts with the topics the data migration wrote. A
    transactional test (a live server, worker processes, parallel requests) empties
    every table when it ends; serialized_rollback gives the data back only to tests
    that ask for it, so whatever test comes next in the same worker would miss it."""
    if not (
        request.node.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from minjian.topics.models import Topic
    from minjian.topics.tests.factories import ensure_default_topics

    if not Topic.objects.exists():
        ensure_default_topics()


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """Each test gets a cache namespace of its own: nothing carries over from another
    test (rate-limit counters, used proofs of work), and no test flushes the Redis
    database under a test running in another xdist worker."""
    caches = copy.deepcopy(settings.CACHES)
    namespace = f"test-{uuid.uuid4().hex}"
    caches["default"]["KEY_PREFIX"] = namespace
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        caches["default"]["LOCATION"] = namespace
    settings.CACHES = caches
    # Nor the versions of stored pages a worker keeps for a second.
    forget_versions()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Each test stores media in a folder of its own, so it can check what was left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client() -> OpenAPICheckingClient:
    """pytest-django's `client`, checking every answer under /api/v1/ against the
    published OpenAPI document (minjian/core/tests/openapi.py)."""
    return OpenAPICheckingClient()


@pytest.fixture
def regions(db: Any) -> dict[str, Region]:
    """A small piece of China's tree: two provinces, their prefectures and counties."""
    return make_region_tree()


@pytest.fixture
def user(db: Any) -> User:
    return make_user("river-watcher")


@pytest.fixture
def staff(db: Any) -> User:
    return make_user("moderator", is_staff=True)


CHROMIUM = Path("/usr/bin/chromium")
# Browser tests empty every table when they end (a transactional test's flush);
# serialized_rollback puts back what the migrations wrote, such as the topics.
browser_test = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright: never a browser Playwright downloads."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is missing at /usr/bin/chromium: run `make test`, which installs it"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls a
    # test makes between browser steps are ordinary synchronous calls.
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
    """A page on the test server, and every console message and script error it produces.

    Any request to another host is refused and fails the test.
    """
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


@pytest.fixture
def page(console: tuple[Page, list[str]]) -> Page:
    return console[0]


def sign_in_as(page: Page, live_server: Any, user: User | None) -> None:
    """Put a session for `user` into the browser (or none, to be anonymous): the log-in
    form itself has its own browser test."""
    from django.test import Client

    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    if user is None:
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@dataclass(frozen=True)
class Device:
    """A screen and a language that a persona's browser test walks its flow in."""

    name: str
    width: int
    height: int
    language: str

    def text(self, message: str) -> str:
        """`message` as the site shows it in this language (from the real catalogues)."""
        with translation.override(self.language):
            return translation.gettext(message)


PHONE_IN_CHINESE = Device("phone-zh", 390, 844, "zh-hans")
DESKTOP_IN_ENGLISH = Device("desktop-en", 1280, 800, "en")
# Every persona walks its flow on a 390 px phone in Chinese and on a desktop in English:
# `@on_every_device` gives the test its `device`.
on_every_device = pytest.mark.parametrize(
    "device", [pytest.param(d, id=d.name) for d in (PHONE_IN_CHINESE, DESKTOP_IN_ENGLISH)]
)


def use_device(page: Page, live_server: Any, device: Device) -> None:
    """The page's window as wide as the device, and the site in its language."""
    page.set_viewport_size({"width": device.width, "height": device.height})
    page.context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": device.language,
                "url": live_server.url,
            }
        ]
    )


def open_menu(page: Page) -> None:
    """Open the header's menu if it is folded away (on a phone, behind "Menu")."""
    summary = page.locator("details.site-menu > summary")
    if (
        summary.count()
        and summary.is_visible()
        and not summary.evaluate("s => s.parentElement.open")
    ):
        summary.click()


def scrolls_sideways(page: Page) -> bool:
    """Whether the page is wider than the window (a table too wide for a phone, say),
    once its styles have loaded: a page read before then lays out as if unstyled."""
    page.wait_for_load_state("load")
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


@pytest.fixture
def live_worker(
    transactional_db: None, django_db_serialized_rollback: None, settings: Any, tmp_path: Path
) -> Iterator[Any]:
    """Real `manage.py run_worker` processes on this test's database and its own Redis
    keys; jobs deferred by the test go to them. Skips without PostgreSQL and Redis.
    Call `.start()` for a worker; see minjian/jobs/tests/live_worker.py."""
    from minjian.jobs.tests.live_worker import LiveWorkers

    workers = LiveWorkers(settings, tmp_path / "workers")
    try:
        yield workers
    finally:
        workers.close()
