"""Near-duplicate reports: MinHash signatures of a case's text and their LSH buckets.

Two reports of one event share most of their short runs of characters (shingles)
however their reporters worded the rest, in Chinese without any segmentation. A
signature keeps, for each of `PERMUTATIONS` hash functions, the smallest hash of the
text's shingles; the share of positions two signatures agree on estimates the Jaccard
similarity of their shingle sets. The first `BANDS` × `ROWS` values are cut into
`BANDS` bands of `ROWS` values, and each band is hashed to one bucket: two texts land
in a common bucket with a probability that rises steeply around `CANDIDATE_SIMILARITY`,
so a lookup reads a few hundred index entries at a million cases instead of every case
(`CaseLshBucket`).

The text is compared as it is stored (after redaction: the tokens that replace personal
data are dropped, so that two reports differing only in a removed phone number are the
same text) and folded (`minjian.core.text.fold`: full-width to plain, lower case,
traditional characters to simplified), so that 汙染 and 污染 count as one.

Every figure below was chosen by measurement on the project's corpus of rewritten
reports (`bench/data/similar_corpus/`, `bench/similarity.py --sweep`; the results are in
docs/benchmarks.md, "Similar reports: signatures and quality").
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Collection, Sequence

from rensa import RMinHash  # type: ignore[import-untyped]  # rensa ships no type hints

from minjian.core.text import fold

PERMUTATIONS = 128
BANDS = 20
ROWS = 3
# Each case's signature is made with the same hash functions forever, and its buckets
# from the same bands: changing the seed, the shingles, the number of permutations or
# the bands means rebuilding every fingerprint (`rebuild_similarity`).
SEED = 20111723
# Chinese (and Japanese, Korean) characters and digits are shingled in pairs: one
# character is nearly a syllable, so a pair is about a word, and a changed character
# spoils two shingles. Other scripts in runs of four characters: English pairs or
# triples are shared by any two texts ("th", "ing").
IDEOGRAPHIC_SHINGLE = 2
ALPHABETIC_SHINGLE = 4
# Around here two texts have an even chance of sharing a bucket: (1 / BANDS) ** (1 / ROWS).
# 20 bands of 3 rows: a pair at 0.4 shares a bucket 73 % of the time, at 0.5 93 %, at
# 0.6 99 %. 4 rows meet ten times fewer unrelated cases but find fewer rewrites even with
# 32 bands (32 rows a case in the bucket table, not 20); 16 × 3 loses a tenth of the
# English ones.
CANDIDATE_SIMILARITY = (1 / BANDS) ** (1 / ROWS)
# The text similarity from which two cases are offered as one story. On the corpus, a
# report with 10 % of its characters changed scores 0.70 against its original at the
# median (0.49 at the 5th percentile), one in traditional characters 1.0, and reports of
# other events of the same topic and place at most 0.2. Another reporter's own words
# score about 0.16: too far from the original in characters to be found by text alone.
DEFAULT_THRESHOLD = 0.4

# Stored text's tokens for removed personal data and its escaped "[[".
_STORED_MARKUP = re.compile(r"\[\[(?:\]\]|redacted:[a-z_]+\]\])")
# Punctuation, symbols and runs of space carry nothing of what happened.
_NOT_WORDS = re.compile(r"[\W_]+")
# Chinese (with Japanese and Korean) characters, and digits, which Chinese writes among them.
_IDEOGRAPHS = (
    "0-9\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
# A run of them, or a run of anything else.
_RUN = re.compile(f"([{_IDEOGRAPHS}]+)|([^{_IDEOGRAPHS}]+)")

# Each band's number shifted into the high bits, and where its values lie in the
# signature's bytes.
_BANDS = [(band << 32, band * 4 * ROWS, (band + 1) * 4 * ROWS) for band in range(BANDS)]

Signature = Sequence[int]


def comparable_text(title: str, description: str) -> str:
    """A case's stored title and description as they are compared: markup dropped,
    folded, words kept with one space between runs."""
    # Punctuation goes before folding too: Chinese text is full of full-width commas and
    # stops, which fail NFKC's quick check and make it normalise the whole text.
    text = _NOT_WORDS.sub(" ", _STORED_MARKUP.sub(" ", f"{title}\n{description}"))
    return _NOT_WORDS.sub(" ", fold(text)).strip()


def shingles(
    text: str,
    ideographic: int = IDEOGRAPHIC_SHINGLE,
    alphabetic: int = ALPHABETIC_SHINGLE,
) -> set[str]:
    """The shingles of comparable text: every run of `ideographic` characters within a
    run of Chinese characters and digits, every run of `alphabetic` characters within the
    text between them (spaces included, so that neighbouring words count), and a run
    shorter than its shingle whole."""
    found: set[str] = set()
    for ideographs, other in _RUN.findall(text):
        part, size = (ideographs, ideographic) if ideographs else (other.strip(), alphabetic)
        if len(part) > size:
            found.update([part[start : start + size] for start in range(len(part) - size + 1)])
        elif part:
            found.add(part)
    return found


def signature(title: str, description: str) -> list[int]:
    """The MinHash signature of a case's stored text: `PERMUTATIONS` unsigned 32-bit values."""
    return minhash(shingles(comparable_text(title, description)))


def minhash(shingle_set: Collection[str]) -> list[int]:
    """The MinHash signature of a set of shingles."""
    made = RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    # rensa reads a list about twice as fast as a set.
    made.update(list(shingle_set))
    return list(made.digest())


def similarity(first: Signature, second: Signature) -> float:
    """The estimated Jaccard similarity of two texts: the share of equal positions."""
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / PERMUTATIONS


def buckets(signature_values: Signature) -> list[int]:
    """One bucket per band: the band's number in the high 32 bits (so that one indexed
    column holds all bands), the CRC-32 of its values in the low 32. Minimum hashes are
    already uniform; the CRC only folds a band into one number, cheaply (at a million
    cases an unrelated text shares a bucket by chance with about 0.005 cases)."""
    packed = array("I", signature_values[: BANDS * ROWS]).tobytes()
    return [band | zlib.crc32(packed[start:end]) for band, start, end in _BANDS]


def to_bytes(signature_values: Signature) -> bytes:
    return array("I", signature_values).tobytes()


def from_bytes(stored: bytes | memoryview) -> list[int]:
    values = array("I")
    values.frombytes(bytes(stored))
    return list(values)
