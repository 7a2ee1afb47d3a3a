"""Near-duplicate reports: MinHash signatures of a case's text and their LSH buckets.

Two reports of one event share most of their short runs of characters (shingles)
however their reporters worded the rest, in Chinese without any segmentation. A
signature keeps, for each of `PERMUTATIONS` hash functions, the smallest hash of the
text's shingles; the share of positions two signatures agree on estimates the Jaccard
similarity of their shingle sets. The signature is cut into `BANDS` bands of `ROWS`
values, and each band is hashed to one bucket: two texts land in a common bucket with a
probability that rises steeply around `CANDIDATE_SIMILARITY`, so a lookup reads a few
dozen index entries instead of every case (`CaseLshBucket`).

The text is compared as it is stored (after redaction: the tokens that replace personal
data are dropped, so that two reports differing only in a removed phone number are the
same text) and folded (`minjian.core.text.fold`: full-width to plain, lower case,
traditional characters to simplified), so that 汙染 and 污染 count as one.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence

from rensa import RMinHash

from minjian.core.text import fold

PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
# Each case's signature is made with the same hash functions forever: changing the seed
# or the number of permutations means rebuilding every fingerprint (`rebuild_similarity`).
SEED = 20111723
SHINGLE = 3
# Around here two texts have an even chance of sharing a bucket: (1 / BANDS) ** (1 / ROWS).
CANDIDATE_SIMILARITY = (1 / BANDS) ** (1 / ROWS)

# Stored text's tokens for removed personal data and its escaped "[[".
_STORED_MARKUP = re.compile(r"\[\[(?:\]\]|redacted:[a-z_]+\]\])")
# Punctuation, symbols and runs of space carry nothing of what happened.
_NOT_WORDS = re.compile(r"[\W_]+")

Signature = Sequence[int]


def comparable_text(title: str, description: str) -> str:
    """A case's stored title and description as they are compared: markup dropped,
    folded, words kept with one space between runs."""
    text = _STORED_MARKUP.sub(" ", f"{title}\n{description}")
    return _NOT_WORDS.sub(" ", fold(text)).strip()


def shingles(text: str) -> set[str]:
    """Every run of `SHINGLE` characters of comparable text (the whole text if shorter)."""
    if len(text) <= SHINGLE:
        return {text} if text else set()
    return {text[start : start + SHINGLE] for start in range(len(text) - SHINGLE + 1)}


def signature(title: str, description: str) -> list[int]:
    """The MinHash signature of a case's stored text: `PERMUTATIONS` unsigned 32-bit values."""
    minhash = RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update(sorted(shingles(comparable_text(title, description))))
    return list(minhash.digest())


def similarity(first: Signature, second: Signature) -> float:
    """The estimated Jaccard similarity of two texts: the share of equal positions."""
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / PERMUTATIONS


def buckets(signature_values: Signature) -> list[int]:
    """The signed 64-bit bucket of each band (its number hashed in, so one column holds all)."""
    found = []
    for band in range(BANDS):
        values = array("I", signature_values[band * ROWS : (band + 1) * ROWS])
        digest = hashlib.blake2b(
            values.tobytes(), digest_size=8, person=band.to_bytes(2, "little")
        ).digest()
        found.append(int.from_bytes(digest, "little", signed=True))
    return found


def to_bytes(signature_values: Signature) -> bytes:
    return array("I", signature_values).tobytes()


def from_bytes(stored: bytes) -> list[int]:
    values = array("I")
    values.frombytes(bytes(stored))
    return list(values)
