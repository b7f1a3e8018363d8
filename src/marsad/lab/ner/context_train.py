"""Training the contextual clusters of :mod:`context` (``marsad train ner-context``).

1. Tokenize the unlabelled news (the corpora of ``marsad train ner-resources``) into
   sentences of word ids over the news vectors' vocabulary.
2. Train a one-layer LSTM language model per direction with CPU torch (training only):
   the forward one predicts the next word, the backward one the previous word, both reading
   the frozen int8 news vectors through an adaptive softmax.
3. Run the trained model (numpy, as at inference) over a sample of news sentences and
   k-means the normalized states at each granularity.
4. Write ``context.npz``: vocabulary, vectors, LSTM weights, centroids, settings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from marsad.analyze.ner.clusters import token_key
from marsad.lab.ner.neural_train import _quantize, load_vectors
from marsad.text.segment import split_sentences, tokenize


@dataclass(frozen=True)
class ContextSettings:
    vocab: int = 40_000
    dim: int = 64
    hidden: int = 64
    max_len: int = 60  # longer sentences (or unpunctuated text) are cut into pieces
    batch: int = 64
    steps: int = 8_000
    lr: float = 2e-3
    clusters: int = 256  # coarse clusters; each is split again into ``split`` fine ones
    split: int = 4
    kmeans_sentences: int = 4_000
    seed: int = 1


def corpus_ids(texts: Iterable[str], index: dict[str, int], s: ContextSettings
               ) -> tuple[np.ndarray, np.ndarray]:
    """All sentences as one id array plus offsets; unknown words get ``len(index)``."""
    unk = len(index)
    ids: list[int] = []
    offs = [0]
    memo: dict[str, int] = {}
    for text in texts:
        for sent in split_sentences(text):
            seq = []
            for t in tokenize(text[sent.start : sent.end]):
                k = memo.get(t.text)
                if k is None:
                    k = memo[t.text] = index.get(token_key(t.text), unk)
                seq.append(k)
            for i in range(0, len(seq), s.max_len):
                piece = seq[i : i + s.max_len]
                if len(piece) >= 4:
                    ids.extend(piece)
                    offs.append(len(ids))
    return np.array(ids, dtype=np.int32), np.array(offs, dtype=np.int64)


def _train_lm(ids: np.ndarray, offs: np.ndarray, emb: np.ndarray, s: ContextSettings, log
              ) -> tuple[dict[str, np.ndarray], dict]:
    import torch
    from torch import nn

    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    V, D = emb.shape
    emb_t = torch.tensor(emb)
    lens = np.diff(offs)
    n = len(lens)
    perm = rng.permutation(n)
    held, train = perm[: min(2000, n // 10)], perm[min(2000, n // 10) :]

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.f = nn.LSTM(D, s.hidden, batch_first=True)
            self.b = nn.LSTM(D, s.hidden, batch_first=True)
            self.drop = nn.Dropout(0.1)
            # frequent words get the full hidden size, rarer ones smaller projections
            cutoffs = [c for c in (2000, 10000) if c < V - 1] or [max(1, (V - 1) // 2)]
            self.sm = nn.AdaptiveLogSoftmaxWithLoss(s.hidden, V, cutoffs=cutoffs, div_value=4.0)

    def loss_of(m, idx):
        L = lens[idx]
        T = int(L.max())
        y = np.full((len(idx), T), -1, np.int64)
        yr = y.copy()
        for i, j in enumerate(idx):
            seq = ids[offs[j] : offs[j + 1]]
            y[i, : len(seq)] = seq
            yr[i, : len(seq)] = seq[::-1]
        y_t, yr_t, L_t = torch.tensor(y), torch.tensor(yr), torch.tensor(L)
        hs = []
        for lstm, ys in ((m.f, y_t), (m.b, yr_t)):
            packed = nn.utils.rnn.pack_padded_sequence(emb_t[ys.clamp(min=0)], L_t,
                                                       batch_first=True, enforce_sorted=False)
            h, _ = lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True)
            hs.append(m.drop(h[:, :-1]).reshape(-1, s.hidden))
        # the forward state predicts the next word, the backward state the previous one
        target = torch.cat([y_t[:, 1:T].reshape(-1), yr_t[:, 1:T].reshape(-1)])
        keep = target >= 0
        return m.sm(torch.cat(hs)[keep], target[keep]).loss, int(keep.sum())

    def perplexity(m):
        m.eval()
        tot, k = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(held), 100):
                loss, n_t = loss_of(m, held[i : i + 100])
                tot += float(loss) * n_t
                k += n_t
        m.train()
        return float(np.exp(tot / max(k, 1)))

    m = LM()
    opt = torch.optim.Adam(m.parameters(), lr=s.lr)
    # batches of similar length (little padding), visited in random order
    order = train[np.argsort(lens[train] + rng.random(len(train)), kind="stable")]
    batches = [order[i : i + s.batch] for i in range(0, len(order), s.batch)]
    t0 = time.time()
    step = 0
    while step < s.steps:
        for bi in rng.permutation(len(batches)):
            loss, _ = loss_of(m, batches[bi])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            step += 1
            if step % 1000 == 0:
                log(f"step {step}/{s.steps}: loss {float(loss.detach()):.3f} "
                    f"({time.time() - t0:.0f}s)")
            if step >= s.steps:
                break
    ppl = perplexity(m)
    log(f"held-out perplexity {ppl:.1f}")
    sd = {k: v.detach().numpy() for k, v in m.state_dict().items()}
    w = {}
    for d in ("f", "b"):
        w[f"{d}_wih"] = sd[f"{d}.weight_ih_l0"]
        w[f"{d}_whh"] = sd[f"{d}.weight_hh_l0"]
        w[f"{d}_b"] = sd[f"{d}.bias_ih_l0"] + sd[f"{d}.bias_hh_l0"]
    return w, {"perplexity": round(ppl, 1), "train_sentences": len(train),
               "tokens_seen": int(step * s.batch * lens.mean()),
               "seconds": round(time.time() - t0)}


def fit_centroids(states: np.ndarray, s: ContextSettings) -> dict[str, np.ndarray]:
    """Two nested levels: k-means into ``s.clusters``, then each cluster's members into
    ``s.split`` (fine cluster ``c * split + j``), so assigning a token to a fine cluster
    costs ``clusters + split`` dot products instead of ``clusters * split``."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    km = MiniBatchKMeans(s.clusters, random_state=s.seed, n_init=3, batch_size=4096).fit(states)
    coarse = km.cluster_centers_
    fine = np.repeat(coarse, s.split, axis=0)
    for c in range(s.clusters):
        members = states[km.labels_ == c]
        if len(members) >= s.split:
            sub = KMeans(s.split, random_state=s.seed, n_init=3).fit(members)
            fine[c * s.split : (c + 1) * s.split] = sub.cluster_centers_
    return {"centroids0": coarse.astype(np.float16), "centroids1": fine.astype(np.float16)}


def build_context(texts: Iterable[str], vectors_path: Path, out: Path,
                  s: ContextSettings = ContextSettings(), log=print) -> dict:
    """The whole recipe; writes ``out`` (``context.npz``) and returns a summary."""
    from marsad.analyze.ner.context import ContextClusters, input_rows

    t0 = time.time()
    words, vecs = load_vectors(vectors_path, s.vocab, s.dim)
    vq, vscale = _quantize(vecs)
    emb = input_rows(vq, vscale)
    ids, offs = corpus_ids(texts, {w: i for i, w in enumerate(words)}, s)
    log(f"corpus: {len(offs) - 1} sentences, {len(ids)} tokens "
        f"({(ids == len(words)).mean():.1%} unknown) in {time.time() - t0:.0f}s")
    w, info = _train_lm(ids, offs, emb, s, log)
    payload = {"words": np.array(words), "vec_q": vq, "vec_scale": vscale,
               **{k: v.astype(np.float16) for k, v in w.items()}}
    # centroids from the exported (float16) model run as at inference
    ctx = ContextClusters({**payload, "granularities": np.array(0)})
    rng = np.random.default_rng(s.seed)
    pick = rng.choice(len(offs) - 1, min(s.kmeans_sentences, len(offs) - 1), replace=False)
    states = np.concatenate(ctx.states([ids[offs[j] : offs[j + 1]].astype(np.int64)
                                        for j in pick]))
    states /= np.linalg.norm(states, axis=1, keepdims=True) + 1e-8
    out.parent.mkdir(parents=True, exist_ok=True)
    # allow_pickle is numpy's default, named so that no array can be taken for it
    np.savez_compressed(out, allow_pickle=True, granularities=2, **payload,
                        **fit_centroids(states, s))
    summary = {"settings": asdict(s),
               "corpus_sentences": int(len(offs) - 1), "corpus_tokens": len(ids),
               "kmeans_tokens": len(states), **info,
               "total_seconds": round(time.time() - t0)}
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    log(f"wrote {out} in {time.time() - t0:.0f}s")
    return summary
