"""Personal data written every way people write it is always found and leaves no trace;
ordinary numbers are never touched."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.redaction import Kind, find_personal_data, preview, redact
from minjian.redaction.normalise import fold
from minjian.redaction.tests.strategies import Embedded, embedded, ordinary_texts, resident_ids
from minjian.redaction.text import escape_stored_markup, token

ASCII_DIGIT = re.compile(r"[0-9]")


@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_personal_data_in_any_written_form_is_always_found(kind: Kind) -> None:
    @given(embedded(kind))
    @settings(max_examples=300)
    def check(example: Embedded) -> None:
        findings = find_personal_data(example.text)
        assert [(f.kind, f.start, f.end) for f in findings] == [
            (example.kind, example.start, example.end)
        ], example

    check()


@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_redacted_text_keeps_nothing_of_the_value(kind: Kind) -> None:
    @given(embedded(kind))
    @settings(max_examples=100)
    def check(example: Embedded) -> None:
        redacted = redact(example.text)
        before, after = example.text[: example.start], example.text[example.end :]
        assert redacted.text == (
            escape_stored_markup(before) + token(kind) + escape_stored_markup(after)
        )
        # Read the way the detector reads (full-width and Chinese numerals as digits):
        # the words around the value hold no digit, so any digit left would be the value's.
        assert not ASCII_DIGIT.search(fold(redacted.text).text)
        assert redacted.removed == {kind: 1}

    check()


@given(ordinary_texts())
@settings(max_examples=500)
def test_dates_prices_case_numbers_and_quantities_stay(text: str) -> None:
    assert find_personal_data(text) == []
    assert redact(text).text == text


@given(resident_ids(), st.integers(1, 10))
def test_an_id_with_any_other_check_character_is_not_read_as_an_id(number: str, shift: int) -> None:
    check_characters = "0123456789X"
    wrong = check_characters[(check_characters.index(number[17].upper()) + shift) % 11]
    findings = find_personal_data(f"档案 {number[:17]}{wrong} 已归档")
    assert Kind.ID_NUMBER not in {finding.kind for finding in findings}


@given(st.one_of([embedded(kind) for kind in Kind]))
@settings(max_examples=200)
def test_the_preview_shows_at_most_two_characters_of_a_value(example: Embedded) -> None:
    [item] = preview(example.text)
    assert (item.kind, item.start, item.end) == (example.kind, example.start, example.end)
    assert len(item.masked) == example.end - example.start
    assert sum(character.isalnum() for character in item.masked) <= 2
