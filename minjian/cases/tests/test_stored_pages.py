"""Anonymous pages are stored and sent again (minjian/core/public_cache.py) with validators
a proxy can use, and a change to a case shows at once on every stored page that shows it."""

from __future__ import annotations

import gzip
import json
from typing import Any
from unittest.mock import patch

import pytest
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

TITLE = "造纸厂夜里向淮河排污"


@pytest.fixture
def case(regions: dict[str, Region], staff: User) -> Case:
    return make_case(regions["340321"], reporter=staff, title=TITLE)


def readable(response: HttpResponseBase) -> str:
    """The answer's text, with JSON's escaped characters as they are."""
    assert isinstance(response, HttpResponse)
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def pages_showing(case: Case) -> dict[str, str]:
    return {
        "home": "/",
        "list": "/cases/",
        "list by region": "/cases/?region=340000",
        "list by topic": "/cases/?topic=environment",
        "case page": f"/cases/{case.pk}/",
        "API list": "/api/v1/cases",
        "API case": f"/api/v1/cases/{case.pk}",
        "topic feed": "/feeds/topics/environment/",
        "case feed": f"/feeds/cases/{case.pk}/",
        "Open311": "/open311/v2/requests.json",
    }


def test_a_change_to_a_case_shows_on_every_stored_page_that_shows_it(
    client: Client, case: Case, staff: User, django_assert_max_num_queries: Any
) -> None:
    pages = pages_showing(case)
    # Open311 names a case by its id, not its title.
    marks = dict.fromkeys(pages, TITLE) | {"Open311": f'"service_request_id": {case.pk},'}
    for name, path in pages.items():
        first = client.get(path)
        assert first.status_code == 200, name
        assert marks[name] in readable(first), name
        # Stored: the second reader costs one query (the versions of what it shows).
        with django_assert_max_num_queries(1):
            again = client.get(path)
        assert again.content == first.content, name

    services.case_resolve(actor=staff, case_id=case.pk, note="排污口已封堵。")
    for name in ("case page", "API case", "case feed"):
        assert "排污口已封堵" in readable(client.get(pages[name])), name
    for name in ("list", "API list"):
        assert "resolved" in readable(client.get(pages[name])), name
    assert '"status": "closed"' in readable(client.get(pages["Open311"]))

    services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.values[0])
    for name, path in pages.items():
        response = client.get(path)
        assert marks[name] not in readable(response), name


def test_stored_pages_carry_validators_and_a_short_public_lifetime(
    client: Client, case: Case, settings: Any
) -> None:
    response = client.get(f"/cases/{case.pk}/")
    control = response["Cache-Control"]
    assert "public" in control
    assert f"max-age={settings.MINJIAN_PUBLIC_MAX_AGE}" in control
    assert f"stale-while-revalidate={settings.MINJIAN_PUBLIC_STALE_SECONDS}" in control
    assert response["ETag"] and response["Last-Modified"]
    assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]
    assert not response.cookies

    unchanged = client.get(f"/cases/{case.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert unchanged.status_code == 304
    assert unchanged.content == b""


def test_a_reader_who_accepts_gzip_gets_the_stored_page_compressed_once(
    client: Client, case: Case, django_assert_max_num_queries: Any
) -> None:
    plain = client.get(f"/cases/{case.pk}/")
    with patch("minjian.core.public_cache.compress_string") as compressing:
        with django_assert_max_num_queries(1):
            first = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_ENCODING="gzip, br")
        again = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    # Stored gzipped when the page was stored, not at each answer.
    compressing.assert_not_called()
    assert first["Content-Encoding"] == again["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == plain.content
    assert again.content == first.content
    assert int(first["Content-Length"]) == len(first.content)
    assert "Accept-Encoding" in first["Vary"] and "Cookie" in first["Vary"]
    # Another representation of the same page: the same tag, weak, and still a 304.
    assert first["ETag"] == f"W/{plain['ETag']}"
    unchanged = client.get(
        f"/cases/{case.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert unchanged.status_code == 304
    assert "Content-Encoding" not in plain


def test_the_etag_changes_with_the_case_and_with_the_language(
    client: Client, case: Case, staff: User
) -> None:
    chinese = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese["ETag"] != english["ETag"]
    assert "Case" in english.content.decode() or "case" in english.content.decode()

    services.case_resolve(actor=staff, case_id=case.pk)
    changed = client.get(
        f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_IF_NONE_MATCH=chinese["ETag"]
    )
    assert changed.status_code == 200
    assert changed["ETag"] != chinese["ETag"]


def test_a_signed_in_reader_gets_her_own_page_never_stored(
    client: Client, case: Case, staff: User
) -> None:
    client.force_login(staff)
    response = client.get(f"/cases/{case.pk}/")
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    # Her page holds what only she may do (staff: hide the case).
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_anonymous_pages_hold_no_form_token_so_they_can_be_shared(
    client: Client, case: Case
) -> None:
    for path in pages_showing(case).values():
        response = client.get(path)
        assert "csrfmiddlewaretoken" not in response.content.decode(), path
        assert not response.cookies, path


def test_the_language_switch_works_without_a_form_token(client: Client) -> None:
    client.handler.enforce_csrf_checks = True
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
