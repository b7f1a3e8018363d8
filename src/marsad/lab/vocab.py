"""Building the word-frequency table of :mod:`marsad.text.vocab` (``marsad train vocab``)
from SaudiNewsNet and the topic corpus, read in place."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from marsad.text.normalize import normalize_for_match
from marsad.text.segment import words
from marsad.text.vocab import _table, vocab_path

MIN_COUNT = 3


def count_words(texts: Iterable[str]) -> Counter[str]:
    c: Counter[str] = Counter()
    for t in texts:
        c.update(w for w in words(normalize_for_match(t)) if not w[0].isdigit())
    return c


def corpus_texts(limit: int | None = None) -> Iterable[str]:
    """Headline and body, as production stores them, of the articles of SaudiNewsNet and
    then the topic corpus (read in place); ``limit``: the first N articles in all."""
    from marsad.lab.corpora import texts

    limit = limit or None
    n = 0
    for corpus in ("saudinewsnet", "topics"):
        for text in texts(corpus, limit=None if limit is None else limit - n):
            yield text
            n += 1
        if limit is not None and n >= limit:
            return


def build_vocab(out: Path | None = None, *, limit: int | None = None, min_count: int = MIN_COUNT) -> Path:
    counts = count_words(corpus_texts(limit))
    out = out or vocab_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
            if c >= min_count:
                f.write(f"{w}\t{c}\n")
    _table.cache_clear()
    return out
