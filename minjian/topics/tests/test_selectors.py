"""The reads of topics that forms and pages make."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from minjian.core.errors import NotFound
from minjian.topics import selectors


def test_topic_choices_are_in_the_active_language(db: Any) -> None:
    with translation.override("en"):
        english = selectors.topic_choices()
    with translation.override("zh-hans"):
        chinese = selectors.topic_choices()

    assert english[:2] == [("environment", "Environment"), ("labour", "Labour")]
    assert chinese[-1] == ("other", "其他")
    assert len(english) == len(chinese) == 11


def test_a_topic_is_found_by_its_slug(db: Any) -> None:
    assert selectors.topic_by_slug(" health ").name_en == "Health"


def test_an_unknown_slug_is_not_found(db: Any) -> None:
    with pytest.raises(NotFound) as refused:
        selectors.topic_by_slug("weather")

    assert refused.value.code == "unknown_topic"
