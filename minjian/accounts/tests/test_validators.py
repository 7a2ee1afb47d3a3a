"""The pseudonym rules, checked over many generated names."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from minjian.accounts.services import clean_pseudonym
from minjian.core.errors import DomainError

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
allowed = st.sampled_from(string.ascii_letters + string.digits + "_-.") | cjk
forbidden = st.sampled_from(" @+/\\<>'\"&#%?:;,!\t\n")


@given(st.text(alphabet=allowed, min_size=3, max_size=40))
def test_pseudonyms_of_letters_chinese_digits_and_marks_are_accepted_as_typed(
    pseudonym: str,
) -> None:
    assert clean_pseudonym(pseudonym) == pseudonym


@given(
    st.text(alphabet=allowed, max_size=20),
    forbidden,
    st.text(alphabet=allowed, max_size=20),
)
def test_any_other_character_is_refused(before: str, bad: str, after: str) -> None:
    pseudonym = before + bad + after
    # Surrounding blanks are trimmed, as a form would.
    assume(pseudonym.strip() == pseudonym)
    with pytest.raises(DomainError) as refused:
        clean_pseudonym(pseudonym)
    assert refused.value.code == "invalid_pseudonym"


@given(st.text(max_size=60))
def test_whatever_is_typed_is_refused_or_stored_within_the_rules(typed: str) -> None:
    try:
        pseudonym = clean_pseudonym(typed)
    except DomainError as refused:
        assert refused.field == "username"
        return
    assert 3 <= len(pseudonym) <= 40
    assert re.fullmatch(r"[\w.-]+", pseudonym)


@pytest.mark.parametrize("too_short", ["", "a", "河边"])
def test_pseudonyms_under_three_characters_are_refused(too_short: str) -> None:
    with pytest.raises(DomainError):
        clean_pseudonym(too_short)
