"""The one text normalisation that indexing and querying share.

Folding (`minjian.core.text.fold`, shared with region names): Unicode NFKC (full-width
letters and digits become plain ones), lower case, and traditional characters to
simplified with OpenCC, so that 汙染 and 污染, or "RIVER" and "river", are the same term.
Segmentation: jieba splits Chinese into words (a document also holds the shorter
words inside a long one and every other dictionary word in it, so that a query for
纸厂 finds 造纸厂); other text is split into runs of letters and digits.
Punctuation and spaces never become terms.

jieba is used without its HMM guesser of unknown words: the guesses depend on the
neighbouring text, so the same name could be cut one way in a report and another
in a query. Without it, unknown words fall apart into single characters on both
sides alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from minjian.core.text import fold as fold
from minjian.core.words import tokenizer

# A term is a run of letters and digits (Chinese characters are letters).
_TERM = re.compile(r"[^\W_]+")
_CHINESE_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def index_terms(text: str) -> list[str]:
    """The terms a document is found by: every word, the shorter words inside it, and
    every other dictionary word its Chinese text holds.

    The last are there because segmentation has to choose where two words overlap:
    "直排污水" is cut 排污 / 水, and a search for 污水 would miss it. With every
    dictionary word the text holds, a query word (a dictionary word, or a single
    character where it knows none) is found wherever the text holds it.
    """
    folded = fold(text)
    segmenter = tokenizer()
    terms = _terms(segmenter.cut_for_search(folded, HMM=False))
    seen = set(terms)
    for run in _CHINESE_RUN.findall(folded):
        for start, ends in segmenter.get_DAG(run).items():
            for end in ends:
                word = run[start : end + 1]
                if end > start and word not in seen:
                    seen.add(word)
                    terms.append(word)
    return terms


def query_terms(text: str) -> list[str]:
    """The terms of a query, in order and without repeats; a document must hold them all."""
    return list(dict.fromkeys(_terms(tokenizer().cut(fold(text), HMM=False))))


def _terms(pieces: Iterable[str]) -> list[str]:
    return [term for piece in pieces for term in _TERM.findall(piece)]
