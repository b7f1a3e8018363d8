"""Word frequencies from unlabelled Arabic news, for decisions that spelling alone cannot
make: is the و of وزير a conjunction? (no: زير is rare, وزير common) — is the ب of بسوريا a
preposition? (yes: سوريا is far more common than بسوريا).

The table is derived data (normalized word → count), built by ``marsad train vocab`` from
SaudiNewsNet and the topic corpus and shipped in ``resources/text/vocab.tsv.gz``.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from marsad.text.normalize import normalize_for_match
from marsad.text.segment import words

VOCAB_FILE = "vocab.tsv.gz"
MIN_COUNT = 3


def vocab_path() -> Path:
    return Path(str(files("marsad") / "resources" / "text" / VOCAB_FILE))


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    p = vocab_path()
    if not p.exists():
        return {}
    with gzip.open(p, "rt", encoding="utf-8") as f:
        parts = f.read().split()
    return dict(zip(parts[::2], parts[1::2]))  # counts stay strings until asked for


def count(word: str) -> int:
    """How often the normalized ``word`` occurs in the news corpora (0 if unseen or when
    the table is absent — callers then fall back to length rules)."""
    c = _table().get(word)
    return int(c) if c else 0


def word_counts() -> dict[str, int]:
    return {w: int(c) for w, c in _table().items()}


def has_vocab() -> bool:
    return bool(_table())


def count_words(texts: Iterable[str]) -> Counter[str]:
    c: Counter[str] = Counter()
    for t in texts:
        c.update(w for w in words(normalize_for_match(t)) if not w[0].isdigit())
    return c


def corpus_texts(limit: int | None = None) -> Iterable[str]:
    """Bodies and titles of SaudiNewsNet and the topic corpus (both read in place)."""
    from marsad.data import corpus_path

    n = 0
    for name, fields in (
        (("saudinewsnet", "articles.jsonl.gz"), ("title", "content")),
        (("topics", "train.jsonl.gz"), ("title", "text")),
    ):
        with gzip.open(corpus_path(*name), "rt", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                yield " ".join(str(r.get(k) or "") for k in fields)
                n += 1
                if limit and n >= limit:
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
