"""Learning the NER word clusters of :mod:`marsad.analyze.ner.clusters` from unlabelled news
(``marsad train ner-resources``): positional contexts, PPMI, truncated SVD, k-means."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from marsad.analyze.ner.clusters import GRANULARITIES, cluster_key
from marsad.lab.corpora import texts
from marsad.text.segment import tokenize


def iter_corpus_texts(paths: Iterable[Path]) -> Iterator[str]:
    """The text of every article of the given JSON Lines corpora, read by the one corpus
    reader (production's document builder)."""
    return chain.from_iterable(texts(p) for p in paths)


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
