from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minjian.redaction.checksums import luhn_is_valid, resident_id_check_character
from minjian.redaction.tests import strategies


@pytest.mark.parametrize(
    "resident_id",
    # The example in GB 11643-1999 itself, and a widely published one with a digit.
    ["11010519491231002X", "440524188001010014"],
)
def test_published_resident_ids_have_the_check_character_computed(resident_id: str) -> None:
    assert resident_id_check_character(resident_id[:17]) == resident_id[17]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_agrees_with_the_iso_7064_formula(first_17: str) -> None:
    expected = strategies.resident_id_check_character(first_17)
    assert resident_id_check_character(first_17) == expected


@pytest.mark.parametrize(
    "first_17", ["1101051949123100", "110105194912310021", "1101051949１２３１００２"]
)
def test_check_character_needs_exactly_17_ascii_digits(first_17: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        resident_id_check_character(first_17)


@pytest.mark.parametrize("number", ["4111111111111111", "79927398713", "6222021234567894"])
def test_luhn_accepts_published_valid_numbers(number: str) -> None:
    assert luhn_is_valid(number)


@given(st.text(alphabet="0123456789", min_size=12, max_size=18), st.integers(1, 9))
def test_luhn_refuses_any_other_last_digit(payload: str, shift: int) -> None:
    check = strategies.luhn_check_digit(payload)
    assert luhn_is_valid(payload + check)
    assert not luhn_is_valid(payload + str((int(check) + shift) % 10))
