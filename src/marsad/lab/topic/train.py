"""Training the topic model: features once, then fit, prune, calibrate, refit.

1. Count every article's features once (one sparse matrix for the whole corpus).
2. Hold out a stratified 20% (by corpus and label) as dev.
3. Harmonize the label sets: a corpus without a health (or religion) class files such
   stories under another label (ANT puts medical studies in technology). A model trained
   on the corpora that do have the class flags those articles, and they are left out of
   training rather than taught as technology.
4. Fit a class-balanced linear SVM on the rest, keep the ``max_features`` features with
   the largest weights (a compact model loses nothing here: the dev score does not drop),
   refit on those.
5. Fit a softmax temperature on the dev decision scores (calibration), score dev.
6. Refit on all articles with the same features and temperature: the shipped model.

Class balancing matters out of domain: without it the small classes collapse into
politics, which dominates one corpus.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from marsad.analyze.topic.data import Article, stratified_split
from marsad.analyze.topic.features import GROUPS, article_features
from marsad.analyze.topic.model import LABELS, TopicModel, softmax
from marsad.analyze.topic.vectorize import count_matrix, document_frequency, smooth_idf, weigh
from marsad.lab.topic.metrics import Scores, score


@dataclass(frozen=True)
class TrainConfig:
    c: float = 1.0  # SVM regularization (larger = less regularized)
    max_features: int = 60_000
    min_df: int = 2
    dev_fraction: float = 0.2
    seed: int = 0
    refit: bool = True  # refit on dev too for the shipped model
    harmonize: float | None = 0.7  # drop threshold for label-set harmonization (None: off)


@dataclass
class FeatureTable:
    """Feature counts of every article, with the vocabulary and each column's group."""

    counts: sp.csr_matrix
    features: list[str]
    groups: np.ndarray

    @classmethod
    def build(cls, articles: Sequence[Article]) -> FeatureTable:
        vocab: dict[str, int] = {}
        counts = count_matrix((article_features(a.title, a.text) for a in articles), vocab, grow=True)
        features = [""] * len(vocab)
        for f, j in vocab.items():
            features[j] = f
        groups = np.array([GROUPS.index(f[0]) for f in features], dtype=np.int8)
        return cls(counts, features, groups)


@dataclass
class Fitted:
    """A linear model over a subset of a table's columns."""

    cols: np.ndarray
    idf: np.ndarray
    coef: np.ndarray  # (len(cols), n_labels)
    intercept: np.ndarray
    labels: tuple[str, ...]

    def decision(self, table: FeatureTable, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        x = weigh(table.counts[rows][:, self.cols], self.idf, table.groups[self.cols], len(GROUPS))
        return np.asarray(x @ self.coef) + self.intercept


def _svm(x: sp.csr_matrix, y: np.ndarray, labels: tuple[str, ...], c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.svm import LinearSVC

    present = [lab for lab in labels if (y == lab).any()]
    if len(present) < 2:
        raise ValueError("training needs at least two labels")
    clf = LinearSVC(C=c, class_weight="balanced", max_iter=5000).fit(x, y)
    coef = np.zeros((x.shape[1], len(labels)), dtype=np.float32)
    intercept = np.full(len(labels), -10.0, dtype=np.float32)  # absent labels never win
    classes = list(clf.classes_)
    if len(classes) == 2:  # sklearn gives one column for two classes
        w, b = clf.coef_[0], clf.intercept_[0]
        cw, cb = np.stack([-w, w]), np.array([-b, b])
    else:
        cw, cb = clf.coef_, clf.intercept_
    for k, lab in enumerate(classes):
        j = labels.index(lab)
        coef[:, j] = cw[k]
        intercept[j] = cb[k]
    return coef, intercept


def fit(table: FeatureTable, rows: Sequence[int] | np.ndarray, y: np.ndarray, cfg: TrainConfig,
        *, labels: tuple[str, ...] = LABELS, cols: np.ndarray | None = None) -> Fitted:
    """Fit on ``rows``; choose the features unless ``cols`` is given."""
    rows = np.asarray(rows)
    sub = table.counts[rows]
    if cols is None:
        df = document_frequency(sub)
        cols = np.flatnonzero(df >= cfg.min_df)
        idf = smooth_idf(df[cols], len(rows))
        x = weigh(sub[:, cols], idf, table.groups[cols], len(GROUPS))
        coef, _ = _svm(x, y, labels, cfg.c)
        if len(cols) > cfg.max_features:
            keep = np.sort(np.argsort(-np.abs(coef).max(axis=1), kind="stable")[: cfg.max_features])
            cols = cols[keep]
    df = document_frequency(sub[:, cols])
    idf = smooth_idf(df, len(rows))
    x = weigh(sub[:, cols], idf, table.groups[cols], len(GROUPS))
    coef, intercept = _svm(x, y, labels, cfg.c)
    return Fitted(cols, idf, coef, intercept, labels)


def harmonize(table: FeatureTable, rows: np.ndarray, y: np.ndarray, corpus: np.ndarray,
              cfg: TrainConfig) -> np.ndarray:
    """Rows of ``rows`` to train on: those of a corpus lacking some label are dropped when
    a model trained on the corpora that have it assigns them that label with probability
    ``cfg.harmonize`` or more (temperature 0.33, about the calibrated one)."""
    rows = np.asarray(rows)
    if cfg.harmonize is None:
        return rows
    drop: set[int] = set()
    names = sorted(set(corpus[rows]))
    for c in names:
        mine = rows[corpus[rows] == c]
        missing = sorted(set(y[rows]) - set(y[mine]))
        if not missing or not len(mine):
            continue
        others = rows[corpus[rows] != c]
        having = [o for o in names if o != c and set(missing) <= set(y[others[corpus[others] == o]])]
        teach = others[np.isin(corpus[others], having)]
        if not len(teach):
            continue
        f = fit(table, teach, y[teach], cfg)
        p = softmax(f.decision(table, mine) / 0.33)
        k = p.argmax(1)
        flagged = np.isin(np.array(f.labels)[k], missing) & (p.max(1) >= cfg.harmonize)
        drop.update(mine[flagged].tolist())
    return np.array([r for r in rows if r not in drop])


def fit_temperature(decision: np.ndarray, gold_idx: np.ndarray) -> float:
    """The softmax temperature minimizing held-out negative log-likelihood."""

    def nll(t: float) -> float:
        p = softmax(decision / t)
        return float(-np.log(np.maximum(p[np.arange(len(gold_idx)), gold_idx], 1e-12)).mean())

    grid = np.exp(np.linspace(np.log(0.01), np.log(10.0), 61))
    best = min(grid, key=nll)
    lo, hi = best / 1.13, best * 1.13
    for _ in range(30):  # golden-section refinement in log space
        a, b = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        if nll(a) < nll(b):
            hi = b
        else:
            lo = a
    return float((lo + hi) / 2)


def data_hash(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def evaluate_fitted(f: Fitted, table: FeatureTable, rows: Sequence[int] | np.ndarray,
                    gold: Sequence[str] | np.ndarray, temperature: float = 1.0) -> Scores:
    d = f.decision(table, rows)
    p = softmax(d / temperature)
    pred = [f.labels[k] for k in p.argmax(1)]
    return score(list(gold), pred, labels=f.labels, confidence=p.max(1))


def train_topic_model(
    articles: Sequence[Article], cfg: TrainConfig = TrainConfig(), *,
    log: Callable[[str], None] = lambda s: None, table: FeatureTable | None = None,
) -> tuple[TopicModel, dict[str, Any]]:
    """Train (see module docstring); returns the model and a report for ``model.json``."""
    labelled = [a for a in articles if a.label]
    if len(labelled) < 10:
        raise ValueError(f"too few labelled articles to train on ({len(labelled)})")
    t0 = time.perf_counter()
    table = table or FeatureTable.build(labelled)
    log(f"features: {len(labelled)} articles, {len(table.features)} distinct features")
    y = np.array([a.label for a in labelled])
    train_rows, dev_rows = stratified_split(
        [(a.corpus, a.label) for a in labelled], fraction=cfg.dev_fraction, seed=cfg.seed
    )
    corpora = np.array([a.corpus or "" for a in labelled])
    fit_rows = harmonize(table, np.asarray(train_rows), y, corpora, cfg)
    log(f"harmonize: {len(train_rows) - len(fit_rows)} training articles left out "
        f"({time.perf_counter() - t0:.0f}s)")
    f = fit(table, fit_rows, y[fit_rows], cfg)
    d = f.decision(table, dev_rows)
    gold_idx = np.array([LABELS.index(lab) for lab in y[dev_rows]])
    temperature = fit_temperature(d, gold_idx)
    raw = evaluate_fitted(f, table, dev_rows, y[dev_rows], 1.0)
    dev = evaluate_fitted(f, table, dev_rows, y[dev_rows], temperature)
    assert raw.ece is not None and dev.ece is not None  # evaluate_fitted gives confidences
    log(f"dev: accuracy {dev.accuracy * 100:.2f}%  macro-F1 {dev.macro_f1 * 100:.2f}  "
        f"temperature {temperature:.3f}  ECE {raw.ece * 100:.2f} -> {dev.ece * 100:.2f} "
        f"({time.perf_counter() - t0:.0f}s)")
    by_corpus = {}
    for c in sorted(set(corpora[dev_rows])):
        rows = [r for r in dev_rows if corpora[r] == c]
        s = evaluate_fitted(f, table, rows, y[rows], temperature)
        by_corpus[c or "-"] = {"n": s.n, "accuracy": s.accuracy, "macro_f1": s.macro_f1}
    if cfg.refit:
        kept = harmonize(table, np.arange(len(labelled)), y, corpora, cfg)
        f = fit(table, kept, y[kept], cfg, cols=f.cols)
        log(f"refit on all {len(labelled)} articles less {len(labelled) - len(kept)} left out "
            f"({time.perf_counter() - t0:.0f}s)")
    model = TopicModel(
        labels=LABELS,
        vocab={table.features[j]: i for i, j in enumerate(f.cols)},
        groups=table.groups[f.cols],
        idf=f.idf,
        coef=f.coef,
        intercept=f.intercept,
        temperature=temperature,
    )
    report = {
        "config": asdict(cfg),
        "n_articles": len(labelled),
        "n_train": len(fit_rows),
        "n_harmonize_dropped": len(train_rows) - len(fit_rows),
        "n_dev": len(dev_rows),
        "label_counts": {lab: int((y == lab).sum()) for lab in LABELS},
        "dev": {"accuracy": dev.accuracy, "macro_f1": dev.macro_f1, "ece": dev.ece,
                "ece_uncalibrated": raw.ece, "by_corpus": by_corpus,
                "labels": dev.labels, "confusion": dev.confusion},
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    model.meta = report
    return model, report


def ood_proxies(
    articles: Sequence[Article], cfg: TrainConfig = TrainConfig(), *,
    log: Callable[[str], None] = lambda s: None, table: FeatureTable | None = None,
) -> dict[str, Any]:
    """Out-of-domain stand-ins, scored on the dev part of the split only:

    * cross-corpus: train on one corpus, test on the other on the labels they share;
    * leave-one-source-out: train on everything but one news site, test on that site
      (a new site, like the out-of-domain test set)."""
    labelled = [a for a in articles if a.label]
    table = table or FeatureTable.build(labelled)
    y = np.array([a.label for a in labelled])
    corpus = np.array([a.corpus or "" for a in labelled])
    source = np.array([a.source or "" for a in labelled])
    _train_rows, dev_rows = stratified_split(
        [(a.corpus, a.label) for a in labelled], fraction=cfg.dev_fraction, seed=cfg.seed
    )
    is_dev = np.zeros(len(labelled), dtype=bool)
    is_dev[dev_rows] = True
    out: dict[str, Any] = {"cross_corpus": {}, "leave_one_source_out": {}}
    corpora = sorted(set(corpus) - {""})
    for a in corpora:
        for b in corpora:
            if a == b:
                continue
            shared = sorted(set(y[corpus == a]) & set(y[corpus == b]))
            tr = np.flatnonzero(~is_dev & (corpus == a))
            te = np.flatnonzero(is_dev & (corpus == b) & np.isin(y, shared))
            f = fit(table, tr, y[tr], cfg)
            s = evaluate_fitted(f, table, te, y[te])
            out["cross_corpus"][f"{a}->{b}"] = {"n": s.n, "accuracy": s.accuracy,
                                                "macro_f1": s.macro_f1, "labels": shared}
            log(f"cross-corpus {a} -> {b}: accuracy {s.accuracy * 100:.2f}%  "
                f"macro-F1 {s.macro_f1 * 100:.2f}  (n={s.n}, labels {', '.join(shared)})")
    for src in sorted(set(source) - {""}):
        tr = harmonize(table, np.flatnonzero(~is_dev & (source != src)), y, corpus, cfg)
        te = np.flatnonzero(is_dev & (source == src))
        f = fit(table, tr, y[tr], cfg)
        s = evaluate_fitted(f, table, te, y[te])
        out["leave_one_source_out"][src] = {"n": s.n, "accuracy": s.accuracy, "macro_f1": s.macro_f1}
        log(f"leave out {src}: accuracy {s.accuracy * 100:.2f}%  macro-F1 {s.macro_f1 * 100:.2f}  (n={s.n})")
    loso = out["leave_one_source_out"]
    if loso:
        out["leave_one_source_out_mean_macro_f1"] = float(np.mean([v["macro_f1"] for v in loso.values()]))
        log(f"leave-one-source-out mean macro-F1 {out['leave_one_source_out_mean_macro_f1'] * 100:.2f}")
    return out
