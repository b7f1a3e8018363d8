"""Word frequencies from unlabelled Arabic news, for decisions that spelling alone cannot
make: is the و of وزير a conjunction? (no: زير is rare, وزير common) — is the ب of بسوريا a
preposition? (yes: سوريا is far more common than بسوريا).

The table is derived data (normalized word → count), built by ``marsad train vocab`` (:mod:`marsad.lab.vocab`) from
SaudiNewsNet and the topic corpus and shipped in ``resources/text/vocab.tsv.gz``.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

VOCAB_FILE = "vocab.tsv.gz"


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


def has_vocab() -> bool:
    return bool(_table())
