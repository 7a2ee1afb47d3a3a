"""Every answer has the shape of the examples in the GeoReport v2 specification
(https://wiki.open311.org/GeoReport_v2): the same keys, in the same order, in JSON,
and the same elements in XML, with the same content in both formats."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from minjian.cases.tests.factories import make_case
from minjian.open311.tests.conftest import ROOT, as_json, as_xml, json_as_text, xml_value
from minjian.places.models import Region

# The spec's "GET Service List" example: services/service with these elements.
SERVICE_KEYS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
# "GET Service Definition": service_definition with service_code and attributes/attribute.
DEFINITION_KEYS = ["service_code", "attributes"]
ATTRIBUTE_KEYS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]
# "GET Service Requests" and "GET Service Request": service_requests/request.
REQUEST_KEYS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
# "POST Service Request": service_requests/request with service_request_id or token.
POSTED_KEYS = ["service_request_id", "service_notice", "account_id"]
POSTED_TOKEN_KEYS = ["token", "service_notice", "account_id"]
# "GET request_id from a token".
TOKEN_KEYS = ["service_request_id", "token"]
# Service discovery (wiki.open311.org/Service_discovery): discovery, endpoints/endpoint.
DISCOVERY_KEYS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_KEYS = ["specification", "url", "changeset", "type", "formats"]
# Errors: errors/error with code and description.
ERROR_KEYS = ["code", "description"]


def both_formats(client: Client, path: str, **query: str) -> Any:
    json_status, json_answer = as_json(client, path, **query)
    xml_status, xml_root = as_xml(client, path, **query)
    assert json_status == xml_status
    assert xml_value(xml_root) == json_as_text(json_answer)
    return json_status, json_answer, xml_root


@pytest.mark.django_db
def test_service_list_has_the_spec_shape_in_both_formats(client: Client) -> None:
    status, services, root = both_formats(client, "services")
    assert status == 200
    assert root.tag == "services"
    assert {service["service_code"] for service in services} >= {"environment"}
    for service in services:
        assert list(service) == SERVICE_KEYS
        assert service["metadata"] is True
        assert service["type"] in ("realtime", "batch")


@pytest.mark.django_db
def test_service_definition_declares_the_region_attribute(client: Client) -> None:
    status, definition, root = both_formats(client, "services/environment")
    assert status == 200
    assert root.tag == "service_definition"
    assert list(definition) == DEFINITION_KEYS
    region, precision = definition["attributes"]
    assert list(region) == ATTRIBUTE_KEYS
    # Optional: without it, the region is the one that holds lat and long.
    assert (region["code"], region["datatype"], region["required"]) == ("region", "string", False)
    assert list(precision) == [*ATTRIBUTE_KEYS, "values"]
    assert precision["datatype"] == "singlevaluelist"
    assert [value["key"] for value in precision["values"]] == ["exact", "approximate", "region"]


@pytest.mark.django_db
def test_service_requests_have_the_spec_shape_in_both_formats(
    client: Client, regions: dict[str, Region]
) -> None:
    case = make_case(regions["340321"], latitude="33.12345", longitude="117.3")
    status, requests, root = both_formats(client, "requests")
    assert status == 200
    assert root.tag == "service_requests"
    [request] = requests
    assert list(request) == REQUEST_KEYS
    assert request["service_request_id"] == case.pk
    assert request["status"] == "open"
    assert request["service_code"] == "environment"
    assert request["address_id"] == "340321"
    # The point as published: coarsened to about 1 km by default, never finer.
    assert (request["lat"], request["long"]) == (33.125, 117.305)
    assert request["requested_datetime"].endswith("+00:00")

    status, one, _root = both_formats(client, f"requests/{case.pk}")
    assert status == 200
    assert one == [request]


@pytest.mark.django_db
def test_posted_request_and_token_have_the_spec_shape(
    client: Client, regions: dict[str, Region], api_key: str, settings: Any
) -> None:
    fields = {
        "api_key": api_key,
        "service_code": "environment",
        "description": "河边堆满垃圾",
        "attribute[region]": "340321",
    }
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    response = client.post(f"{ROOT}/requests.json", fields)
    assert response.status_code == 201
    assert list(response.json()[0]) == POSTED_KEYS

    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    response = client.post(f"{ROOT}/requests.xml", fields)
    assert response.status_code == 201
    [posted] = xml_value(ET.fromstring(response.content))  # noqa: S314  # our own answer
    assert list(posted) == POSTED_TOKEN_KEYS

    status, token_answer, _root = both_formats(client, f"tokens/{posted['token']}")
    assert status == 200
    assert list(token_answer[0]) == TOKEN_KEYS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("services/no-such-topic", 404),
        ("requests/999999", 404),
        ("tokens/t_unknown", 404),
    ],
)
def test_errors_have_the_spec_shape_and_status(client: Client, path: str, status: int) -> None:
    answer_status, errors, root = both_formats(client, path)
    assert answer_status == status
    assert root.tag == "errors"
    [error] = errors
    assert list(error) == ERROR_KEYS
    assert error["code"] == status
    assert error["description"]


@pytest.mark.django_db
def test_service_discovery_points_to_this_endpoint(client: Client) -> None:
    status, discovery, root = both_formats(client, "discovery")
    assert status == 200
    assert root.tag == "discovery"
    assert list(discovery) == DISCOVERY_KEYS
    [endpoint] = discovery["endpoints"]
    assert list(endpoint) == ENDPOINT_KEYS
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
