"""A strict Content-Security-Policy and the usual security headers on every response."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from config.settings.base import tile_origin
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

MINJIAN = Path(__file__).resolve().parents[2]

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response: Any) -> dict[str, str]:
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(directive.split(" ", 1) for directive in directives if directive)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases/",
        "/cases/map/",
        "/cases/report/",
        "/accounts/login/",
        "/accounts/signup/",
        "/places/340000/",
        "/no-such-page/",
        "/api/v1/cases",
        "/api/v1/cases/999999",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/altcha/challenge",
    ],
)
def test_every_response_carries_the_strict_policy_and_the_security_headers(
    client: Client, regions: dict[str, Region], path: str
) -> None:
    response = client.get(path)

    assert _policy(response) == STRICT_POLICY
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(self)"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_refused_api_request_carries_the_policy_too(client: Client) -> None:
    response = client.post("/api/v1/cases", {"title": ""})

    assert response.status_code >= 400
    assert _policy(response) == STRICT_POLICY


@pytest.mark.parametrize(
    ("tile_url", "origins"),
    [
        ("", []),
        ("/tiles/{z}/{x}/{y}.png", []),
        ("https://tiles.example.org/{z}/{x}/{y}.png", ["https://tiles.example.org"]),
        ("https://{s}.tile.example.net:8443/{z}/{x}/{y}.png", ["https://*.tile.example.net:8443"]),
    ],
)
def test_only_the_operators_tile_server_is_added_to_the_image_sources(
    tile_url: str, origins: list[str]
) -> None:
    assert tile_origin(tile_url) == origins


def _templates() -> list[Path]:
    return sorted(MINJIAN.glob("*/templates/**/*.html"))


def test_no_template_has_inline_script_or_style_that_the_policy_would_block() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    offenders = []
    for template in _templates():
        text = template.read_text()
        if inline_script.search(text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(template.relative_to(MINJIAN)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{template.relative_to(MINJIAN)} (event handler attribute)")
    assert offenders == []
