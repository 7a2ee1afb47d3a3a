"""`/.well-known/minjian.json`: the instance's addresses and public key, for anyone to read
and keep for a while, made without a query."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client

from minjian.core import signing

WELL_KNOWN = "/.well-known/minjian.json"


def test_the_document_names_the_instance_its_api_and_its_public_key(
    client: Client, db: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.MINJIAN_SITE_URL = "https://minjian.example.org"

    with django_assert_max_num_queries(0):
        response = client.get(WELL_KNOWN)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document == {
        "base_url": "https://minjian.example.org/",
        "api": "https://minjian.example.org/api/v1/",
        "signing_key": {
            "algorithm": "Ed25519",
            "key_id": signing.key_id(),
            "public_key": signing.public_key_base64url(),
            "public_key_pem": signing.public_key_pem(),
        },
    }


def test_what_the_instance_signs_checks_with_the_published_key_alone(
    client: Client, db: Any
) -> None:
    published = client.get(WELL_KNOWN).json()["signing_key"]
    raw = base64.urlsafe_b64decode(published["public_key"] + "=")

    assert signing.key_id(raw) == published["key_id"]
    assert signing.verify(raw, b"counts", signing.sign(b"counts"))


def test_the_document_may_be_kept_by_anyone_for_a_few_minutes(client: Client, db: Any) -> None:
    response = client.get(WELL_KNOWN)

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=300"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response
    assert client.post(WELL_KNOWN).status_code == 405
