"""Posting a service request: the same checks, redaction and moderation as any report."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.services import case_publish
from minjian.open311.models import Open311Request
from minjian.open311.services import open311_key_issue, open311_key_revoke
from minjian.open311.tests.conftest import ROOT
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def fields(api_key: str, /, **changes: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "service_code": "environment",
        "description": "河边堆满垃圾\n已经一个月没人清理。",
        "attribute[region]": "340321",
        "lat": "33.12345",
        "long": "117.31234",
    } | changes


def post(client: Client, data: dict[str, str], fmt: str = "json") -> Any:
    return client.post(f"{ROOT}/requests.{fmt}", data, HTTP_ACCEPT_LANGUAGE="en")


def test_without_review_the_request_is_public_at_once(
    client: Client, regions: dict[str, Region], api_key: str, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    response = post(client, fields(api_key))
    assert response.status_code == 201
    [answer] = response.json()
    case = Case.objects.get(pk=answer["service_request_id"])
    assert case.state == Case.State.PUBLISHED
    assert case.reporter is None
    assert case.title == "河边堆满垃圾"
    assert case.description == "河边堆满垃圾\n已经一个月没人清理。"
    # Coarsened like any report sent without a choice: about 1 km.
    assert (str(case.latitude), str(case.longitude)) == ("33.125000", "117.315000")
    listed = client.get(f"{ROOT}/requests.json").json()
    assert [request["service_request_id"] for request in listed] == [case.pk]


def test_with_review_the_sender_gets_a_token_until_a_moderator_publishes(
    client: Client, regions: dict[str, Region], api_key: str, settings: Any, staff: User
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    assert client.get(f"{ROOT}/services.json").json()[0]["type"] == "batch"
    response = post(client, fields(api_key))
    assert response.status_code == 201
    [answer] = response.json()
    assert "service_request_id" not in answer
    assert "moderator" in answer["service_notice"]
    case = Open311Request.objects.get().case
    assert case.state == Case.State.SUBMITTED
    assert client.get(f"{ROOT}/requests.json").json() == []
    assert client.get(f"{ROOT}/requests/{case.pk}.json").status_code == 404
    token_path = f"{ROOT}/tokens/{answer['token']}.json"
    assert client.get(token_path).json() == [{"service_request_id": None, "token": answer["token"]}]

    case_publish(actor=staff, case_id=case.pk)
    assert client.get(token_path).json()[0]["service_request_id"] == case.pk
    assert client.get(f"{ROOT}/requests/{case.pk}.json").status_code == 200


def test_personal_data_in_the_description_is_redacted_and_the_case_waits(
    client: Client, regions: dict[str, Region], api_key: str, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    description = "工厂老板手机13812345678，每天夜里排污，河水发黑发臭，请尽快处理这个问题"
    response = post(client, fields(api_key, description=description))
    assert response.status_code == 201
    assert "token" in response.json()[0]
    case = Case.objects.get()
    assert "13812345678" not in case.title + case.description
    assert "[[redacted:mobile]]" in case.description
    assert case.personal_data_found == ["mobile"]
    assert case.state == Case.State.SUBMITTED


def test_the_sender_s_identity_is_never_stored(
    client: Client, regions: dict[str, Region], api_key: str
) -> None:
    identity = {
        "email": "wang.fang@example.org",
        "first_name": "芳",
        "last_name": "王",
        "phone": "13912345678",
        "device_id": "device-4711",
        "account_id": "account-0815",
    }
    response = post(client, fields(api_key, **identity))
    assert response.status_code == 201
    case = Case.objects.get()
    stored = repr(list(Case.objects.values())) + repr(list(case.events.values()))
    for value in identity.values():
        assert value not in stored


def test_media_url_is_never_fetched_and_the_sender_is_told(
    client: Client, regions: dict[str, Region], api_key: str
) -> None:
    # A URL nothing answers at: were it fetched, the post would hang or fail.
    response = post(client, fields(api_key, media_url="http://10.255.255.1/photo.jpg"))
    assert response.status_code == 201
    assert "media_url" in response.json()[0]["service_notice"]
    assert not Case.objects.get().photos.exists()


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"api_key": ""}, 400),
        ({"api_key": "o311_not-a-key"}, 403),
        ({"service_code": "no-such-topic"}, 400),
        ({"attribute[region]": "999999"}, 400),
        ({"attribute[region]": ""}, 400),
        ({"lat": "91"}, 400),
        ({"long": "east"}, 400),
        ({"lat": ""}, 400),
        ({"description": "   "}, 400),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_refused_request_answers_a_spec_error_and_writes_nothing(
    client: Client,
    regions: dict[str, Region],
    api_key: str,
    changes: dict[str, str],
    status: int,
    fmt: str,
) -> None:
    response = post(client, fields(api_key, **changes), fmt)
    assert response.status_code == status
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == status
        assert error["description"]
    else:
        assert b"<errors><error><code>" + str(status).encode() + b"</code>" in response.content
    assert not Case.objects.exists()
    assert not Open311Request.objects.exists()


def test_a_revoked_key_no_longer_works(client: Client, regions: dict[str, Region]) -> None:
    _key, raw = open311_key_issue(name="old-app")
    assert open311_key_revoke(name="old-app") == 1
    assert post(client, fields(raw)).status_code == 403


def test_posting_is_rate_limited_in_the_spec_s_error_format(
    client: Client, regions: dict[str, Region], api_key: str, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = settings.MINJIAN_RATE_LIMITS | {"open311": (2, 3600)}
    assert post(client, fields(api_key)).status_code == 201
    assert post(client, fields(api_key, api_key="wrong")).status_code == 403
    refused = post(client, fields(api_key))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()[0]["code"] == 429
    assert Case.objects.count() == 1


def test_a_get_is_not_a_post_and_other_methods_are_refused(client: Client, api_key: str) -> None:
    assert client.put(f"{ROOT}/requests.json").status_code == 405
    assert client.get(f"{ROOT}/requests.html").status_code == 404


def test_a_point_without_a_region_is_filed_under_the_county_that_holds_it(
    client: Client, bounded_regions: dict[str, Region], api_key: str
) -> None:
    # 武昌区, by the Yellow Crane Tower.
    response = post(
        client, fields(api_key, **{"attribute[region]": "", "lat": "30.5467", "long": "114.3023"})
    )

    assert response.status_code == 201
    assert Case.objects.get().region.code == "420106"


def test_the_region_attribute_overrides_the_point(
    client: Client, bounded_regions: dict[str, Region], api_key: str
) -> None:
    # The point lies in 武昌区, but the sender names 怀远县.
    response = post(client, fields(api_key, lat="30.5467", long="114.3023"))

    assert response.status_code == 201
    assert Case.objects.get().region.code == "340321"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_point_outside_every_region_is_a_spec_error(
    client: Client, bounded_regions: dict[str, Region], api_key: str, fmt: str
) -> None:
    # The East China Sea.
    unplaced = fields(api_key, **{"attribute[region]": "", "lat": "30.0", "long": "125.0"})

    response = post(client, unplaced, fmt)

    assert response.status_code == 400
    description = (
        "The point 30.0, 125.0 lies in no region this site knows: send "
        "attribute[region] with a region's code."
    )
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": description}]
    else:
        assert f"<description>{description}</description>".encode() in response.content
    assert not Case.objects.exists()


def test_neither_a_region_nor_a_point_is_refused(
    client: Client, bounded_regions: dict[str, Region], api_key: str
) -> None:
    response = post(client, fields(api_key, **{"attribute[region]": "", "lat": "", "long": ""}))

    assert response.status_code == 400
    assert response.json()[0]["description"] == (
        "Send lat and long, or attribute[region] with a region's code."
    )
