"""Region names as they are compared when someone types one.

A name and a query are folded the same way (`name_key`): simplified characters,
lower case, no tone marks or other accents, and nothing but letters, so that
"懷遠", "Huái yuǎn", "huai2 yuan3" and "Jiang'an" meet "怀远", "huaiyuan" and
"jiangan". The keys of a region are made by the loader (`services.search_keys`).
"""

from __future__ import annotations

import re
import unicodedata

from minjian.core.text import fold

# Letters of any script; digits and everything else (spaces, apostrophes, dashes,
# the tone numbers of "huai2") are left out.
_NOT_A_LETTER = re.compile(r"[\W\d_]+")


def name_key(text: str) -> str:
    without_marks = "".join(
        char
        for char in unicodedata.normalize("NFKD", fold(text))
        if not unicodedata.combining(char)
    )
    return _NOT_A_LETTER.sub("", without_marks)
