"""Shared set-up of the Open311 tests: a working api_key and readers of both formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from minjian.open311.formats import ITEM_NAMES
from minjian.open311.services import open311_key_issue
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions

ROOT = "/open311/v2"


@pytest.fixture
def api_key(db: Any) -> str:
    _key, raw = open311_key_issue(name="civic-app")
    return raw


@pytest.fixture
def bounded_regions(regions: dict[str, Region]) -> dict[str, Region]:
    """The regions with the real boundaries of 怀远县, its neighbours and Wuhan's districts."""
    return make_bounded_regions(regions)


def as_json(client: Client, path: str, **query: str) -> Any:
    response = client.get(f"{ROOT}/{path}.json", query)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.status_code, json.loads(response.content)


def xml_value(element: ET.Element) -> Any:
    """An XML answer read back into the JSON answer's shape, every leaf as text."""
    if element.tag in ITEM_NAMES:
        return [xml_value(child) for child in element]
    if len(element):
        return {child.tag: xml_value(child) for child in element}
    return element.text


def json_as_text(value: Any) -> Any:
    """A JSON answer with its leaves written as the XML writes them."""
    if isinstance(value, dict):
        return {key: json_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_as_text(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def as_xml(client: Client, path: str, **query: str) -> tuple[int, ET.Element]:
    response = client.get(f"{ROOT}/{path}.xml", query)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return response.status_code, ET.fromstring(response.content)  # noqa: S314  # our own answer
