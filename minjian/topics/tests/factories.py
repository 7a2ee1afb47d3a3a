"""Topics for tests of any app."""

from __future__ import annotations

from minjian.topics.catalogue import DEFAULT_TOPICS
from minjian.topics.models import Topic


def ensure_default_topics() -> None:
    """What the topics' data migration wrote, written again if a transactional test's
    flush removed it."""
    for position, (slug, name_zh, name_en) in enumerate(DEFAULT_TOPICS):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )
