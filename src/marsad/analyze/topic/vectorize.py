"""Feature strings to the weighted sparse matrix the linear model reads.

One implementation for training and inference, so the shipped model sees exactly the
weighting it was trained with: sublinear term frequency times idf, each feature group
scaled to unit length (so no group drowns the others by sheer count), then the row
scaled to unit length.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp


def count_matrix(
    feature_lists: Iterable[list[str]], vocab: dict[str, int], *, grow: bool = False
) -> sp.csr_matrix:
    """Rows of feature counts. With ``grow`` unseen features are added to ``vocab``
    (training); otherwise they are ignored (inference)."""
    indptr = array("q", [0])
    indices = array("i")  # compact: a training run holds tens of millions of entries
    data = array("f")
    for feats in feature_lists:
        counts = Counter(feats)
        if grow:
            for f, c in counts.items():
                j = vocab.get(f)
                if j is None:
                    j = vocab[f] = len(vocab)
                indices.append(j)
                data.append(c)
        else:
            get = vocab.get
            for f, c in counts.items():
                j = get(f)
                if j is not None:
                    indices.append(j)
                    data.append(c)
        indptr.append(len(indices))
    n = len(vocab)
    return sp.csr_matrix(
        (np.frombuffer(data, dtype=np.float32), np.frombuffer(indices, dtype=np.int32),
         np.frombuffer(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, n),
    )


def document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    return np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.int64)


def smooth_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


def weigh(counts: sp.csr_matrix, idf: np.ndarray, groups: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """Sublinear tf-idf, unit length per group, then unit length per row."""
    x = counts.tocsr(copy=True)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    g = groups[x.indices].astype(np.int64)
    key = rows * n_groups + g
    sq = np.bincount(key, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0] * n_groups)
    norm = np.sqrt(sq)
    x.data = (x.data / np.maximum(norm[key], 1e-12)).astype(np.float32)
    # each present group now has length 1: the row length is sqrt(#groups present)
    present = (sq.reshape(x.shape[0], n_groups) > 0).sum(1)
    x.data /= np.sqrt(np.maximum(present[rows], 1)).astype(np.float32)
    return x
