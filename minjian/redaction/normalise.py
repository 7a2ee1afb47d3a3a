"""The view of user text that the detectors read, traced back to the original characters.

Reporters write numbers in many ways: full-width digits from a Chinese input method,
"一三八…" or "幺三八…" read out and typed as words, zero-width spaces pasted from a chat.
The detectors match one folded form of the text; every folded character remembers the
original character it came from, so that a finding removes exactly what the reporter typed.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Chinese numerals as they are used to spell out a number digit by digit. 幺 is how "1" is
# read in phone numbers and 两 how "2" often is; ○ stands in for 〇 in many typed texts.
# Positional numerals (十, 百, 千, 万) are left alone: they write quantities, not numbers
# that identify anyone. A numeral next to another Chinese character is a word, not a digit:
# 一 and 两 are also words ("一直", "两个"), and "13812345678一直打不通" keeps its eleven
# digits.
CHINESE_DIGITS = {
    "零": "0",
    "〇": "0",
    "○": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "两": "2",
    "兩": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_CHINESE_DIGIT = re.compile(f"[{''.join(CHINESE_DIGITS)}]")


@lru_cache(maxsize=8192)
def fold_character(character: str) -> str:
    """The folded form of one character: NFKC, any decimal digit as ASCII, no invisibles.

    Chinese numerals are left to `fold`, which sees their neighbours.

    The result may be empty (a zero-width space) or longer than one character (NFKC
    expands some compatibility characters).
    """
    if unicodedata.category(character) == "Cf":
        # Zero-width spaces and joiners, soft hyphens, direction marks: invisible, and
        # able to split a number so that no pattern sees it.
        return ""
    folded = unicodedata.normalize("NFKC", character)
    return "".join(_ascii_digit(folded_character) for folded_character in folded)


def _ascii_digit(character: str) -> str:
    digit = unicodedata.decimal(character, None)
    return character if digit is None else str(digit)


@dataclass(frozen=True)
class FoldedText:
    """`text` folded, and for each of its characters the index of its original character."""

    original: str
    text: str
    origins: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the folded span `[start, end)` came from."""
        return self.origins[start], self.origins[end - 1] + 1


def fold(original: str) -> FoldedText:
    """`original` as the detectors read it, each character traced back to where it came from."""
    if original.isascii():
        # Plain ASCII folds to itself; most English text takes this path.
        return FoldedText(original=original, text=original, origins=range(len(original)))
    pieces = list(map(fold_character, original))
    for numeral in _CHINESE_DIGIT.finditer(original):
        if _reads_as_digit(original, numeral.start()):
            pieces[numeral.start()] = CHINESE_DIGITS[numeral.group()]
    text = "".join(pieces)
    if len(text) == len(original) and all(len(piece) == 1 for piece in pieces):
        # Each character folded to one: the common case, positions are unchanged.
        return FoldedText(original=original, text=text, origins=range(len(original)))
    origins = tuple(
        itertools.chain.from_iterable(
            itertools.repeat(index, len(piece)) for index, piece in enumerate(pieces)
        )
    )
    return FoldedText(original=original, text=text, origins=origins)


def _reads_as_digit(text: str, index: int) -> bool:
    """Whether the Chinese numeral at `index` is a digit: one of several, or not in a word."""
    neighbours = (text[index - 1] if index > 0 else "", text[index + 1 : index + 2])
    if any(neighbour in CHINESE_DIGITS for neighbour in neighbours if neighbour):
        return True
    return not any(_is_chinese_word_character(neighbour) for neighbour in neighbours)


def _is_chinese_word_character(character: str) -> bool:
    return bool(character) and not character.isascii() and character.isalpha()
