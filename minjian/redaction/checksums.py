"""The check digits that tell an identity or card number from any other run of digits."""

from __future__ import annotations

# GB 11643-1999: the 18th character of a resident ID number is the ISO 7064 MOD 11-2
# check character of the first 17 digits. Weight i is 2^(17 - i) mod 11.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARACTERS = "10X98765432"


def resident_id_check_character(first_17_digits: str) -> str:
    """The check character ("0"-"9" or "X") for the first 17 digits of a resident ID number."""
    if len(first_17_digits) != 17 or not first_17_digits.isascii() or not first_17_digits.isdigit():
        raise ValueError("a resident ID number starts with 17 ASCII digits")
    total = sum(
        int(digit) * weight
        for digit, weight in zip(first_17_digits, RESIDENT_ID_WEIGHTS, strict=True)
    )
    return RESIDENT_ID_CHECK_CHARACTERS[total % 11]


def luhn_is_valid(digits: str) -> bool:
    """Whether `digits` (ASCII digits only) end in a correct Luhn (ISO/IEC 7812) check digit."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
