"""The static mirror's offline search: an index written as JavaScript files, searched in
the reader's browser by a small script of ours (archive/mirror/search.js), with no server.

Why JavaScript files: a page opened from `file://` may not `fetch()` its neighbours, but
it may load them with `<script src>`. The index is split into `SHARDS` files by the first
character of a term, so a query loads only the few files its terms are in, not the whole
index of a large instance.

Chinese: the site segments words with jieba (minjian/search/text.py); a word list is too
large to ship to a browser, so the mirror indexes every single character and every pair of
neighbouring characters (bigrams) of each run of Chinese, and a query is cut the same way:
a one-character query looks for that character, a longer one for all its bigrams
(医院 → 医院; 污水处理 → 污水, 水处, 处理), a page holding them all is found. Other
text is indexed by whole words (runs of letters and digits).

Traditional characters: every text is folded at build time as the site folds it
(`minjian.core.text.fold`: NFKC, lower case, traditional to simplified with OpenCC). The
browser cannot run OpenCC, so the build writes a table from every traditional character
whose folded form is a character the index holds to that form (found by folding each
character of the CJK blocks with the site's own fold), and the script folds the query with
`normalize("NFKC")`, lower case and that table: 醫院 finds 医院. OpenCC converts some
words as wholes (a few characters read differently in a phrase); the table goes character
by character, so such a phrase typed in traditional characters may be missed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from minjian.core.text import fold

INDEX_FOLDER = "search"
# How many files the terms are spread over (by their first character).
SHARDS = 64
_WORD = re.compile(r"[^\W_]+")
_CHINESE = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHINESE_OR_NOT = re.compile(f"[{_CHINESE}]+|[^{_CHINESE}]+")
_CHINESE_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@dataclass(frozen=True)
class IndexedPage:
    """A page the search finds: its file (relative to a language's folder), its title, and
    its text in every language it was written in."""

    file: str
    title: str
    text: str


def terms_of(text: str) -> set[str]:
    """The terms a text is found by (the module's docstring says which)."""
    terms: set[str] = set()
    for word in _WORD.findall(fold(text)):
        for piece in _CHINESE_OR_NOT.findall(word):
            if _is_chinese(piece[0]):
                terms.update(piece)
                terms.update(piece[i : i + 2] for i in range(len(piece) - 1))
            else:
                terms.add(piece)
    return terms


def shard_of(term: str) -> int:
    return ord(term[0]) % SHARDS


def write_search_index(pages: Iterable[IndexedPage]) -> list[tuple[str, bytes]]:
    """The index's files (path in the mirror, bytes): `search/pages.js` (the pages, the
    folding table) and `search/terms-NN.js` (each term's pages, by number)."""
    listed = sorted(pages, key=lambda page: page.file)
    postings: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(SHARDS)]
    characters: set[str] = set()
    for number, page in enumerate(listed):
        for term in sorted(terms_of(f"{page.title}\n{page.text}")):
            postings[shard_of(term)][term].append(number)
            if len(term) == 1 and _is_chinese(term):
                characters.add(term)
    files = [
        (
            f"{INDEX_FOLDER}/pages.js",
            _script(
                "window.MinjianMirrorSearch = ",
                {
                    "shards": SHARDS,
                    "pages": [[page.file, page.title] for page in listed],
                    "fold": folding_table(characters),
                },
                ";\n",
            ),
        )
    ]
    for shard, terms in enumerate(postings):
        files.append(
            (
                f"{INDEX_FOLDER}/terms-{shard:02d}.js",
                _script(f"window.MinjianMirrorSearch.loaded({shard}, ", dict(terms), ");\n"),
            )
        )
    return files


def folding_table(characters: set[str]) -> dict[str, str]:
    """Every character the site folds (traditional to simplified) into one of
    `characters`, mapped to it."""
    candidates = [chr(code) for start, end in _CHINESE_BLOCKS for code in range(start, end + 1)]
    # One call for all: a line break between characters keeps OpenCC from reading phrases.
    folded = fold("\n".join(candidates)).split("\n")
    return {
        character: simplified
        for character, simplified in zip(candidates, folded, strict=True)
        if simplified != character and simplified in characters
    }


def _is_chinese(character: str) -> bool:
    return any(start <= ord(character) <= end for start, end in _CHINESE_BLOCKS)


def _script(before: str, value: object, after: str) -> bytes:
    body = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"{before}{body}{after}".encode()
