"""The API addresses the README names are the ones that answer; the same with a final
slash is told the address that does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from minjian.aid.tests.factories import make_drive
from minjian.places.models import Region

README = Path(settings.BASE_DIR) / "README.md"


@pytest.mark.django_db
def test_every_api_address_the_readme_names_answers(
    client: Client, regions: dict[str, Region]
) -> None:
    drive = make_drive().drive
    addresses = set(re.findall(r"/api/v1/[^\s`\"'?)]*", README.read_text()))
    assert "/api/v1/drives" in addresses and "/api/v1/drives/" not in addresses

    for address in sorted(addresses - {"/api/v1/"}):
        answer = client.get(address.replace("<id>", str(drive.pk)))
        assert answer.status_code == 200, address


@pytest.mark.django_db
def test_an_api_address_sent_with_a_final_slash_is_told_the_one_that_answers() -> None:
    # A plain client: the document names no address with a final slash to check against.
    client = Client()
    answer = client.get("/api/v1/drives/", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] == "not_found" and body["details"] == {"address": "/api/v1/drives"}
    assert "end without a slash: /api/v1/drives" in body["message"]
    assert client.get("/api/v1/nothing-here/").json()["details"] == {}
