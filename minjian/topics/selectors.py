"""Every read of topics that a page, a form or the API needs."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from minjian.core.errors import DomainError, NotFound
from minjian.core.reference import ReferenceRows
from minjian.topics.models import Topic


def topic_list() -> QuerySet[Topic]:
    """Every topic, in the order the instance lists them."""
    return Topic.objects.order_by("position", "slug")


_topics_by_slug: ReferenceRows[str, Topic] = ReferenceRows(
    lambda slug: Topic.objects.filter(slug=slug).first(), models=(Topic,)
)


def topic_with_slug(slug: str) -> Topic | None:
    """The topic with this slug (spaces around it ignored), or None. A caller that
    refuses an unknown slug in its own words (a form's field) starts here. Kept in the
    process for a minute (`core.reference`): never change what it returns."""
    return _topics_by_slug.get(slug.strip())


def topic_by_slug(slug: str) -> Topic:
    """The topic an address names; `NotFound` with the code "unknown_topic" when there is none."""
    topic = topic_with_slug(slug)
    if topic is None:
        raise NotFound(_("There is no topic “%(slug)s”.") % {"slug": slug}, code="unknown_topic")
    return topic


def topic_filter(slug: str | None) -> Topic | None:
    """The topic a list is filtered by (`?topic=`): None when there is no slug; an
    unknown one is refused (400, "unknown_topic", field "topic"), so a mistyped
    filter is noticed rather than giving an empty list."""
    if not slug:
        return None
    topic = topic_with_slug(slug)
    if topic is None:
        raise DomainError("unknown_topic", _("There is no such topic."), field="topic")
    return topic


def topics_by_slugs(slugs: Iterable[str]) -> dict[str, Topic]:
    """The topics with these slugs, by slug, in one query; a slug no topic has is left out."""
    return {topic.slug: topic for topic in Topic.objects.filter(slug__in=list(slugs))}


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name in the active language) of every topic, for a form's select."""
    return [(topic.slug, topic.name) for topic in topic_list()]
