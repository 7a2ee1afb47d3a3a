"""An independent Open311 client, `georeport` from PyPI, against a running server.

georeport 0.3.1 reads (services, a service definition, requests, one request) in
JSON and XML but has no method to post a request: the post is made with the HTTP
library georeport itself uses (requests), as the spec describes it (a point, no
custom attribute), and everything else through georeport.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport

from minjian.places.models import Region

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_the_request_it_posted(
    live_server: Any, bounded_regions: dict[str, Region], api_key: str, settings: Any, fmt: str
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, api_key=api_key, output_format=fmt)

    services = client.get_service_list()
    codes = [service["service_code"] for service in services]
    assert "environment" in codes
    definition = client.get_service_definition("environment")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert attributes[0]["code"] == "region"

    posted = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": client.api_key,
            "service_code": "environment",
            # In 怀远县: the case is filed under it without attribute[region].
            "lat": "33.1",
            "long": "117.1",
            "description": "河边堆满垃圾，已经一个月没人清理。",
        },
        timeout=30,
    )
    assert posted.status_code == 201
    if fmt == "json":
        request_id = str(posted.json()[0]["service_request_id"])
    else:
        request_id = posted.text.split("<service_request_id>")[1].split("<")[0]

    one = client.get_service_request(request_id)
    assert str(one["service_request_id"]) == request_id
    assert one["status"] == "open"
    assert one["address_id"] == "340321"
    assert one["description"] == "河边堆满垃圾，已经一个月没人清理。"

    listed = client.get_service_requests(service_request_id=request_id)
    # xmltodict reads a list of one as the item itself.
    listed = [listed] if isinstance(listed, dict) else listed
    assert [str(request["service_request_id"]) for request in listed] == [request_id]
    if fmt == "json":
        # georeport fails on an empty <service_requests/> in XML (xmltodict reads it as None).
        assert client.get_service_requests(status="closed", service_code="environment") == []
