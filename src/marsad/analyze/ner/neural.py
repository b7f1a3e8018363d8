"""A small BiLSTM-CRF tagger run in numpy (trained by :mod:`neural_train` with torch).

Per token it reads: a frozen distributional vector of the word and of its clitic-free stem
(PPMI-SVD vectors from unlabelled news, int8 in ``vectors.npz``), a trainable vector for
words seen in training, a character CNN, and binary cues shared with the CRF (gazetteer
match, cue lists, shape, clitic prefix). A BiLSTM reads the sentence; a CRF layer gives
label marginals that are combined with the CRF tagger's (see :mod:`tagger`).

Inference is numpy only: sentences are batched and padded so each LSTM step is one matrix
product for the whole batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.analyze.ner.features import FeatureExtractor
from marsad.analyze.ner.lstm import (
    _one_blas_thread,
    gates_ifog,
    length_batches,
    pad_rows,
    reversal_index,
    run_lstms,
)

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
MAX_CHARS = 16
_DISC = (
    [f"G={p}-{t}" for p in "BI" for t in ("LOC", "GEO", "ORG", "PER", "AMB")]
    + [f"g={n}" for n in ("TITLE", "ORGW", "LOCW", "NISBA", "FIRST", "PLOC", "PGEO", "PORG",
                           "PPER", "PAMB")]
    + [f"sh={s}" for s in ("ar", "punct", "digit", "alnum", "lat", "LAT", "other", "empty")]
    + [f"pre={p}" for p in ("و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "other")]
    + ["unk", "stem_unk"]
)
# inputs of networks trained since the knowledge-base features and the club/company/product
# lists: the legacy inputs plus those (a network's own list is kept in its neural.json,
# so older networks keep loading with the legacy one)
_KB_TYPES = ("PER", "ORG", "LOC", "AMB")
_NEW_PHRASES = ("CLUB", "CO", "PROD")
DISC_V2 = tuple(
    _DISC
    + [f"G={p}-{t}" for p in "BI" for t in _NEW_PHRASES]
    + [f"g=P{t}" for t in _NEW_PHRASES]
    + [f"K={p}-{t}" for p in "BI" for t in _KB_TYPES]
    + ["k=KNISBA", "k=MISCW", "g=AMBNAME"]
)


def network_stems(path: Path) -> list[str]:
    """File stems of the networks in a model directory: ``neural`` (the first), then
    ``neural2``, ``neural3`` … while they exist."""
    out = []
    k = 1
    while (path / f"{network_stem(k)}.npz").exists():
        out.append(network_stem(k))
        k += 1
    return out


def network_stem(k: int) -> str:
    return "neural" if k == 1 else f"neural{k}"


def allowed_transitions() -> np.ndarray:
    """allowed[i, j]: may label j follow label i (I-X only after B-X or I-X)."""
    n = len(LABELS)
    ok = np.ones((n, n), dtype=bool)
    for j, lj in enumerate(LABELS):
        if lj.startswith("I-"):
            for i, li in enumerate(LABELS):
                ok[i, j] = li[2:] == lj[2:] and li != "O"
    return ok


def allowed_start() -> np.ndarray:
    return np.array([not lab.startswith("I-") for lab in LABELS])


@dataclass
class Encoder:
    """Turns token sentences into the network's integer/float inputs."""

    vec_index: dict[str, int]  # matching key -> row of the pretrained vectors
    word_index: dict[str, int]  # training words -> row of the trainable table (0 = unknown)
    char_index: dict[str, int]  # char -> id (0 pad, 1 unknown)
    extractor: FeatureExtractor  # for gazetteer and cue features
    disc: tuple[str, ...] = tuple(_DISC)  # names of the binary inputs, in order

    def __post_init__(self) -> None:
        self._type = lru_cache(maxsize=300_000)(self._encode_type)
        self.disc_index = {f: i for i, f in enumerate(self.disc)}
        self._kb_inputs = "K=B-ORG" in self.disc_index and self.extractor.kbg is not None

    def _encode_type(self, tok: str):
        """(key, vec row, stem vec row, train-word id, char ids, type-level binary cues)."""
        _, _, key, (pre, rest, shp, cues, kb_cues) = self.extractor._type(tok)
        v = self.vec_index.get(key, -1)
        s = self.vec_index.get(rest, -1) if rest != key else v
        if s < 0 and rest != key:
            s = self.vec_index.get("ال" + rest, -1)
        chars = np.zeros(MAX_CHARS, dtype=np.int64)
        for j, c in enumerate(key[:MAX_CHARS]):
            chars[j] = self.char_index.get(c, 1)
        index = self.disc_index
        d = np.zeros(len(self.disc), dtype=np.float32)
        d[index["sh=" + shp]] = 1
        if rest != key:
            d[index.get("pre=" + pre, index["pre=other"])] = 1
        if v < 0:
            d[index["unk"]] = 1
        if s < 0:
            d[index["stem_unk"]] = 1
        names = ["g=" + n for n in cues]
        if self._kb_inputs:  # the extractor's knowledge-base cues (it has a KB gazetteer)
            names += ["k=" + n for n in kb_cues]
        for name in names:
            col = index.get(name)
            if col is not None:
                d[col] = 1
        return key, v, s, self.word_index.get(key, 0), chars, d

    def encode(self, tokens: Sequence[str]) -> dict[str, np.ndarray]:
        return self.encode_many([tokens])

    def encode_many(self, sents: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
        """The inputs of the sentences' tokens, concatenated: each array is built once per
        word type of the batch and spread to its tokens by one numpy gather (a batch of
        64 articles has ~4 tokens per type); per sentence, only the phrase matches are
        looked up."""
        index: dict[str, int] = {}
        inv = [index.setdefault(t, len(index)) for s in sents for t in s]
        if not inv:
            return {"vec": np.zeros(0, np.int64), "svec": np.zeros(0, np.int64),
                    "wid": np.zeros(0, np.int64), "chars": np.zeros((0, MAX_CHARS), np.int64),
                    "disc": np.zeros((0, len(self.disc)), np.float32)}
        types = [self._type(t) for t in index]
        ix = np.array(inv, dtype=np.int64)
        disc = np.array([t[5] for t in types])[ix]  # a fresh (N, D) array: set per token below
        type_keys = [t[0] for t in types]
        keys = [type_keys[i] for i in inv]
        index_of = self.disc_index
        gaz = self.extractor.gaz is not None
        pos = 0
        for s in sents:
            n = len(s)
            if not n:
                continue
            skeys = keys[pos : pos + n]
            if gaz:
                for i, tag in enumerate(self.extractor.gaz_tags(skeys)):
                    j = index_of.get("G=" + tag) if tag else None
                    if j is not None:
                        disc[pos + i, j] = 1
            if self._kb_inputs:
                for i, tag in enumerate(self.extractor.kb_tags(skeys)):
                    j = index_of.get("K=" + tag.split(".")[0]) if tag else None
                    if j is not None:
                        disc[pos + i, j] = 1
            pos += n
        return {"vec": np.array([t[1] for t in types], dtype=np.int64)[ix],
                "svec": np.array([t[2] for t in types], dtype=np.int64)[ix],
                "wid": np.array([t[3] for t in types], dtype=np.int64)[ix],
                "chars": np.array([t[4] for t in types])[ix], "disc": disc}


class NeuralTagger:
    """Numpy forward pass of the trained network (weights from ``neural.npz``)."""

    def __init__(self, path: Path, extractor: FeatureExtractor, stem: str = "neural"):
        w = np.load(path / f"{stem}.npz")
        self.w = {k: w[k].astype(np.float32) for k in w.files if k not in ("vec_q", "vec_scale")}
        for k in ("lstm_f_wih", "lstm_f_whh", "lstm_f_b", "lstm_b_wih", "lstm_b_whh", "lstm_b_b"):
            self.w[k] = gates_ifog(self.w[k])
        vq, vs = w["vec_q"], w["vec_scale"]
        self.vectors = (vq.astype(np.float32) * vs[:, None]).astype(np.float32)
        idx = json.loads((path / f"{stem}.json").read_text(encoding="utf-8"))
        disc = tuple(idx.get("disc", _DISC))
        self.encoder = Encoder({k: i for i, k in enumerate(idx["vec_words"])},
                               {k: i for i, k in enumerate(idx["train_words"])},
                               {c: i for i, c in enumerate(idx["chars"])}, extractor, disc)
        self.hidden = int(idx["hidden"])
        # input layer split: per-word-type columns, then the binary flags (``disc``) last
        n_disc = len(disc)
        self._in_w_type = np.ascontiguousarray(self.w["in_w"][:, :-n_disc].T)
        self._in_w_disc = np.ascontiguousarray(self.w["in_w"][:, -n_disc:].T)
        self._type_proj: dict[str, np.ndarray] = {}
        # networks trained on the same data with the same settings read identical inputs:
        # they can share one encoding of each batch
        self.vec_key = hash(tuple(idx["vec_words"]))
        self.inputs_key = hash((tuple(idx["vec_words"]), tuple(idx["train_words"]),
                                tuple(idx["chars"]), disc))

    def emissions(self, sents: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per-sentence (n_tokens, n_labels) emission scores."""
        return emissions_many([self], sents)[0]

    def encode_batch(self, sents: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
        return self.encoder.encode_many(sents)

    def inputs(self, cat: dict[str, np.ndarray], tokens: Sequence[str]) -> np.ndarray:
        """The LSTM's inputs (N, D), one row per token of a batch's sentences concatenated
        (``tokens``), from their encoding ``cat``. The input layer is linear before its ReLU, so
        the part read from the word alone (vectors, character CNN) is projected once per
        word type and cached; only the sentence-level flags are projected per token."""
        w = self.w
        cache = self._type_proj
        if len(cache) > 200_000:
            cache.clear()
        # one row per word type of the batch (``index``, in order of first occurrence),
        # gathered to the tokens at the end; rows are collected here, not read back from
        # the shared cache, which another thread may clear meanwhile
        index: dict[str, int] = {}
        first: list[int] = []
        for i, t in enumerate(tokens):
            if t not in index:
                index[t] = len(first)
                first.append(i)
        rows: list[np.ndarray | None] = [cache.get(t) for t in index]
        missing = [u for u, row in enumerate(rows) if row is None]
        if missing:
            idx = np.array([first[u] for u in missing], dtype=np.int64)
            new = self._type_part({k: cat[k][idx] for k in ("vec", "svec", "wid", "chars")})
            names = list(index)
            for u, row in zip(missing, new):
                rows[u] = cache[names[u]] = row
        ix = np.array([index[t] for t in tokens], dtype=np.int64)
        x = np.array(rows)[ix] + cat["disc"] @ self._in_w_disc + w["in_b"]
        return np.maximum(x, 0)

    def _type_part(self, cat: dict[str, np.ndarray]) -> np.ndarray:
        """(M, D) input-layer projection of the per-word inputs of M word types."""
        w = self.w
        vec = np.where(cat["vec"][:, None] >= 0, self.vectors[np.maximum(cat["vec"], 0)], 0)
        svec = np.where(cat["svec"][:, None] >= 0, self.vectors[np.maximum(cat["svec"], 0)], 0)
        wemb = w["word_emb"][cat["wid"]]
        chars = cat["chars"]
        ch = w["char_emb"][chars]  # (M, C, E)
        k = w["char_conv_w"].shape[2]
        pad = k // 2
        chp = np.pad(ch, ((0, 0), (pad, pad), (0, 0)))
        conv = w["char_conv_b"] + sum(
            chp[:, j : j + MAX_CHARS] @ w["char_conv_w"][:, :, j].T for j in range(k))
        cmask = (chars > 0)[:, :, None]
        conv = np.where(cmask, conv, -1e4).max(axis=1)
        conv = np.where(cmask.any(axis=1), np.maximum(conv, 0.0), 0.0)
        x = np.concatenate([vec, svec, wemb, conv], axis=1).astype(np.float32)
        return x @ self._in_w_type

    def outputs(self, H: np.ndarray, lens: Sequence[int]) -> list[np.ndarray]:
        em = H @ self.w["out_w"].T + self.w["out_b"]
        return [em[b, :n] for b, n in enumerate(lens)]

    def marginals(self, em: np.ndarray) -> np.ndarray:
        """Forward-backward over the CRF layer: (n, L) label probabilities."""
        return self.marginals_batch([em])[0]

    def marginals_batch(self, ems: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Forward-backward over the CRF layer for several sentences at once."""
        w = self.w
        return chain_marginals(ems, w["crf_trans"], w["crf_start"], w["crf_end"])


def chain_marginals(ems: Sequence[np.ndarray], trans: np.ndarray,
                    start: np.ndarray | None = None,
                    end: np.ndarray | None = None) -> list[np.ndarray]:
    """Label marginals of a linear-chain CRF, per sentence (n, L) float32, from its state
    scores ``ems`` (n, L), transition scores ``trans`` (L, L; -inf: never) and optional
    start/end scores; the network's CRF layer and the CRF tagger (:mod:`crf_numpy`) share
    it. Exp space, normalized at every step; the sentences run sorted by length, so at each
    step the ones still running are a suffix of the batch."""
    L = trans.shape[0]
    out: list[np.ndarray] = [np.zeros((0, L), np.float32)] * len(ems)
    order = sorted((i for i, e in enumerate(ems) if len(e)), key=lambda i: len(ems[i]))
    if not order:
        return out

    def exp_shifted(x: np.ndarray) -> np.ndarray:
        # a constant shift scales every path alike: it cancels in the normalized marginals
        x = np.asarray(x, np.float64)
        return np.exp(x - x[np.isfinite(x)].max())

    lens = np.array([len(ems[i]) for i in order])
    B, T = len(order), int(lens[-1])
    E = np.zeros((B, T, L))
    for b, i in enumerate(order):
        e = np.asarray(ems[i], np.float64)
        E[b, : len(e)] = np.exp(e - e.max(axis=1, keepdims=True))
    if start is not None:
        E[:, 0] *= exp_shifted(start)
    first = np.searchsorted(lens, np.arange(T), side="right")
    M = exp_shifted(trans)
    alpha = np.zeros((B, T, L))
    alpha[:, 0] = E[:, 0] / E[:, 0].sum(axis=1, keepdims=True)
    for t in range(1, T):
        s = first[t]
        a = (alpha[s:, t - 1] @ M) * E[s:, t]
        alpha[s:, t] = a / a.sum(axis=1, keepdims=True)
    beta = np.zeros((B, T, L))
    beta[np.arange(B), lens - 1] = 1.0 if end is None else exp_shifted(end)
    for t in range(T - 2, -1, -1):
        s = first[t + 1]  # sentences with a token at t + 1
        b = (E[s:, t + 1] * beta[s:, t + 1]) @ M.T
        beta[s:, t] = b / b.sum(axis=1, keepdims=True)
    p = alpha * beta
    p /= np.maximum(p.sum(axis=2, keepdims=True), 1e-300)
    for b, i in enumerate(order):
        out[i] = p[b, : lens[b]].astype(np.float32)
    return out


def _bilstm_many(nets: Sequence[NeuralTagger], Xs: Sequence[np.ndarray],
                 lens: Sequence[int], extra: tuple[np.ndarray, np.ndarray] | None = None
                 ) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Both LSTM directions of every network in one loop (same hidden size): the backward
    direction runs left to right over each sentence reversed in place, stacked under the
    forward one, so every step is one batched update. X: (N, D) rows of the batch's
    sentences concatenated -> (B, T, 2H) each. ``extra``, (E, B, T, 4H) input projections
    with their (E, H, 4H) recurrent weights, are further LSTMs of the same size
    stepped in the same loop (the contextual language model); their raw (E, B, T, H)
    output is returned second."""
    rows, rev = reversal_index(lens, max(lens))
    xws, Us = [], []
    for net, X in zip(nets, Xs):
        w = net.w
        # project the real rows only, then pad: padding costs no input-layer work
        xws += [pad_rows(X @ w["lstm_f_wih"].T + w["lstm_f_b"], lens),
                pad_rows(X @ w["lstm_b_wih"].T + w["lstm_b_b"], lens)[rows, rev]]
        Us += [w["lstm_f_whh"].T, w["lstm_b_whh"].T]
    if extra is not None:
        xws += list(extra[0])
        Us += list(extra[1])
    # no masking needed: in every stacked direction each sentence is left-aligned, so
    # padding only ever comes after a sentence's last real token
    out = run_lstms(np.stack(xws), np.stack(Us), lens)  # (2K + E, B, T, H)
    res = [np.concatenate([out[2 * k], out[2 * k + 1][rows, rev]], axis=2)
           for k in range(len(nets))]  # padding rows hold zeros: outputs() drops them
    return res, (out[2 * len(nets) :] if extra is not None else None)


def _batch_emissions(nets: Sequence[NeuralTagger], sents: Sequence[Sequence[str]],
                     context=None) -> tuple[list[list[np.ndarray]], list[np.ndarray] | None]:
    lens = [len(s) for s in sents]
    tokens = [t for s in sents for t in s]
    cats: dict[int, dict[str, np.ndarray]] = {}
    Xs = []
    for net in nets:
        cat = cats.get(net.inputs_key)
        if cat is None:
            cat = cats[net.inputs_key] = net.encode_batch(sents)
        Xs.append(net.inputs(cat, tokens))
    states = None
    if len({net.hidden for net in nets}) == 1:
        extra = None
        if context is not None and context.hidden == nets[0].hidden:
            if context.vocab_key == nets[0].vec_key:
                vec = cats[nets[0].inputs_key]["vec"]
                ids = np.where(vec >= 0, vec, context.unk)
            else:
                ids = np.concatenate([context.token_ids(s) for s in sents])
            extra = (context.lstm_inputs(ids, lens), context.U)
        Hs, ctx_out = _bilstm_many(nets, Xs, lens, extra)
        if ctx_out is not None:
            states = context.split_states(ctx_out, lens)
    else:
        Hs = [_bilstm_many([net], [X], lens)[0][0] for net, X in zip(nets, Xs)]
    if context is not None and states is None:
        states = context.states([context.token_ids(s) for s in sents])
    return [net.outputs(H, lens) for net, H in zip(nets, Hs)], states


def emissions_many(nets: Sequence[NeuralTagger], sents: Sequence[Sequence[str]]
                   ) -> list[list[np.ndarray]]:
    """Per network, per sentence (n_tokens, n_labels) emission scores. Sentences run in
    batches of similar length so padding stays small; networks with the same inputs share
    the encoding, and all run their LSTMs in one loop. BLAS runs single-threaded here: the
    matrices are small, and extra threads only contend."""
    return emissions_and_states(nets, sents)[0]


def emissions_and_states(nets: Sequence[NeuralTagger], sents: Sequence[Sequence[str]],
                         context=None) -> tuple[list[list[np.ndarray]], list[np.ndarray]]:
    """:func:`emissions_many`, and with a :class:`context.ContextClusters` also its
    per-sentence language-model states, its LSTMs stepped in the networks' loop."""
    empty = np.zeros((0, len(LABELS)), np.float32)
    out = [[empty] * len(sents) for _ in nets]
    h2 = 2 * context.hidden if context is not None else 0
    states = [np.zeros((0, h2), np.float32)] * len(sents)
    with _one_blas_thread():
        for batch in length_batches([len(s) for s in sents], 64, max_tokens=4096):
            per_net, st = _batch_emissions(nets, [sents[j] for j in batch], context)
            for k, ems in enumerate(per_net):
                for j, em in zip(batch, ems):
                    out[k][j] = em
            if st is not None:
                for j, s in zip(batch, st):
                    states[j] = s
    return out, states
