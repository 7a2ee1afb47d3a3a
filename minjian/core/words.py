"""jieba, the one Chinese word segmenter, loaded once per process for every app that cuts
text into words: the search index and its queries, and the check for a person's name
(`minjian.redaction.persons`)."""

from __future__ import annotations

import logging
import threading

import jieba
from django.conf import settings

_ready = threading.Lock()
_initialised = False


def tokenizer() -> jieba.Tokenizer:
    """jieba's tokenizer, its dictionary loaded once per process.

    Loading builds a cache of the dictionary the first time (about 1.5 s); it is
    kept in the data folder rather than wherever jieba would choose, and jieba's
    chatter about it goes to its logger, quietened.
    """
    global _initialised
    if not _initialised:
        with _ready:
            if not _initialised:
                jieba.setLogLevel(logging.WARNING)
                cache_dir = settings.DATA_DIR / "cache"
                cache_dir.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
                jieba.dt.initialize()
                _initialised = True
    return jieba.dt
