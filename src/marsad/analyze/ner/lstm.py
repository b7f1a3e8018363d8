"""numpy LSTM kernels shared by the tagger's BiLSTM (:mod:`neural`) and the context model
(:mod:`context`): stepping many LSTMs at once over length-sorted, left-aligned batches."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

_CONTROLLER = None


def _one_blas_thread():
    global _CONTROLLER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


try:
    from scipy.special import expit as _expit
except ImportError:  # pragma: no cover - scipy comes with scikit-learn
    def _expit(x: np.ndarray) -> np.ndarray:
        return 0.5 * (np.tanh(0.5 * x) + 1.0)


def gates_ifog(m: np.ndarray) -> np.ndarray:
    """Rows of an LSTM weight or bias from torch's gate order (i, f, g, o) to (i, f, o, g),
    so :func:`run_lstms` takes the three sigmoid gates as one slice."""
    i, f, g, o = np.split(m, 4, axis=0)
    return np.concatenate([i, f, o, g], axis=0)


def run_lstms(xw: np.ndarray, U: np.ndarray, lens: Sequence[int] | None = None) -> np.ndarray:
    """K LSTMs of one hidden size stepped together, each over its own left-aligned batch:
    ``xw`` (K, B, T, 4H) input projections plus biases, ``U`` (K, H, 4H) recurrent
    weights, gates in the order of :func:`gates_ifog` -> hidden states (K, B, T, H). One
    batched update per time step keeps numpy's per-call overhead off the per-token cost.

    With the sentences' ``lens`` in ascending order (as :func:`length_batches` makes
    them), step t updates only the sentences still running — a suffix of the batch — so
    the work follows the real tokens, not the padding (an article's batch is ~2.5x padding
    when one long sentence sets its width); padding positions are left zero."""
    K, B, T, H4 = xw.shape
    H = H4 // 4
    h = np.zeros((K, B, H), np.float32)
    c = np.zeros((K, B, H), np.float32)
    out = np.zeros((K, B, T, H), np.float32)
    if lens is not None and all(a <= b for a, b in pairwise(lens)):
        first = np.searchsorted(np.asarray(lens), np.arange(T), side="right").tolist()
    else:
        first = [0] * T
    for t, s in enumerate(first):
        hs, cs = h[:, s:], c[:, s:]  # views: the updates below land in h and c
        g = hs @ U  # (K, B - s, 4H)
        g += xw[:, s:, t]
        sig = _expit(g[..., : 3 * H])
        cs *= sig[..., H : 2 * H]
        cs += sig[..., :H] * np.tanh(g[..., 3 * H :])
        np.multiply(sig[..., 2 * H :], np.tanh(cs), out=hs)
        out[:, s:, t] = hs
    return out


def pad_rows(x: np.ndarray, lens: Sequence[int]) -> np.ndarray:
    """Rows of consecutive sentences (N, D) -> a left-aligned, zero-padded (B, T, D) batch."""
    X = np.zeros((len(lens), max(lens), x.shape[1]), np.float32)
    pos = 0
    for b, n in enumerate(lens):
        X[b, :n] = x[pos : pos + n]
        pos += n
    return X


def length_batches(lens: Sequence[int], size: int = 64,
                   max_tokens: int | None = None) -> list[list[int]]:
    """Indexes of the non-empty sentences in batches of similar length (sorted by it), at
    most ``size`` sentences and, if given, ``max_tokens`` padded tokens each."""
    batches: list[list[int]] = []
    batch: list[int] = []
    for i in sorted((i for i, n in enumerate(lens) if n), key=lambda i: lens[i]):
        if batch and (len(batch) >= size
                      or (max_tokens is not None and lens[i] * (len(batch) + 1) > max_tokens)):
            batches.append(batch)
            batch = []
        batch.append(i)
    if batch:
        batches.append(batch)
    return batches


def reversal_index(lens: Sequence[int], T: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays that reverse each left-aligned sentence of a (B, T, …) batch in place
    (padding stays where it is): ``X[rows, rev]``. Reversing twice is the identity."""
    t = np.arange(T)[None, :]
    n = np.asarray(lens)[:, None]
    return np.arange(len(lens))[:, None], np.where(t < n, n - 1 - t, t)
