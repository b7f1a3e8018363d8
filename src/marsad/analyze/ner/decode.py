"""Decoding label marginals into a valid BIO sequence (I-X only after B-X/I-X): Viterbi
over log-marginals with the BIO constraints. Used to combine the CRF and the neural
tagger, whose marginals are averaged."""

from __future__ import annotations

import numpy as np

from marsad.analyze.ner.neural import LABELS, allowed_start, allowed_transitions

_ALLOWED = np.where(allowed_transitions(), 0.0, -1e9)
_START = np.where(allowed_start(), 0.0, -1e9)


def softmax(e: np.ndarray) -> np.ndarray:
    e = e - e.max(axis=1, keepdims=True)
    p = np.exp(e)
    return p / p.sum(axis=1, keepdims=True)


def decode_marginals(p: np.ndarray) -> list[str]:
    """Best valid label path through per-token probabilities ``p`` (n, len(LABELS))."""
    lp = np.log(np.clip(p, 1e-9, 1.0))
    n = lp.shape[0]
    score = lp[0] + _START
    back = np.zeros((n, lp.shape[1]), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + _ALLOWED
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + lp[t]
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return [LABELS[i] for i in reversed(best)]


def decode_batch(ps: list[np.ndarray]) -> list[list[str]]:
    """:func:`decode_marginals` for several sentences at once (padded Viterbi)."""
    lens = [len(p) for p in ps]
    B, T, L = len(ps), max(lens), len(LABELS)
    lp = np.zeros((B, T, L), np.float32)
    for b, p in enumerate(ps):
        lp[b, : len(p)] = np.log(np.clip(p, 1e-9, 1.0))
    score = lp[:, 0] + _START
    back = np.zeros((B, T, L), dtype=np.int64)
    scores = [score]
    for t in range(1, T):
        cand = score[:, :, None] + _ALLOWED[None]
        back[:, t] = cand.argmax(axis=1)
        score = cand.max(axis=1) + lp[:, t]
        scores.append(score)
    out = []
    for b, n in enumerate(lens):
        best = [int(scores[n - 1][b].argmax())]
        for t in range(n - 1, 0, -1):
            best.append(int(back[b, t, best[-1]]))
        out.append([LABELS[i] for i in reversed(best)])
    return out
