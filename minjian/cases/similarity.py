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

Jaccard similarity alone misses a short retelling of a long report: a reporter who
writes the title and the first lines of what a case says shares most of her shingles
with it, but the case's other shingles make the union large, and a text a third as long
as the case scores about a third however much of it the case holds. So the text
similarity of two texts (`text_similarity`) is the larger of their Jaccard similarity
and their overlap (the share of the smaller set that the larger one holds, estimated
from the signatures and the two sets' sizes), discounted so that a text wholly
contained in another counts as much as a rewrite with a tenth of its characters changed.

The text is compared as it is stored (after redaction: the tokens that replace personal
data are dropped, so that two reports differing only in a removed phone number are the
same text) and folded (`minjian.core.text.fold`: full-width to plain, lower case,
traditional characters to simplified), so that 汙染 and 污染 count as one.

Every figure below was chosen by measurement on the project's corpus of rewritten
reports (`bench/data/similar_corpus/`, `bench/similarity.py --sweep`; the results are in
docs/benchmarks.md, "Similar reports: signatures and quality").
"""

from __future__ import annotations

import hashlib
import operator
import re
import struct
import zlib
from array import array
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rensa import RMinHash  # type: ignore[import-untyped]  # rensa ships no type hints

from minjian.core.text import fold

PERMUTATIONS = 128
BANDS = 40
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
# 40 bands of 3 rows (120 of the 128 values): a pair at 0.3 shares a bucket 66 % of the
# time, at 0.4 92 %, at 0.5 99.5 %. 20 bands were enough for rewrites of a whole report
# (0.4: 73 %), not for a short retelling of a long one, whose Jaccard similarity is low
# though the case holds all of it: the title with the first 30 % of a description shared
# a bucket with its report 82 % of the time with 20 bands, 97 % with 40, while unrelated
# reports sharing one rose only from 165 to 231 in a million. 4 rows meet ten times fewer
# unrelated cases but find fewer rewrites even with 32 bands; 2 rows meet fifteen times
# more.
CANDIDATE_SIMILARITY = (1 / BANDS) ** (1 / ROWS)
# The text similarity from which two cases are offered as one story. On the corpus, a
# report with 10 % of its characters changed scores 0.70 against its original at the
# median (0.49 at the 5th percentile), one in traditional characters 1.0, and reports of
# other events of the same topic and place at most 0.2. Another reporter's own words
# score about 0.16: too far from the original in characters to be found by text alone.
DEFAULT_THRESHOLD = 0.4
# The overlap of two texts counts only where the smaller has enough shingles to say
# something (10 are about 11 Chinese characters) and the larger is at most 4 times its
# size: beyond that one position more or less of the signature moves the estimate by more
# than a tenth. It is discounted so that a text wholly contained in another scores 0.70,
# the median of a rewrite with 10 % of its characters changed, and one with 70 % of it in
# the other reaches the threshold. On the corpus, no overlap of reports of other events of
# the same topic and place reached 0.7, while the title with the first 30 % of a
# description reached it against its report every time.
MIN_OVERLAP_SHINGLES = 10
MAX_OVERLAP_SIZE_RATIO = 4
OVERLAP_DISCOUNT = 0.3

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

# Each band's number shifted into the high bits, and the signature's first bytes cut
# into the bands' values: the loops over bands run in C (map, unpack), which halves the
# time of making a case's buckets against a Python loop over 40 slices.
_BAND_NUMBERS = [band << 32 for band in range(BANDS)]
_BAND_VALUES = struct.Struct(f"{4 * ROWS}s" * BANDS)

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


@dataclass(frozen=True)
class Fingerprint:
    """A text's signature with the number of its shingles (what the overlap needs)."""

    signature: Signature
    size: int


def fingerprint(title: str, description: str) -> Fingerprint:
    """The fingerprint of a case's stored text."""
    found = shingles(comparable_text(title, description))
    return Fingerprint(minhash(found), len(found))


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
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def overlap(jaccard: float, first_size: int, second_size: int) -> float:
    """The share of the smaller of two sets that the larger holds, from their Jaccard
    similarity and sizes: |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    smaller = min(first_size, second_size)
    if smaller == 0:
        return 0.0
    shared = jaccard * (first_size + second_size) / (1 + jaccard)
    return min(1.0, shared / smaller)


def text_similarity(first: Fingerprint, second: Fingerprint) -> float:
    """How alike two texts are, in [0, 1]: their estimated Jaccard similarity, or their
    discounted overlap where it is larger and the sizes let it be estimated (see
    `MIN_OVERLAP_SHINGLES`)."""
    jaccard = similarity(first.signature, second.signature)
    smaller, larger = sorted((first.size, second.size))
    if smaller < MIN_OVERLAP_SHINGLES or larger > MAX_OVERLAP_SIZE_RATIO * smaller:
        return jaccard
    return max(jaccard, round(overlap(jaccard, first.size, second.size) - OVERLAP_DISCOUNT, 6))


def buckets(signature_values: Signature) -> list[int]:
    """One bucket per band: the band's number in the high 32 bits (so that one indexed
    column holds all bands), the CRC-32 of its values in the low 32. Minimum hashes are
    already uniform; the CRC only folds a band into one number, cheaply (at a million
    cases an unrelated text shares a bucket by chance with about 0.01 cases)."""
    packed = array("I", signature_values[: BANDS * ROWS]).tobytes()
    return list(map(operator.or_, _BAND_NUMBERS, map(zlib.crc32, _BAND_VALUES.unpack(packed))))


def to_bytes(signature_values: Signature) -> bytes:
    return array("I", signature_values).tobytes()


def digest(signature_values: Signature) -> int:
    """A signed 64-bit hash of a signature, indexed beside it: the cases holding the very
    same text are one indexed range (`selectors_similar`). The first 8 bytes of the SHA-256
    of the stored bytes, which PostgreSQL computes alike (migration 0017)."""
    return int.from_bytes(
        hashlib.sha256(to_bytes(signature_values)).digest()[:8], "big", signed=True
    )


def from_bytes(stored: bytes | memoryview) -> list[int]:
    values = array("I")
    values.frombytes(bytes(stored))
    return list(values)
