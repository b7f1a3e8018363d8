"""Train and cross-validate the learned merge decision (:class:`merge.MergeModel`).

Each training article (``TRAIN_SETS``: never the check sets) is coded without merging and
without the row check; the field scorer matches every row to the gold on its own. Every
pair of rows of one type, the later against each earlier one, both matched and without a
decisive conflict (:func:`merge.learned_conflicts`: two or more never merge), is an example: positive when both
rows tell the same gold incident. A logistic model (the row check's
fitter) is fitted on the other folds' pairs (folds are whole articles); each article is then
merged with its fold's model and checked by the shipped row check, as the coder does, so the
printed figures for an article come from a model that never saw it. The threshold is the one
with the best pooled cross-validated F1 among those that do not raise rows per incident; the
shipped model is fitted on all articles.

    MARSAD_DATA=../shared/data python -m marsad.lab.events.merge_train [--cv-only]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.merge import (
    LEARNED_MAX_CONFLICTS,
    MODEL_FILE,
    MergeModel,
    learned_conflicts,
    merge_document,
    pair_features,
    told_apart,
)
from marsad.analyze.events.rowcheck import default_row_check
from marsad.analyze.events.weights import shipped_path
from marsad.lab.events.field_eval import FieldReport, match_article, score_field
from marsad.lab.events.roles_train import TRAIN_SETS, ArticleSet, fold_of, load_sets, table_row
from marsad.lab.events.rowcheck_train import RowExample, fit
from marsad.model import Analysis, Event

COLS = ("precision", "recall", "f1", "rows_per_incident", "all_right_of_rows")
NO_MODEL = False  # merge_document(model=False): the rules


def unmerged(coder: EventCoder, a: Analysis) -> list[Event]:
    return coder.code(a, merge_mentions=False)


def collect(sets: Sequence[ArticleSet]) -> tuple[list[RowExample], dict[str, list[Event]]]:
    """Pair examples of every article, and each article's unmerged rows (by fold key)."""
    coder = EventCoder(rowcheck=None)
    out: list[RowExample] = []
    rows_of: dict[str, list[Event]] = {}
    for s in sets:
        for aid, a in s.pairs:
            rows = unmerged(coder, a)
            key = f"{s.name}:{aid}"
            rows_of[key] = rows
            a.events = [_copy(e) for e in rows]
            rep = FieldReport()
            match_article(aid, a, s.gold.get(aid, []), rep)
            gold_of = {id(r.event): r.gold.key for r in rep.rows if r.gold is not None}
            starts = [x.start for x in a.sentences]
            head = len(a.document.title) if a.document.title else 0
            evs = a.events
            for j, ev in enumerate(evs):
                if id(ev) not in gold_of or told_apart(ev, a.text, starts):
                    continue
                for kept in evs[:j]:
                    if kept.type != ev.type or id(kept) not in gold_of \
                            or learned_conflicts(kept, ev) >= LEARNED_MAX_CONFLICTS:
                        continue  # never merged: the model weighs the rest
                    headline = kept.sentence == 0 and kept.trigger.start < head
                    feats = pair_features(kept, ev, a.text, headline=headline, gap=ev.sentence - kept.sentence)
                    out.append(RowExample(key, feats, gold_of[id(kept)] == gold_of[id(ev)]))
    return out, rows_of


def _copy(e: Event) -> Event:
    """A row that merging may change (it appends to ``mentions`` and fills fields)."""
    return replace(e, mentions=list(e.mentions))


def merged_scores(sets: Sequence[ArticleSet], rows_of: dict[str, list[Event]],
                  models: Mapping[int, MergeModel | bool], k: int) -> dict[str, dict]:
    """Field figures per set and pooled ("ALL"): each article's rows merged by its fold's
    model and checked by the shipped row check."""
    check = default_row_check()
    pooled: list[tuple[str, Analysis]] = []
    gold_all: dict = {}
    out = {}
    for s in sets:
        pairs = []
        for aid, a in s.pairs:
            key = f"{s.name}:{aid}"
            head = len(a.document.title) if a.document.title else 0
            evs = merge_document([_copy(e) for e in rows_of[key]], a.text, headline_end=head,
                                 sentence_starts=[x.start for x in a.sentences],
                                 model=models[fold_of(key, k)])
            a.events = check.keep(a, evs, head) if check is not None else evs
            pairs.append((aid, a))
        out[s.name] = score_field(pairs, s.gold).summary()
        pooled += [(f"{s.name}:{aid}", a) for aid, a in pairs]
        gold_all.update({f"{s.name}:{aid}": g for aid, g in s.gold.items()})
    out["ALL"] = score_field(pooled, gold_all).summary()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.merge_train", description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS)
    ap.add_argument("--check-sets", default="own-snn,own-ant", help="scored by the final model only (never trained on)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--out", default=str(shipped_path(MODEL_FILE)))
    args = ap.parse_args(argv)
    sets = load_sets(args.sets.split(","))
    examples, rows_of = collect(sets)
    pos = sum(e.real for e in examples)
    print(f"pairs: {len(examples)} ({pos} of one incident)", file=sys.stderr)
    k = args.folds
    weights = {f: fit([e for e in examples if fold_of(e.article, k) != f], l2=args.l2) for f in range(k)}
    rules = merged_scores(sets, rows_of, dict.fromkeys(range(k), NO_MODEL), k)
    print("set        merge     " + " ".join(f"{c[:9]:>9}" for c in COLS))
    for name in [s.name for s in sets] + ["ALL"]:
        print(table_row(name, "rules   ", rules[name], COLS))
    best = None
    for thr in (float(x) for x in args.thresholds.split(",")):
        models = {f: MergeModel(w, {"threshold": thr}) for f, w in weights.items()}
        cv = merged_scores(sets, rows_of, models, k)
        print(table_row("ALL", f"cv {thr:<5}", cv["ALL"], COLS))
        ok = (cv["ALL"]["rows_per_incident"] or 9) <= (rules["ALL"]["rows_per_incident"] or 9)
        if ok and (best is None or (cv["ALL"]["f1"] or 0) > best[1]):
            best = (thr, cv["ALL"]["f1"] or 0)
    if best is None or best[1] <= (rules["ALL"]["f1"] or 0):
        print(f"no threshold beats the rules' pooled F1 {rules['ALL']['f1']} without more rows per incident: "
              "nothing written")
        return 0
    print(f"threshold {best[0]}: pooled cross-validated F1 {rules['ALL']['f1']} -> {best[1]}")
    model = MergeModel(fit(examples, l2=args.l2), {"threshold": best[0], "pairs": len(examples), "l2": args.l2})
    if args.check_sets:
        checks = load_sets(args.check_sets.split(","))
        ch_rows = {f"{s.name}:{aid}": unmerged(EventCoder(rowcheck=None), a) for s in checks for aid, a in s.pairs}
        for label, m in (("rules   ", NO_MODEL), ("final   ", model)):
            res = merged_scores(checks, ch_rows, dict.fromkeys(range(k), m), k)
            for name in [s.name for s in checks] + ["ALL"]:
                print(table_row(name, label, res[name], COLS))
    if not args.cv_only:
        Path(args.out).write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {args.out}: {len(model.weights)} weights from {len(examples)} pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
