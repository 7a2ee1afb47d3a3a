"""How often the brake would hold text that exposes nobody, measured on what the project
has: every text of the demo instance, and the redaction corpus (bench/data), whose
sentences were written as reports are, with names, numbers and places. A sentence is
held only if it truly names a private person with her personal data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path

from django.conf import settings

from minjian.demo import content
from minjian.redaction import exposure_reasons

REDACTION_CORPUS = Path(settings.BASE_DIR) / "bench" / "data" / "redaction_corpus.jsonl"

# The sentences of the redaction corpus that do name a private person with a number of hers.
EXPOSING = {
    "工友老李的身份证是 341202 19560619 0597，已经六十八岁了还在搬砖。",
    "联系人：刘女士，电话 186-5512-3344。",
    "志愿者名单：李明 138-1111-2222，王芳 139-3333-4444，2024年2月1日报名。",
    "请转告：张师傅电话 13600001111，李师傅电话 13700002222。",
}


def texts_of(value: object) -> Iterator[str]:
    """Every string in the demo's content, however deep in its records."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from texts_of(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from texts_of(getattr(value, field.name))


def test_no_text_of_the_demo_is_held() -> None:
    demo = [text for name in dir(content) for text in texts_of(getattr(content, name))]
    assert len(demo) > 300  # the cases, their responses, the organisations, the aid stories

    assert [text for text in demo if exposure_reasons(text)] == []


def test_the_redaction_corpus_holds_exactly_the_sentences_that_expose_a_person() -> None:
    sentences = [
        json.loads(line)["text"] for line in REDACTION_CORPUS.read_text("utf-8").splitlines()
    ]
    assert len(sentences) > 200

    held = {sentence for sentence in sentences if exposure_reasons(sentence)}

    assert held == EXPOSING
