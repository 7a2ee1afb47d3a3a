"""The similarity engine's promises: a text is its own best match, the measure is
symmetric and bounded, the written form of a character (traditional or simplified,
full-width or not) and the tokens of removed personal data change nothing, stored
signatures come back as they were, buckets depend on the signature alone, the text
similarity is never below the Jaccard similarity and counts the overlap only where it can
be estimated, and on the project's corpus of rewritten reports the default threshold
finds rewrites that change up to 10 % of the characters (recall ≥ 0.9 at precision
≥ 0.9) and a reporter's first lines of what a case says."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.similar_corpus import (
    ALL,
    EDIT_RATES,
    FIRST_LINES_SHARES,
    Quality,
    edit_label,
    evaluate,
    first_lines_label,
    load_reports,
)
from minjian.cases import similarity
from minjian.redaction import Kind

_TO_TRADITIONAL = opencc.OpenCC("s2t")

# Chinese, English and the symbols between them, from the kind of text reports hold.
_REPORT_CHARACTERS = st.sampled_from(
    list("淮河边造纸厂夜里偷排黑水，村民闻着臭味。工资拖欠三个月！学校食堂")
    + list("The river smells of chemicals at night; 12 fish died. ")
)
_TEXT = st.text(_REPORT_CHARACTERS, max_size=60) | st.text(max_size=40)
_VALUES = st.lists(
    st.integers(0, 2**32 - 1), min_size=similarity.PERMUTATIONS, max_size=similarity.PERMUTATIONS
)
_TOKENS = st.sampled_from([f"[[redacted:{kind.value}]]" for kind in Kind] + ["[[]]"])


def _signature(text: tuple[str, str]) -> list[int]:
    return similarity.signature(*text)


def _fingerprint(text: tuple[str, str]) -> similarity.Fingerprint:
    return similarity.fingerprint(*text)


@given(st.tuples(_TEXT, _TEXT), st.tuples(_TEXT, _TEXT))
def test_text_similarity_is_symmetric_bounded_and_never_below_jaccard(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    forward = similarity.text_similarity(_fingerprint(first), _fingerprint(second))

    assert forward == similarity.text_similarity(_fingerprint(second), _fingerprint(first))
    assert similarity.similarity(_signature(first), _signature(second)) <= forward <= 1.0


@given(st.floats(0.0, 1.0), st.integers(0, 10_000), st.integers(0, 10_000))
def test_overlap_is_a_share_of_the_smaller_set(
    jaccard: float, first_size: int, second_size: int
) -> None:
    assert 0.0 <= similarity.overlap(jaccard, first_size, second_size) <= 1.0
    assert similarity.overlap(jaccard, first_size, second_size) == similarity.overlap(
        jaccard, second_size, first_size
    )


def test_overlap_of_a_set_within_another_is_whole() -> None:
    # 30 of 90 shingles: Jaccard 1/3.
    assert similarity.overlap(1 / 3, 30, 90) == pytest.approx(1.0)
    assert similarity.overlap(0.0, 30, 90) == 0.0


def test_a_text_wholly_within_a_case_scores_as_a_close_rewrite() -> None:
    case = (
        "淮河颍上段造纸厂夜间偷排污水",
        "村民反映每天晚上十点以后，造纸厂的排污口就开始往淮河里排黑水，"
        "河面漂着白沫，下游的鱼塘死了很多鱼，孩子们在河边玩耍后皮肤发痒起红疹，"
        "村委会去厂里反映过两次，厂里说已经整改，但是晚上照样排放。",
    )
    retelling = (case[0], case[1][:20])
    written, stored = _fingerprint(retelling), _fingerprint(case)
    assert similarity.similarity(written.signature, stored.signature) < similarity.DEFAULT_THRESHOLD

    assert similarity.text_similarity(written, stored) >= similarity.DEFAULT_THRESHOLD


def test_overlap_is_left_out_for_tiny_texts_and_far_apart_sizes() -> None:
    case = _fingerprint(
        ("淮河污染", "造纸厂排污" * 20 + "村民闻着臭味，鱼塘死鱼，孩子皮肤起疹子" * 5)
    )
    tiny = _fingerprint(("", "造纸厂排污"))
    assert tiny.size < similarity.MIN_OVERLAP_SHINGLES

    assert similarity.text_similarity(tiny, case) == similarity.similarity(
        tiny.signature, case.signature
    )


@given(st.tuples(_TEXT, _TEXT))
def test_a_text_is_wholly_similar_to_itself(text: tuple[str, str]) -> None:
    assert similarity.similarity(_signature(text), _signature(text)) == 1.0


@given(st.tuples(_TEXT, _TEXT), st.tuples(_TEXT, _TEXT))
def test_similarity_is_symmetric_and_between_zero_and_one(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    forward = similarity.similarity(_signature(first), _signature(second))
    assert forward == similarity.similarity(_signature(second), _signature(first))
    assert 0.0 <= forward <= 1.0


# Sentences of the corpus's simplified reports that are written differently in
# traditional characters.
_SIMPLIFIED = sorted(
    {
        sentence
        for report in load_reports()
        if report.language == "zh-Hans"
        for sentence in report.description.split("。")
        if _TO_TRADITIONAL.convert(sentence) != sentence
    }
)


@given(st.lists(st.sampled_from(_SIMPLIFIED), min_size=1, max_size=4), st.sampled_from(_SIMPLIFIED))
def test_the_same_report_in_traditional_characters_has_the_same_signature(
    sentences: list[str], title: str
) -> None:
    description = "。".join(sentences)
    traditional = (_TO_TRADITIONAL.convert(title), _TO_TRADITIONAL.convert(description))

    assert traditional != (title, description)
    assert similarity.signature(*traditional) == similarity.signature(title, description)


@given(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.just(" ")))
def test_full_width_letters_and_digits_are_the_plain_ones(text: str) -> None:
    full_width = "".join(
        "\u3000" if character == " " else chr(ord(character) + 0xFEE0) for character in text
    )

    assert similarity.signature("", full_width) == similarity.signature("", text)


@given(_TEXT, _TEXT, _TEXT, st.lists(_TOKENS, min_size=1, max_size=3))
def test_tokens_of_removed_personal_data_do_not_count(
    title: str, before: str, after: str, tokens: list[str]
) -> None:
    with_tokens = f"{before} {' '.join(tokens)} {after}"

    assert similarity.signature(title, with_tokens) == similarity.signature(
        title, f"{before} {after}"
    )


def test_two_reports_differing_only_in_a_removed_phone_number_are_the_same_text() -> None:
    stored = "老板跑了，我的电话[[redacted:mobile]]，请联系。"

    assert similarity.signature("工资拖欠", stored) == similarity.signature(
        "工资拖欠", "老板跑了，我的电话，请联系。"
    )
    assert not any(
        "redact" in shingle or "mobile" in shingle
        for shingle in similarity.shingles(similarity.comparable_text("Unpaid", stored))
    )


@given(_VALUES)
def test_a_stored_signature_comes_back_as_it_was(values: list[int]) -> None:
    stored = similarity.to_bytes(values)

    assert len(stored) == 4 * similarity.PERMUTATIONS
    assert similarity.from_bytes(stored) == values
    assert similarity.from_bytes(memoryview(stored)) == values


@given(_VALUES, _VALUES)
def test_buckets_depend_on_each_band_of_the_signature_alone(
    values: list[int], others: list[int]
) -> None:
    found = similarity.buckets(values)

    assert found == similarity.buckets(tuple(values))
    assert found == similarity.buckets(similarity.from_bytes(similarity.to_bytes(values)))
    assert len(set(found)) == similarity.BANDS
    assert all(-(2**63) <= bucket < 2**63 for bucket in found)
    # A signature that agrees with another in a band shares that band's bucket.
    width = similarity.ROWS
    mixed = others[:width] + values[width:]
    assert similarity.buckets(mixed)[1:] == found[1:]
    assert similarity.buckets(mixed)[0] == similarity.buckets(others)[0]


def test_equal_texts_have_equal_buckets_and_a_different_text_other_ones() -> None:
    text = ("淮河边造纸厂夜间偷排黑水", "每天夜里十点以后，排污口流出黑色的污水，河面上漂着死鱼。")
    other = ("学校食堂饭菜发馊", "孩子们中午吃的米饭有馊味，青菜里有虫子，家长多次反映没有结果。")

    assert similarity.buckets(_signature(text)) == similarity.buckets(_signature(text))
    assert set(similarity.buckets(_signature(text))).isdisjoint(
        similarity.buckets(_signature(other))
    )


@pytest.fixture(scope="module")
def corpus_quality() -> Quality:
    return evaluate(load_reports(), similarity.DEFAULT_THRESHOLD)


@pytest.mark.parametrize("rate", [rate for rate in EDIT_RATES if rate <= 0.10])
@pytest.mark.parametrize("language", [ALL, "zh-Hans", "zh-Hant", "en"])
def test_rewrites_changing_up_to_a_tenth_of_the_characters_are_found_at_the_default_threshold(
    corpus_quality: Quality, rate: float, language: str
) -> None:
    score = corpus_quality.score(edit_label(rate), language)

    assert score.expected > 0
    assert score.recall >= 0.9
    assert score.precision >= 0.9


@pytest.mark.parametrize("share", FIRST_LINES_SHARES)
def test_a_reports_title_and_first_lines_find_it_at_the_default_threshold(
    corpus_quality: Quality, share: float
) -> None:
    score = corpus_quality.score(first_lines_label(share))

    assert score.expected > 0
    assert score.recall >= 0.9
    assert score.precision >= 0.9


def test_pairs_above_the_default_threshold_share_a_bucket(corpus_quality: Quality) -> None:
    assert corpus_quality.above_threshold > 1000
    assert corpus_quality.candidate_recall >= 0.95
