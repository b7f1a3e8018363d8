"""Contextual word clusters: what a word *means here*, for the CRF.

The word clusters of :mod:`clusters` give one id per word type, whatever the sentence.
Here a small bidirectional language model, trained on the unlabelled news (by
:mod:`context_train`), reads each sentence: its forward state at a token has seen the words
before it, its backward state the words after it. The two states, L2-normalized, are
assigned to the nearest of k-means centroids at a few granularities, and the CRF gets the
cluster ids as features (``lc0=17``) — so "قال X" and "في مدينة X" put an unseen X into
different clusters, and the CRF learns from the cluster.

Everything is numpy; sentences run in length-sorted batches, both directions stepped
together (:func:`lstm.run_lstms`). Weights ship in ``marsad/resources/ner/context.npz``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.analyze.ner.clusters import token_key
from marsad.analyze.ner.lstm import (
    _one_blas_thread,
    gates_ifog,
    length_batches,
    pad_rows,
    reversal_index,
    run_lstms,
)

CONTEXT_FILE = "context.npz"
_BATCH = 64


def input_rows(vec_q: np.ndarray, vec_scale: np.ndarray) -> np.ndarray:
    """The language model's input row per word id: its int8 news vector, dequantized, and
    an "unknown word" flag, set only in the extra last row (id ``len(words)``)."""
    emb = np.zeros((len(vec_q) + 1, vec_q.shape[1] + 1), np.float32)
    emb[:-1, :-1] = vec_q.astype(np.float32) * vec_scale[:, None]
    emb[-1, -1] = 1.0
    return emb


class ContextClusters:
    """The language model and its centroids (``context.npz``)."""

    def __init__(self, source: Path | Mapping[str, np.ndarray]):
        """From ``context.npz`` or its arrays (training reads the model back unsaved)."""
        d = np.load(source) if isinstance(source, (str, Path)) else source
        words = [str(w) for w in d["words"]]
        self.index = {w: i for i, w in enumerate(words)}
        # a network reading the same news vectors has the same word ids: reuse them
        self.vocab_key = hash(tuple(words))
        self.unk = len(words)
        self.emb = input_rows(d["vec_q"], d["vec_scale"])
        w = {k: gates_ifog(d[k].astype(np.float32)) for k in d
             if k.startswith(("f_", "b_"))}
        self.wih = ((w["f_wih"].T, w["f_b"]), (w["b_wih"].T, w["b_b"]))
        self.U = np.stack([w["f_whh"].T, w["b_whh"].T])
        self.hidden = self.U.shape[1]
        self.centroids = [d[f"centroids{g}"].astype(np.float32)
                          for g in range(int(d["granularities"]))]
        self._half_sq = [0.5 * (c * c).sum(axis=1) for c in self.centroids]
        if self.centroids:
            k0 = len(self.centroids[0])
            self.split = len(self.centroids[1]) // k0
            self._kids = self.centroids[1].reshape(k0, self.split, -1)
            self._kids_half_sq = self._half_sq[1].reshape(k0, self.split)
        self._id = lru_cache(maxsize=300_000)(self._token_id)

    def token_ids(self, tokens: Sequence[str]) -> np.ndarray:
        return np.array([self._id(t) for t in tokens], dtype=np.int64)

    def _token_id(self, tok: str) -> int:
        return self.index.get(token_key(tok), self.unk)

    def lstm_inputs(self, ids: np.ndarray, lens: Sequence[int]) -> np.ndarray:
        """(2, B, T, 4H) input projections of a batch (``ids``: its sentences' word ids
        concatenated): the forward model over each sentence, the backward one over it
        reversed, both left-aligned."""
        (fw, fb), (bw, bb) = self.wih
        x = self.emb[ids]
        rows, rev = reversal_index(lens, max(lens))
        return np.stack([pad_rows(x @ fw + fb, lens), pad_rows(x @ bw + bb, lens)[rows, rev]])

    def split_states(self, h: np.ndarray, lens: Sequence[int]) -> list[np.ndarray]:
        """Per sentence (n, 2H) states from :func:`run_lstms` output (2, B, T, H)."""
        rows, rev = reversal_index(lens, h.shape[2])
        both = np.concatenate([h[0], h[1][rows, rev]], axis=2)
        return [both[b, :n] for b, n in enumerate(lens)]

    def states(self, sents: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per sentence of word ids: (n, 2H) forward and backward states."""
        out: list[np.ndarray] = [np.zeros((0, 2 * self.hidden), np.float32)] * len(sents)
        with _one_blas_thread():
            for idx in length_batches([len(s) for s in sents], _BATCH):
                lens = [len(sents[i]) for i in idx]
                xw = self.lstm_inputs(np.concatenate([sents[i] for i in idx]), lens)
                for i, st in zip(idx, self.split_states(run_lstms(xw, self.U, lens), lens)):
                    out[i] = st
        return out

    def assign(self, states: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per sentence (n, 2) ids of its L2-normalized states: the nearest coarse
        centroid, then the nearest of that centroid's fine children (all tokens at once)."""
        lens = [len(s) for s in states]
        if not sum(lens):
            return [np.zeros((n, 2), np.int64) for n in lens]
        x = np.concatenate(states)
        x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-8
        with _one_blas_thread():
            coarse = (x @ self.centroids[0].T - self._half_sq[0]).argmax(axis=1)
            kids = self._kids[coarse]  # (N, split, D)
            sub = (np.einsum("nd,nsd->ns", x, kids) - self._kids_half_sq[coarse]).argmax(axis=1)
        ids = np.stack([coarse, coarse * self.split + sub], axis=1)
        return np.split(ids, np.cumsum(lens)[:-1])

    def labels(self, sents: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per token sentence: (n, granularities) cluster ids."""
        return self.assign(self.states([self.token_ids(s) for s in sents]))


def load_context(resources: Path) -> ContextClusters | None:
    path = resources / CONTEXT_FILE
    return ContextClusters(path) if path.exists() else None
