"""Train and cross-validate the row check (:mod:`rowcheck`) on whole annotated articles.

Each article is coded with everything but the check; the field scorer matches its rows to the
gold (a row is positive when it matches a gold incident of its type, as precision counts it).
A logistic model is fitted on the rows of the other folds (folds are whole articles) and each
article's rows are kept or dropped by its fold's model, so the printed figures for an article
come from a model that never saw it. The threshold is the one with the best cross-validated
F1 over the pooled training sets; the shipped model is fitted on all of them.

    python -m marsad.lab.events.rowcheck_train [--cv-only] [--sets dev,own-snn,own-ant]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.rowcheck import RowCheck, model_path, row_features
from marsad.lab.events.field_eval import FieldReport, match_article, score_field
from marsad.lab.events.roles_train import (
    TRAIN_SETS,
    ArticleSet,
    fold_of,
    load_sets,
    scores_by_fold,
    table_row,
)


@dataclass
class RowExample:
    article: str
    feats: list[str]
    real: bool


def collect(sets: Sequence[ArticleSet], coder: EventCoder | None = None) -> list[RowExample]:
    """One example per row the coder (default: the shipped one without a row check) keeps,
    labelled by whether it matches a gold incident."""
    coder = coder or EventCoder(rowcheck=None)
    out: list[RowExample] = []
    for s in sets:
        for aid, a in s.pairs:
            a.events = coder.code(a)
            rep = FieldReport()
            match_article(aid, a, s.gold.get(aid, []), rep)
            head = len(a.document.title) if a.document.title else 0
            for row in rep.rows:
                out.append(RowExample(f"{s.name}:{aid}", row_features(a, row.event, a.events, head), row.gold is not None))
    return out


def fit(examples: Sequence[RowExample], *, l2: float = 3.0, steps: int = 400, lr: float = 0.05,
        min_count: int = 2) -> dict[str, float]:
    counts: dict[str, int] = {}
    for e in examples:
        for x in set(e.feats):
            counts[x] = counts.get(x, 0) + 1
    vocab = {x: i for i, x in enumerate(sorted(x for x, n in counts.items() if n >= min_count))}
    n, d = len(examples), len(vocab) + 1  # the last column is the bias
    X = np.zeros((n, d), dtype=np.float32)
    for i, e in enumerate(examples):
        for x in e.feats:
            j = vocab.get(x)
            if j is not None:
                X[i, j] = 1.0
        X[i, -1] = 1.0
    y = np.array([e.real for e in examples], dtype=np.float32)
    w = np.zeros(d)
    m1, m2 = np.zeros(d), np.zeros(d)
    reg = np.full(d, l2)
    reg[-1] = 0.0
    for step in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = (X.T @ (p - y) + reg * w) / n
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        w -= lr * (m1 / (1 - 0.9 ** step)) / (np.sqrt(m2 / (1 - 0.999 ** step)) + 1e-8)
    out = {x: round(float(w[j]), 4) for x, j in vocab.items() if abs(w[j]) >= 1e-4}
    out["_bias"] = round(float(w[-1]), 4)
    return out


def field_scores(sets: Sequence[ArticleSet], checks: dict[int, RowCheck | None], k: int) -> dict[str, dict]:
    """Field figures per set, each article's rows checked by the check of its fold."""
    return scores_by_fold(sets, {f: EventCoder(rowcheck=c) for f, c in checks.items()}, k)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.rowcheck_train",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS)
    ap.add_argument("--check-sets", default="own-snn,own-ant", help="sets scored by the final model only (never trained on)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--thresholds", default="0.2,0.25,0.3,0.35,0.4,0.45,0.5")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--out", default=str(model_path()))
    args = ap.parse_args(argv)
    sets = load_sets(args.sets.split(","))
    examples = collect(sets)
    print(f"rows: {len(examples)}, real: {sum(e.real for e in examples)}", file=sys.stderr)
    k = args.folds
    weights = {f: fit([e for e in examples if fold_of(e.article, k) != f], l2=args.l2) for f in range(k)}
    cols = ("precision", "recall", "f1", "rows_per_incident", "source", "target", "all_right_of_rows")
    print("set        check   " + " ".join(f"{c[:9]:>9}" for c in cols))
    none = field_scores(sets, {f: None for f in range(k)}, k)
    for s in sets:
        print(table_row(s.name, "none   ", none[s.name], cols))
    best, best_f1 = 0.5, -1.0
    for thr in (float(x) for x in args.thresholds.split(",")):
        res = field_scores(sets, {f: RowCheck(w, {"threshold": thr}) for f, w in weights.items()}, k)
        for s in sets:
            print(table_row(s.name, f"cv@{thr:<4}", res[s.name], cols))
        pooled = score_field([p for s in sets for p in s.pairs], {g: v for s in sets for g, v in s.gold.items()}).summary()
        if (pooled["f1"] or 0) > best_f1:
            best, best_f1 = thr, pooled["f1"] or 0
    print(f"threshold with the best pooled cross-validated F1: {best} (F1 {best_f1:.3f})")
    if not args.cv_only:
        check = RowCheck(fit(examples, l2=args.l2), {"threshold": best, "rows": len(examples), "l2": args.l2})
        Path(args.out).write_text(check.to_json(), encoding="utf-8")
        print(f"wrote {args.out}: {len(check.weights)} weights from {len(examples)} rows")
        if args.check_sets:
            checks = load_sets(args.check_sets.split(","))
            res = field_scores(checks, {f: check for f in range(k)}, k)
            base = field_scores(checks, {f: None for f in range(k)}, k)
            for s in checks:
                print(table_row(s.name, "none   ", base[s.name], cols))
                print(table_row(s.name, "final  ", res[s.name], cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
