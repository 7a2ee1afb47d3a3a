"""GeoReport v2 responses in JSON and XML, from the same data.

The XML follows the spec's element names: a list is an element whose children
are named for one of its items (services/service, service_requests/request,
errors/error, attributes/attribute, values/value,
endpoints/endpoint, formats/format); None is an empty element.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Literal

from django.http import HttpResponse

from minjian.core.text import clean_text

Format = Literal["json", "xml"]
Value = str | int | float | bool | None | Sequence["Value"] | Mapping[str, "Value"]

CONTENT_TYPES: dict[str, str] = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def respond(fmt: Format, root: str, data: Value, *, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        body = ET.tostring(_element(root, data), encoding="UTF-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def _element(tag: str, value: Value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, Mapping):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            element.append(_element(ITEM_NAMES[tag], item))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        # XML cannot carry control characters (a row stored before input was cleaned).
        element.text = clean_text(str(value))
    return element


def errors(fmt: Format, status: int, description: str) -> HttpResponse:
    """The spec's error list: `[{"code": 400, "description": "..."}]`, with that HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)
