"""GET /api/v1/topics and /api/v1/topics/{slug}."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.topics.catalogue import DEFAULT_TOPICS


def test_every_topic_is_listed_in_order_with_both_names(
    db: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/topics")

    assert response.status_code == 200
    assert [(t["slug"], t["name_zh"], t["name_en"]) for t in response.json()] == list(
        DEFAULT_TOPICS
    )
    assert response.json()[0] == {
        "slug": "environment",
        "name": "Environment",
        "name_zh": "环境",
        "name_en": "Environment",
    }


def test_the_name_follows_the_language_of_the_request(db: Any) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/topics")

    assert [t["name"] for t in response.json()][:3] == ["环境", "劳工", "健康"]


def test_the_published_schema_describes_the_topic_fields(db: Any) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["TopicOut"]

    assert set(schema["required"]) == {"slug", "name", "name_zh", "name_en"}
    assert "/api/v1/topics/{slug}" in document["paths"]


def test_one_topic_by_its_slug(db: Any) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/topics/legal-aid")

    assert response.status_code == 200
    assert response.json()["name"] == "Legal aid"


def test_an_unknown_topic_is_a_json_404(db: Any) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/topics/weather")

    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_topic",
        "message": "There is no topic “weather”.",
        "details": {},
    }


def test_the_refusal_is_in_chinese_for_a_chinese_request(db: Any) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/topics/weather")

    assert response.json()["message"] == "没有“weather”这个议题。"
