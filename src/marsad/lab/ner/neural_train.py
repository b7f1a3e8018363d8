"""Training the BiLSTM-CRF of :mod:`neural` with CPU torch (a training-only dependency:
``pip install torch==2.13.0``). Writes ``neural.npz`` + ``neural.json`` into the model
directory; inference never imports torch."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from marsad.analyze.ner.clusters import cluster_key
from marsad.analyze.ner.conll import ConllSentence
from marsad.analyze.ner.features import FeatureExtractor
from marsad.analyze.ner.neural import DISC_V2, LABELS, MAX_CHARS, Encoder, NeuralTagger
from marsad.analyze.ner.scorer import score_sentences
from marsad.errors import ResourceMissing
from marsad.text.normalize import remove_invisible


@dataclass(frozen=True)
class NeuralSettings:
    vec_vocab: int = 40_000
    vec_dim: int = 64
    word_dim: int = 32
    char_dim: int = 24
    char_filters: int = 32
    char_width: int = 3
    input_dim: int = 128
    hidden: int = 64
    dropout: float = 0.5
    word_dropout: float = 0.15
    epochs: int = 20
    batch: int = 16
    lr: float = 2e-3
    lr_end: float = 0.1  # learning rate of the last epoch, as a fraction of lr (linear decay)
    seed: int = 7
    # add this fraction of the training sentences that hold names again, each name swapped
    # (with probability 0.8) for another training name of its type: the network learns
    # names from their context, not only by heart
    augment: float = 0.0


def _quantize(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(m).max(axis=1) / 127.0 + 1e-12
    return np.round(m / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def load_vectors(path: Path, vocab: int, dim: int) -> tuple[list[str], np.ndarray]:
    """The first ``vocab`` rows and ``dim`` SVD components of the news vectors (the
    components are ordered by singular value, so a prefix is the best smaller embedding)."""
    if not path.exists():
        raise ResourceMissing(f"word vectors {path}", fix="marsad train ner-resources")
    data = np.load(path)
    words = list(data["words"][:vocab])
    m = data["vectors"][:vocab, :dim].astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-8
    return words, m


def mention_replacement(sents: Sequence[ConllSentence], fraction: float, seed: int
                        ) -> list[ConllSentence]:
    """Copies of about ``fraction`` of the sentences that hold names, each name replaced
    (probability 0.8) by a random name of the same type from ``sents``."""
    import random

    from marsad.analyze.ner.scorer import spans_from_bio

    pools: dict[str, list[tuple[str, ...]]] = {}
    for x in sents:
        for a, b, t in spans_from_bio(x.labels):
            pools.setdefault(t, []).append(tuple(x.tokens[a:b]))
    rng = random.Random(seed)
    out = []
    for x in sents:
        spans = spans_from_bio(x.labels)
        if not spans or rng.random() >= fraction:
            continue
        toks: list[str] = []
        labs: list[str] = []
        last = 0
        for a, b, t in spans:
            toks += x.tokens[last:a]
            labs += x.labels[last:a]
            name = rng.choice(pools[t]) if rng.random() < 0.8 else tuple(x.tokens[a:b])
            toks += name
            labs += ["B-" + t] + ["I-" + t] * (len(name) - 1)
            last = b
        out.append(ConllSentence(toks + x.tokens[last:], labs + x.labels[last:]))
    return out


def train_neural(train: Sequence[ConllSentence], dev: Sequence[ConllSentence], out: Path,
                 extractor: FeatureExtractor, vectors_path: Path,
                 s: NeuralSettings = NeuralSettings(), log=print, stem: str = "neural") -> dict:
    """Train one network into ``out/{stem}.npz`` + ``{stem}.json`` (with ``dev``: keep the
    epoch that scores best on it; without: the last)."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    if s.augment:
        extra = mention_replacement(train, s.augment, s.seed)
        log(f"mention replacement: {len(extra)} extra sentences")
        train = [*train, *extra]
    vec_words, vecs = load_vectors(vectors_path, s.vec_vocab, s.vec_dim)
    vq, vscale = _quantize(vecs)
    vecs = vq.astype(np.float32) * vscale[:, None]  # train on what inference will see
    counts = Counter(cluster_key(remove_invisible(t)) for x in train for t in x.tokens)
    train_words = ["<unk>"] + sorted(w for w, c in counts.items() if c >= 2)
    chars = ["<pad>", "<unk>"] + sorted({c for w in counts for c in w})
    enc = Encoder({k: i for i, k in enumerate(vec_words)},
                  {k: i for i, k in enumerate(train_words)},
                  {c: i for i, c in enumerate(chars)}, extractor, DISC_V2)
    n_disc = len(DISC_V2)
    lab_index = {lab: i for i, lab in enumerate(LABELS)}

    def prep(sents):
        return [(enc.encode(x.tokens), np.array([lab_index[lab] for lab in x.labels]))
                for x in sents]

    t0 = time.time()
    tr_data = prep(train)
    log(f"encoded in {time.time() - t0:.0f}s; {len(train_words)} train words, {len(chars)} chars")
    vec_t = torch.tensor(vecs)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.word_emb = nn.Embedding(len(train_words), s.word_dim)
            self.char_emb = nn.Embedding(len(chars), s.char_dim, padding_idx=0)
            self.char_conv = nn.Conv1d(s.char_dim, s.char_filters, s.char_width,
                                       padding=s.char_width // 2)
            d_in = 2 * s.vec_dim + s.word_dim + s.char_filters + n_disc
            self.inp = nn.Linear(d_in, s.input_dim)
            self.lstm = nn.LSTM(s.input_dim, s.hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * s.hidden, len(LABELS))
            self.trans = nn.Parameter(torch.zeros(len(LABELS), len(LABELS)))
            self.start = nn.Parameter(torch.zeros(len(LABELS)))
            self.end = nn.Parameter(torch.zeros(len(LABELS)))
            self.drop = nn.Dropout(s.dropout)

        def emissions(self, b):
            vec, svec, wid, ch, disc, lens = b
            v = torch.where(vec[..., None] >= 0, vec_t[vec.clamp(min=0)], 0.0)
            sv = torch.where(svec[..., None] >= 0, vec_t[svec.clamp(min=0)], 0.0)
            w = self.word_emb(wid)
            B, T, C = ch.shape
            ce = self.char_emb(ch.view(B * T, C)).transpose(1, 2)  # (BT, E, C)
            conv = self.char_conv(ce).transpose(1, 2)  # (BT, C, F)
            cm = (ch.view(B * T, C) > 0)[..., None]
            conv = torch.where(cm, conv, torch.full_like(conv, -1e4)).max(dim=1).values
            conv = torch.where(cm.any(dim=1), torch.relu(conv), torch.zeros_like(conv))
            x = torch.cat([v, sv, w, conv.view(B, T, -1), disc], dim=2)
            x = torch.relu(self.inp(self.drop(x)))
            packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True,
                                                       enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=T)
            return self.out(self.drop(h))

        def nll(self, em, y, mask):
            T = em.shape[1]
            score = self.start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
            alpha = self.start[None] + em[:, 0]
            for t in range(1, T):
                m = mask[:, t]
                step = self.trans[y[:, t - 1], y[:, t]] + em[:, t].gather(1, y[:, t : t + 1]).squeeze(1)
                score = score + step * m
                nxt = torch.logsumexp(alpha[:, :, None] + self.trans[None], dim=1) + em[:, t]
                alpha = torch.where(m[:, None] > 0, nxt, alpha)
            last = y.gather(1, (mask.sum(1).long() - 1)[:, None]).squeeze(1)
            score = score + self.end[last]
            z = torch.logsumexp(alpha + self.end[None], dim=1)
            return (z - score).sum()

    def batchify(items, train_mode):
        n = len(items)
        T = max(len(y) for _, y in items)
        vec = np.full((n, T), -1)
        svec = np.full((n, T), -1)
        wid = np.zeros((n, T), dtype=np.int64)
        ch = np.zeros((n, T, MAX_CHARS), dtype=np.int64)
        disc = np.zeros((n, T, n_disc), dtype=np.float32)
        y = np.zeros((n, T), dtype=np.int64)
        mask = np.zeros((n, T), dtype=np.float32)
        for i, (e, lab) in enumerate(items):
            k = len(lab)
            vec[i, :k], svec[i, :k], ch[i, :k], disc[i, :k] = e["vec"], e["svec"], e["chars"], e["disc"]
            w = e["wid"].copy()
            if train_mode and s.word_dropout:
                w[rng.random(k) < s.word_dropout] = 0
            wid[i, :k] = w
            y[i, :k] = lab
            mask[i, :k] = 1
        lens = torch.tensor([len(lab) for _, lab in items])
        return (torch.tensor(vec), torch.tensor(svec), torch.tensor(wid), torch.tensor(ch),
                torch.tensor(disc), lens), torch.tensor(y), torch.tensor(mask)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=s.lr)
    out.mkdir(parents=True, exist_ok=True)
    best = (-1.0, 0)
    history = []
    for epoch in range(1, s.epochs + 1):
        frac = (epoch - 1) / max(1, s.epochs - 1)
        for group in opt.param_groups:
            group["lr"] = s.lr * (1.0 + (s.lr_end - 1.0) * frac)
        net.train()
        order = rng.permutation(len(tr_data))
        total = 0.0
        t0 = time.time()
        for i in range(0, len(order), s.batch):
            b, y, mask = batchify([tr_data[j] for j in order[i : i + s.batch]], True)
            loss = net.nll(net.emissions(b), y, mask)
            opt.zero_grad()
            (loss / len(y)).backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += float(loss.detach())
        _export(net, out, vq, vscale, vec_words, train_words, chars, s, stem)
        f1 = -1.0
        if dev:
            tagger = NeuralTagger(out, extractor, stem)
            pred = tag_neural(tagger, [x.tokens for x in dev])
            f1 = score_sentences([x.labels for x in dev], pred).overall.f1
        history.append({"epoch": epoch, "loss": round(total, 1), "dev_f1": round(f1, 2),
                        "seconds": round(time.time() - t0, 1)})
        dev_note = f" dev F1 {f1:.2f}" if dev else ""
        log(f"epoch {epoch}: loss {total:.0f}{dev_note} ({time.time() - t0:.0f}s)")
        if f1 > best[0]:
            best = (f1, epoch)
            for f in (f"{stem}.npz", f"{stem}.json"):
                (out / f).replace(out / f"best_{f}")
    if dev:
        for f in (f"{stem}.npz", f"{stem}.json"):
            (out / f"best_{f}").replace(out / f)
    return {"settings": asdict(s), "history": history, "best_epoch": best[1],
            "best_dev_f1": round(best[0], 2)}


def _export(net, out: Path, vq, vscale, vec_words, train_words, chars, s: NeuralSettings,
            stem: str = "neural") -> None:
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    w = {
        "word_emb": sd["word_emb.weight"], "char_emb": sd["char_emb.weight"],
        "char_conv_w": sd["char_conv.weight"].transpose(0, 1, 2),
        "char_conv_b": sd["char_conv.bias"],
        "in_w": sd["inp.weight"], "in_b": sd["inp.bias"],
        "lstm_f_wih": sd["lstm.weight_ih_l0"], "lstm_f_whh": sd["lstm.weight_hh_l0"],
        "lstm_f_b": sd["lstm.bias_ih_l0"] + sd["lstm.bias_hh_l0"],
        "lstm_b_wih": sd["lstm.weight_ih_l0_reverse"], "lstm_b_whh": sd["lstm.weight_hh_l0_reverse"],
        "lstm_b_b": sd["lstm.bias_ih_l0_reverse"] + sd["lstm.bias_hh_l0_reverse"],
        "out_w": sd["out.weight"], "out_b": sd["out.bias"],
        "crf_trans": sd["trans"], "crf_start": sd["start"], "crf_end": sd["end"],
    }
    w = {k: v.astype(np.float16) for k, v in w.items()}
    np.savez_compressed(out / f"{stem}.npz", vec_q=vq, vec_scale=vscale, **w)
    (out / f"{stem}.json").write_text(json.dumps(
        {"vec_words": vec_words, "train_words": train_words, "chars": chars,
         "hidden": s.hidden, "labels": LABELS, "disc": list(DISC_V2)}, ensure_ascii=False),
        encoding="utf-8")


def tag_neural(tagger: NeuralTagger, sents: Sequence[Sequence[str]], batch: int = 64) -> list[list[str]]:
    """Viterbi-free decoding for dev scoring: argmax of constrained marginals."""
    from marsad.analyze.ner.decode import decode_marginals

    out: list[list[str]] = []
    for i in range(0, len(sents), batch):
        chunk = [s for s in sents[i : i + batch]]
        nonempty = [s for s in chunk if s]
        ems = iter(tagger.emissions(nonempty)) if nonempty else iter(())
        for s in chunk:
            if not s:
                out.append([])
                continue
            out.append(decode_marginals(tagger.marginals(next(ems))))
    return out
