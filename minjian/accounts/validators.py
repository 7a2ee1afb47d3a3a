"""What a pseudonym may look like."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.validators import MinLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

PSEUDONYM_MIN_LENGTH = 3
PSEUDONYM_MAX_LENGTH = 40


class PseudonymCharactersValidator(RegexValidator):
    """Letters of any script (Chinese included), digits, and `_`, `-`, `.`.

    No spaces, `@` or `+`, so that a pseudonym is never mistaken for an e-mail
    address or a phone number and reads the same in a URL.
    """

    # In a str pattern `\w` is Unicode-aware: it takes 汉字 and letters of every script.
    regex = r"^[\w.-]+\Z"
    message = _("A pseudonym may contain only letters (Chinese too), digits, and _ - .")
    flags = 0


pseudonym_validators: list[Callable[[Any], None]] = [
    MinLengthValidator(PSEUDONYM_MIN_LENGTH),
    PseudonymCharactersValidator(),
]
