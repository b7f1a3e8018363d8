"""Word clusters learned from unlabelled news: the NER model's distributional features.

ANERcorp is small (125k tokens), so most names at test time were never seen in training.
Words that occur in the same contexts in millions of tokens of news (``قال الرئيس X``,
``في مدينة X``) land in the same cluster, and the tagger learns from the cluster instead of
the rare word. Built once by ``marsad train ner-resources`` (:mod:`marsad.lab.ner.clusters_train`):

1. count positional contexts (the words 1 and 2 to the left and right) of the most
   frequent words in SaudiNewsNet and the topic corpus texts;
2. positive PMI (context-distribution smoothing 0.75), truncated SVD -> dense vectors;
3. k-means at several granularities; each word gets one cluster id per granularity.

The shipped file is a gzipped TSV ``key <TAB> c1 <TAB> c2 ...``; keys are
:func:`cluster_key` forms so spelling variants (أ/ا, ة/ه, ى/ي) share a row.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from marsad.text.normalize import normalize_for_match, remove_invisible

_DIGITS = re.compile(r"[0-9]")
GRANULARITIES = (64, 256, 1024)


def cluster_key(token: str) -> str:
    """The lookup form of a token: matching-normalized, digits folded to 0."""
    return _DIGITS.sub("0", normalize_for_match(token))


def token_key(token: str) -> str:
    """The key a tagger looks a raw token up by: :func:`cluster_key` without invisible
    characters, or the token itself when nothing is left."""
    return cluster_key(remove_invisible(token)) or token


def load_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """key -> cluster ids (as strings, one per granularity)."""
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            out[parts[0]] = tuple(parts[1:])
    return out


def default_vectors_path() -> Path:
    """Where ``marsad train ner-resources`` keeps the full word vectors (too large to ship;
    the neural tagger ships a quantized prefix of them)."""
    import os

    base = os.environ.get("MARSAD_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "marsad")
    return Path(base) / "ner" / "vectors.npz"


