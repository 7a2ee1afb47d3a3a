"""`make lint`'s habit checker, run as `make lint` runs it, on small projects written here."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parent.parent / "check_habits.py"

# A project of one app, "shop", that keeps every habit.
CLEAN = {
    "minjian/__init__.py": "",
    "minjian/shop/__init__.py": "",
    "minjian/shop/models.py": """
        from django.db import models

        class Item(models.Model):
            name = models.CharField(max_length=10)

        class SpecialItem(Item):
            pass

        class Colour(models.TextChoices):
            RED = "red"
    """,
    "minjian/shop/selectors.py": """
        from django.db.models import QuerySet

        from minjian.shop.models import Item

        def item_list() -> QuerySet[Item]:
            return Item.objects.order_by("name")

        def item_by_id(item_id: int) -> Item:
            return Item.objects.get(pk=item_id)
    """,
    "minjian/shop/services.py": """
        from minjian.shop.models import Item

        def _price(item: Item) -> int:
            return 1

        def item_buy(*, item: Item) -> int:
            return _price(item)
    """,
    "minjian/shop/views.py": """
        from django.http import HttpRequest, HttpResponse
        from django.views.decorators.http import require_http_methods, require_POST

        from minjian.shop import selectors, services

        def item_list(request: HttpRequest) -> HttpResponse:
            items = selectors.item_list()
            shown = items.filter(name__startswith="a")
            context = {"items": shown, "count": items.count()}
            context.update({"title": "Items"})
            return HttpResponse(str(context))

        def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
            return HttpResponse(selectors.item_by_id(item_id).name)

        @require_POST
        def item_buy(request: HttpRequest, item_id: int) -> HttpResponse:
            services.item_buy(item=selectors.item_by_id(item_id))
            return HttpResponse()

        @require_http_methods(["POST"])
        def item_forget(request: HttpRequest, item_id: int) -> HttpResponse:
            request.session.delete()
            return HttpResponse()
    """,
    "minjian/shop/apps.py": """
        from django.apps import AppConfig
        from django.urls import register_converter

        class IdConverter:
            regex = "[0-9]{1,19}"

        class ShopConfig(AppConfig):
            name = "minjian.shop"

            def ready(self) -> None:
                register_converter(IdConverter, "id")
    """,
    "minjian/shop/urls.py": """
        from django.urls import path

        from minjian.shop import views

        app_name = "shop"
        urlpatterns = [
            path("", views.item_list, name="list"),
            path("<id:item_id>/", views.item_detail, name="detail"),
            path("<id:item_id>/buy/", views.item_buy, name="buy"),
            path("<id:item_id>/forget/", views.item_forget, name="forget"),
        ]
    """,
    "minjian/shop/api.py": """
        from django.http import HttpRequest
        from ninja import Router

        from minjian.shop import selectors
        from minjian.shop.models import Item

        router = Router()

        @router.get("/{item_id}")
        def get_item(request: HttpRequest, item_id: int) -> Item:
            return selectors.item_by_id(item_id)
    """,
    "minjian/api.py": """
        from ninja import NinjaAPI

        from minjian.shop.api import router as shop_router

        api = NinjaAPI(urls_namespace="api")
        api.add_router("/items", shop_router)
    """,
    "minjian/shop/tests/__init__.py": "",
    "minjian/shop/tests/test_pages.py": """
        from django.urls import reverse

        LIST = "/shop/"

        def test_list(client, django_assert_max_num_queries):
            with django_assert_max_num_queries(2):
                client.get(LIST + "?page=2")

        def test_detail(client, django_assert_num_queries):
            item_id = 7
            with django_assert_num_queries(1):
                client.get(reverse("shop:detail", args=[item_id]))

        def test_api(client, django_assert_num_queries):
            item_id = 7
            with django_assert_num_queries(1):
                client.get(f"/api/v1/items/{item_id}")
    """,
    "config/__init__.py": "",
    "config/urls.py": """
        from django.urls import include, path

        from minjian.api import api

        urlpatterns = [
            path("shop/", include("minjian.shop.urls")),
            path("api/v1/", api.urls),
        ]
    """,
}


def project(tmp_path: Path, changes: dict[str, str] | None = None) -> Path:
    """The clean project, with the files in `changes` added or replaced."""
    for name, text in (CLEAN | (changes or {})).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return tmp_path


def check(root: Path) -> tuple[int, list[str]]:
    """The exit status and the findings of the checker, as `make lint` runs it."""
    result = subprocess.run(
        [sys.executable, str(CHECKER), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout.splitlines()


def test_a_project_that_keeps_every_habit_passes(tmp_path: Path) -> None:
    assert check(project(tmp_path)) == (0, [])


# model-access


def test_a_view_that_reads_a_model_directly_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/views_moderation.py": """
            from minjian.shop.models import Item

            def queue(request):
                return list(Item.objects.filter(name=""))
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert findings == [
        "minjian/shop/views_moderation.py:4: [model-access] Item.objects in views_moderation.py: "
        "read through a selector (selectors.py) and change through a service (services.py)"
    ]


def test_a_model_is_found_through_any_import_and_its_subclasses(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/jobs.py": """
            import minjian.shop.models
            from minjian.shop import models as shop_models

            def tidy(item_id: int) -> None:
                shop_models.SpecialItem.objects.filter(pk=item_id).delete()
                minjian.shop.models.Item._default_manager.all()
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [finding.split(": [")[1].split(" in ")[0] for finding in findings] == [
        "model-access] SpecialItem.objects",
        "model-access] Item._default_manager",
    ]


def test_a_job_or_command_that_saves_a_domain_object_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/jobs.py": """
            from minjian.shop import selectors
            from minjian.shop.models import Item

            def rename(item_id: int) -> None:
                item = selectors.item_by_id(item_id)
                item.name = "new"
                item.save()

            def make() -> None:
                Item(name="x").save()
        """,
            "minjian/shop/management/commands/sweep.py": """
            from django.core.management.base import BaseCommand

            from minjian.shop.models import Item
            from minjian.shop.selectors import item_list

            class Command(BaseCommand):
                def handle(self, *args: object, **options: object) -> None:
                    item_list().filter(name="").update(name="x")
                    for item in item_list():
                        item.delete()

                def forget(self, item: Item | None) -> None:
                    if item is not None:
                        item.delete()
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [
        (f.split(":")[0], f.split(":")[1], f.split("] ")[1].split(" in ")[0]) for f in findings
    ] == [
        ("minjian/shop/jobs.py", "7", ".save() on a Item"),
        ("minjian/shop/jobs.py", "10", ".save() on a Item"),
        ("minjian/shop/management/commands/sweep.py", "8", ".update() on a queryset of Item"),
        ("minjian/shop/management/commands/sweep.py", "10", ".delete() on a Item"),
        ("minjian/shop/management/commands/sweep.py", "14", ".delete() on a Item"),
    ]
    assert findings[0].endswith("change it through a service (services.py)")


def test_models_may_be_used_freely_outside_the_thin_entry_points(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/tests/test_services.py": """
            from minjian.shop.models import Item

            def test_rename() -> None:
                Item.objects.create(name="a").save()
        """,
        },
    )

    assert check(root) == (0, [])


# type-ignore-reason


@pytest.mark.parametrize(
    "comment",
    ["# type: ignore", "# type: ignore[attr-defined]", "# type:ignore  # the stubs lag"],
)
def test_a_type_ignore_without_its_code_and_reason_fails(tmp_path: Path, comment: str) -> None:
    root = project(tmp_path, {"minjian/shop/forms.py": f"x: int = 'a'  {comment}\n"})

    status, findings = check(root)

    assert status == 1
    assert findings == [
        "minjian/shop/forms.py:1: [type-ignore-reason] a type: ignore without its error code or "
        "reason: write `# type: ignore[code]  # why`, or fix the types"
    ]


def test_a_type_ignore_with_its_code_and_reason_passes(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/forms.py": """
            x: int = "a"  # type: ignore[assignment]  # a test of the checker
            text = "# type: ignore"
        """,
        },
    )

    assert check(root) == (0, [])


# query-count


def test_a_page_without_a_query_count_test_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/urls.py": """
            from django.urls import path

            from minjian.shop import views

            app_name = "shop"
            urlpatterns = [
                path("", views.item_list, name="list"),
                path("<id:item_id>/", views.item_detail, name="detail"),
                path("<id:item_id>/buy/", views.item_buy, name="buy"),
                path("<id:item_id>/forget/", views.item_forget, name="forget"),
                path("<id:item_id>/again/", views.item_detail, name="again"),
            ]
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert findings == [
        "minjian/shop/urls.py:11: [query-count] GET /shop/…/again/ (shop:again) has no test "
        "that pins its queries: request it in a test inside `django_assert_max_num_queries(n)`, "
        "with rows enough that an N+1 would show"
    ]


def test_an_api_operation_without_a_query_count_test_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            # The pages' tests without the one of the API.
            "minjian/shop/tests/test_pages.py": CLEAN["minjian/shop/tests/test_pages.py"].split(
                "def test_api"
            )[0],
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [finding.split(" has no")[0] for finding in findings] == [
        "minjian/shop/api.py:9: [query-count] GET /api/v1/items/… (minjian.shop.api.get_item)"
    ]


def test_a_path_is_pinned_only_for_the_route_that_answers_it(tmp_path: Path) -> None:
    """Django answers "/shop/new/" with the first route that matches it, not "<slug:name>/"."""
    root = project(
        tmp_path,
        {
            "minjian/shop/urls.py": """
            from django.urls import path

            from minjian.shop import views

            app_name = "shop"
            urlpatterns = [
                path("", views.item_list, name="list"),
                path("<id:item_id>/", views.item_detail, name="detail"),
                path("new/", views.item_list, name="new"),
                path("<slug:name>/", views.item_list, name="named"),
            ]
        """,
            "minjian/shop/tests/test_more.py": """
            def test_new(client, django_assert_max_num_queries):
                with django_assert_max_num_queries(2):
                    client.get("/shop/new/")
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [finding.split(" has no")[0] for finding in findings] == [
        "minjian/shop/urls.py:10: [query-count] GET /shop/…/ (shop:named)"
    ]


# private-name


def test_importing_a_private_name_of_another_app_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/till/__init__.py": "",
            "minjian/till/services.py": """
            from minjian.shop import services
            from minjian.shop.services import _price

            def total(item) -> int:
                return _price(item) + services._price(item)
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert findings == [
        f"minjian/till/services.py:{line}: [private-name] minjian.shop.services._price is "
        "private to minjian.shop: use a public function of minjian.shop (add one to its "
        "services or selectors), or move the code into that app"
        for line in (2, 5)
    ]


# exemptions


def test_an_exemption_that_says_why_is_kept_and_one_that_does_not_fails(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/shop/feeds.py": """
            from minjian.shop.models import Item

            def latest() -> object:
                return Item.objects.last()  # habits: allow[model-access] a test of exemptions

            def first() -> object:
                return Item.objects.first()  # habits: allow[model-access]
        """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [finding.split(": ", 1)[0] + " " + finding.split("] ")[0] for finding in findings] == [
        "minjian/shop/feeds.py:7 minjian/shop/feeds.py:7: [exemption-reason",
        "minjian/shop/feeds.py:7 minjian/shop/feeds.py:7: [model-access",
    ]


def test_an_operation_added_to_a_router_by_another_module_is_checked_too(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "minjian/finder/__init__.py": "",
            "minjian/finder/api.py": """
                from ninja import Router

                def find_items(request):
                    return []

                def add_finding(router: Router) -> None:
                    router.get("", summary="Find items")(find_items)
            """,
            "minjian/api.py": """
                from ninja import NinjaAPI

                from minjian.finder.api import add_finding
                from minjian.shop.api import router as shop_router

                api = NinjaAPI(urls_namespace="api")
                add_finding(shop_router)
                api.add_router("/items", shop_router)
            """,
        },
    )

    status, findings = check(root)

    assert status == 1
    assert [finding.split(" has no")[0] for finding in findings] == [
        "minjian/finder/api.py:7: [query-count] GET /api/v1/items (minjian.finder.api.find_items)"
    ]
