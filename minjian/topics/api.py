"""/api/v1/topics: what a case is about and an organisation works on."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from minjian.core.schemas import ErrorOut
from minjian.topics import selectors
from minjian.topics.models import Topic

router = Router(tags=["topics"])


class TopicOut(Schema):
    """A topic. Its `slug` is what a case report and the case filters take."""

    slug: str = Field(description="Stable identifier, e.g. environment.")
    name: str = Field(description="The name in the language of the request.")
    name_zh: str = Field(description="The Chinese name.")
    name_en: str = Field(description="The English name.")


@router.get("", response=list[TopicOut])
def list_topics(request: HttpRequest) -> QuerySet[Topic]:
    """Every topic, in the order the instance lists them (not paginated: a handful)."""
    return selectors.topic_list()


@router.get("/{slug}", response={200: TopicOut, 404: ErrorOut})
def get_topic(request: HttpRequest, slug: str) -> Topic:
    """One topic by its slug. An unknown slug is refused with 404 and the code `unknown_topic`."""
    return selectors.topic_by_slug(slug)
