"""Every read of topics that a page, a form or the API needs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from minjian.core.errors import NotFound
from minjian.topics.models import Topic


def topic_list() -> QuerySet[Topic]:
    """Every topic, in the order the instance lists them."""
    return Topic.objects.order_by("position", "slug")


def topic_by_slug(slug: str) -> Topic:
    """The topic with this slug; `NotFound` with the code "unknown_topic" when there is none."""
    topic = Topic.objects.filter(slug=slug.strip()).first()
    if topic is None:
        raise NotFound(_("There is no topic “%(slug)s”.") % {"slug": slug}, code="unknown_topic")
    return topic


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name in the active language) of every topic, for a form's select."""
    return [(topic.slug, topic.name) for topic in topic_list()]
