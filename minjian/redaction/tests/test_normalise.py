from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minjian.redaction.normalise import fold


def test_full_width_digits_and_chinese_numerals_read_as_digits() -> None:
    assert fold("１３８　幺三八两〇○零").text == "138 1382000"


def test_digits_of_other_scripts_read_as_ascii_digits() -> None:
    assert fold("٣٨ ३८").text == "38 38"


def test_zero_width_characters_are_dropped_but_traced() -> None:
    folded = fold("1\u200b3\u200d8\ufeff")
    assert folded.text == "138"
    assert folded.original_span(0, 3) == (0, 5)


def test_a_character_that_expands_keeps_its_own_place() -> None:
    # NFKC writes ㍻ as 平成 (two characters) and ﬁ as fi.
    folded = fold("㍻ﬁ12")
    assert folded.text == "平成fi12"
    assert folded.original_span(4, 6) == (2, 4)
    assert folded.original_span(0, 2) == (0, 1)


@given(st.text())
def test_every_folded_character_comes_from_a_character_in_order(text: str) -> None:
    folded = fold(text)
    assert len(folded.origins) == len(folded.text)
    assert list(folded.origins) == sorted(folded.origins)
    assert all(0 <= origin < len(text) for origin in folded.origins)


def test_a_chinese_numeral_inside_a_word_stays_a_word() -> None:
    assert fold("13812345678一直打不通。打了一次").text == "13812345678一直打不通。打了一次"
    assert fold("两个人：一三八").text == "两个人:138"


def test_a_lone_chinese_numeral_among_digits_or_letters_is_a_digit() -> None:
    assert fold("1３8一２３ 四. 京A三B").text == "138123 4. 京A3B"
