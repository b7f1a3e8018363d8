"""Word clusters learned from unlabelled news: the NER model's distributional features.

ANERcorp is small (125k tokens), so most names at test time were never seen in training.
Words that occur in the same contexts in millions of tokens of news (``قال الرئيس X``,
``في مدينة X``) land in the same cluster, and the tagger learns from the cluster instead of
the rare word. Built once by :func:`build_clusters` (``marsad train ner-resources``):

1. count positional contexts (the words 1 and 2 to the left and right) of the most
   frequent words in SaudiNewsNet and the topic corpus texts;
2. positive PMI (context-distribution smoothing 0.75), truncated SVD -> dense vectors;
3. k-means at several granularities; each word gets one cluster id per granularity.

The shipped file is a gzipped TSV ``key <TAB> c1 <TAB> c2 ...``; keys are
:func:`cluster_key` forms so spelling variants (أ/ا, ة/ه, ى/ي) share a row.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from marsad.text.normalize import normalize_for_match, remove_invisible
from marsad.text.segment import tokenize

_DIGITS = re.compile(r"[0-9]")
GRANULARITIES = (64, 256, 1024)


def cluster_key(token: str) -> str:
    """The lookup form of a token: matching-normalized, digits folded to 0."""
    return _DIGITS.sub("0", normalize_for_match(token))


def token_key(token: str) -> str:
    """The key a tagger looks a raw token up by: :func:`cluster_key` without invisible
    characters, or the token itself when nothing is left."""
    return cluster_key(remove_invisible(token)) or token


def iter_corpus_texts(paths: Iterable[Path]) -> Iterator[str]:
    """Title and body of every article of the given jsonl.gz corpora."""
    for p in paths:
        with gzip.open(p, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                for k in ("title", "content", "text"):
                    v = d.get(k)
                    if v:
                        yield v


@dataclass(frozen=True)
class ClusterSettings:
    vocab: int = 120_000
    contexts: int = 10_000
    dim: int = 128
    window: int = 2
    min_count: int = 5
    granularities: tuple[int, ...] = GRANULARITIES
    seed: int = 13


def _token_docs(texts: Iterable[str]) -> list[list[str]]:
    return [[cluster_key(t.text) for t in tokenize(x)] for x in texts]


def build_embeddings(docs: list[list[str]], s: ClusterSettings):
    """PPMI + SVD word vectors of the ``s.vocab`` most frequent keys (rows L2-normalized)."""
    import numpy as np
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    counts = Counter(w for d in docs for w in d)
    words = [w for w, c in counts.most_common(s.vocab) if c >= s.min_count]
    wid = {w: i for i, w in enumerate(words)}
    ctx_ids = {w: i for i, w in enumerate(words[: s.contexts])}
    n_pos = 2 * s.window
    n_rows, n_cols = len(words), n_pos * s.contexts
    mat = sparse.csr_matrix((n_rows, n_cols), dtype=np.float32)
    rows: list[int] = []
    cols: list[int] = []

    def flush() -> None:
        nonlocal mat, rows, cols
        if rows:
            r = np.asarray(rows, dtype=np.int32)
            c = np.asarray(cols, dtype=np.int32)
            m = sparse.coo_matrix((np.ones(len(r), np.float32), (r, c)), shape=(n_rows, n_cols))
            mat = mat + m.tocsr()
        rows, cols = [], []

    offsets = [o for o in range(-s.window, s.window + 1) if o]
    for d in docs:
        ids = [wid.get(w, -1) for w in d]
        cids = [ctx_ids.get(w, -1) for w in d]
        n = len(d)
        for i, w in enumerate(ids):
            if w < 0:
                continue
            for k, o in enumerate(offsets):
                j = i + o
                if 0 <= j < n and cids[j] >= 0:
                    rows.append(w)
                    cols.append(k * s.contexts + cids[j])
        if len(rows) > 20_000_000:
            flush()
    flush()
    mat = mat.tocsr()
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    col_p = col_sum / col_sum.sum()
    row_p = row_sum / total
    coo = mat.tocoo()
    pmi = np.log((coo.data / total) / (row_p[coo.row] * col_p[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix(
        (pmi[keep].astype(np.float32), (coo.row[keep], coo.col[keep])), shape=mat.shape
    )
    u, sv, _ = randomized_svd(ppmi, n_components=s.dim, n_iter=5, random_state=s.seed)
    emb = u * np.sqrt(sv)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-8
    return words, emb.astype(np.float32)


def cluster_embeddings(emb, s: ClusterSettings):
    """One k-means labelling per granularity: an (n_words, len(granularities)) int array."""
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    out = np.zeros((emb.shape[0], len(s.granularities)), dtype=np.int32)
    for j, k in enumerate(s.granularities):
        km = MiniBatchKMeans(n_clusters=k, random_state=s.seed, batch_size=4096, n_init=3)
        out[:, j] = km.fit_predict(emb)
    return out


def write_clusters(path: Path, words: list[str], labels) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        for w, row in zip(words, labels):
            f.write(w + "\t" + "\t".join(str(int(x)) for x in row) + "\n")


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


def build_clusters(paths: list[Path], out: Path, s: ClusterSettings = ClusterSettings(),
                   emb_out: Path | None = None, log=print) -> dict:
    """The whole recipe; returns a summary (recorded next to the file)."""
    import time

    import numpy as np

    t0 = time.time()
    docs = _token_docs(iter_corpus_texts(paths))
    n_tokens = sum(len(d) for d in docs)
    log(f"tokenized {len(docs)} texts, {n_tokens} tokens in {time.time() - t0:.0f}s")
    words, emb = build_embeddings(docs, s)
    log(f"embeddings {emb.shape} in {time.time() - t0:.0f}s")
    if emb_out is not None:
        emb_out.parent.mkdir(parents=True, exist_ok=True)
        np.savez(emb_out, words=np.array(words), vectors=emb)
    labels = cluster_embeddings(emb, s)
    log(f"clusters in {time.time() - t0:.0f}s")
    write_clusters(out, words, labels)
    return {"texts": len(docs), "tokens": n_tokens, "words": len(words),
            "settings": s.__dict__ | {"granularities": list(s.granularities)}}
