"""The text normalisation shared by the index and the queries."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.search.text import fold, index_terms, query_terms

TERM = re.compile(r"[^\W_]+")
# Letters of both scripts, digits, punctuation of both, full-width forms, spaces.
mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from("abcXYZ019 -_.,;!?，。、！？“”《》\n\t"),
        st.characters(),
    ),
    max_size=80,
)
# Pairs of the same words in traditional and simplified characters.
TRADITIONAL_AND_SIMPLIFIED = [
    ("淮河汙染", "淮河污染"),
    ("工廠排放廢水", "工厂排放废水"),
    ("拖欠農民工工資", "拖欠农民工工资"),
    ("學校門口沒有紅綠燈", "学校门口没有红绿灯"),
    ("臺灣", "台湾"),
]


@given(mixed_text)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_terms_of_letters_and_digits_only(text: str) -> None:
    for term in index_terms(text) + query_terms(text):
        assert TERM.fullmatch(term), term


@given(mixed_text)
@settings(max_examples=300, deadline=None)
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(mixed_text)
@settings(max_examples=200, deadline=None)
def test_folded_text_has_the_same_terms(text: str) -> None:
    assert query_terms(fold(text)) == query_terms(text)
    assert index_terms(fold(text)) == index_terms(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-'"))
@settings(max_examples=200, deadline=None)
def test_latin_text_is_split_at_anything_but_letters_and_digits_in_any_case(text: str) -> None:
    expected = TERM.findall(text.lower())
    assert query_terms(text.upper()) == list(dict.fromkeys(expected))
    assert index_terms(text) == expected


def test_traditional_and_simplified_characters_give_the_same_terms() -> None:
    for traditional, simplified in TRADITIONAL_AND_SIMPLIFIED:
        assert query_terms(traditional) == query_terms(simplified)
        assert index_terms(traditional) == index_terms(simplified)


def test_full_width_letters_and_digits_are_plain_ones() -> None:
    assert query_terms("ＲＩＶＥＲ　１２３４５") == ["river", "12345"]


def test_a_document_also_holds_the_shorter_words_inside_a_long_one() -> None:
    terms = index_terms("造纸厂向淮河排污")
    assert {"造纸厂", "造纸", "纸厂", "淮河", "排污"} <= set(terms)
    assert query_terms("造纸厂排污") == ["造纸厂", "排污"]


def test_punctuation_and_spaces_are_never_terms() -> None:
    assert query_terms("，。！?  -- ...") == []
    assert query_terms("“污染”！！") == ["污染"]


def test_a_document_holds_a_word_that_overlaps_the_words_it_was_cut_into() -> None:
    # Cut 直 / 排污 / 水: the text holds 污水 all the same.
    assert "污水" not in query_terms("直排污水")
    assert "污水" in index_terms("造纸厂夜间向河里直排污水")
    assert set(query_terms("污水 造纸厂")) <= set(index_terms("造纸厂夜间向河里直排污水"))
