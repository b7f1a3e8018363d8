"""Train and cross-validate the trigger-sense chooser (:mod:`typesense`) on whole annotated articles.

Each article is coded with the rules' types; for every trigger the rules keep, the candidates
are its type, the other types the lexicon gives its head word, the "partner" types annotators
gave words of its type at least ``--min-partner`` times (learned from the training folds only),
and "no event". The right
candidates are the types of the gold events whose trigger overlaps it, else the gold types of
its sentence (a row matches a gold event of its type told in its sentence), else "no event".
The model is the role chooser's log-linear ranker (:func:`roles_train.fit`: softmax over a
trigger's candidates, L2 penalty, Adam in numpy). Folds are whole articles: every figure printed
for a training article comes from a model (and a row check) that did not see it; the margins are
those with the best pooled cross-validated F1 among the settings that raise both F1 and
every-field-right over the rules' types (none: no model is written); the check sets are scored
once, by the final model.

    python -m marsad.lab.events.typesense_train            # cross-validate, then write the model
    python -m marsad.lab.events.typesense_train --cv-only  # figures only
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.rowcheck import RowCheck, default_row_check
from marsad.analyze.events.typesense import (
    Reading,
    TypeSense,
    candidates,
    context_features,
    features,
    model_path,
)
from marsad.lab.events import rowcheck_train
from marsad.lab.events.field_eval import _NormText, score_field
from marsad.lab.events.roles_train import (
    TRAIN_SETS,
    ArticleSet,
    Example,
    fit,
    fold_of,
    load_sets,
    scores_by_fold,
    table_row,
)

ROLE = "type"  # the label roles_train.fit learns: the right candidates of each trigger
COLS = ("precision", "recall", "f1", "rows_per_incident", "status", "source", "target", "all_right_of_rows")


def _gold_spans(text: str, gold) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]], str]]:
    """Per gold event: its sentence's spans in the text, its trigger's spans inside them, its type."""
    nt = _NormText(text)
    out = []
    for g in gold:
        sents = nt.find_all(g.sentence) if g.sentence else []
        trigs = [(a, b) for a, b in (nt.find_all(g.trigger) if g.trigger else [])
                 if any(s <= a < e for s, e in sents)]
        out.append((sents, trigs, g.type))
    return out


@dataclass
class Obs:
    """A trigger the rules kept, as the trainer sees it."""

    article: str
    ctx: list[str]  # context features
    readings: list[Reading]
    i: int
    over: set[str]  # gold types of the gold triggers it overlaps
    types: set[str]  # gold types of its sentence
    context: str = ""


def collect(sets: Sequence[ArticleSet]) -> list[Obs]:
    """One observation per trigger the rules keep (the rules' types: no sense model)."""
    coder = EventCoder(roles=None, rowcheck=None, typesense=None)
    out: list[Obs] = []
    for s in sets:
        for aid, a in s.pairs:
            spans = _gold_spans(a.text, s.gold.get(aid, []))

            def observe(ctx, v, readings: list[Reading], aid=aid, spans=spans, s=s) -> None:
                for i, r in enumerate(readings):
                    ts, te = v.toks[r.m.first].start, v.toks[r.m.last].end
                    in_sent = [(tr, ty) for sents, tr, ty in spans if any(a <= ts < b for a, b in sents)]
                    over = {ty for tr, ty in in_sent if any(a < te and ts < b for a, b in tr)}
                    out.append(Obs(f"{s.name}:{aid}", context_features(v, readings, i, sport=ctx.sport), readings, i,
                                   over, {ty for _tr, ty in in_sent},
                                   f"{ctx.text[ts:te]} | {' '.join(t.text for t in v.toks)[:160]}"))

            coder.type_observer = observe
            coder.code(a)
    return out


def right_type(o: Obs, cands: Sequence[str]) -> list[int]:
    """The right candidates: the overlapping gold trigger's type, else a gold type of the
    sentence, else "no event"."""
    return [j for j, c in enumerate(cands) if c in o.over] or \
        [j for j, c in enumerate(cands) if c in o.types] or [len(cands) - 1]


def learn_partners(obs: Sequence[Obs], min_count: int) -> dict[str, list[str]]:
    """For each rules' type, the gold types of the overlapping gold triggers when the rules'
    type is wrong, seen at least ``min_count`` times."""
    n: Counter = Counter()
    for o in obs:
        rule = o.readings[o.i].type
        if rule not in o.over:
            for t in o.over:
                n[(rule, t)] += 1
    out: dict[str, list[str]] = {}
    for (rule, t), c in n.most_common():
        if c >= min_count:
            out.setdefault(rule, []).append(t)
    return out


def examples_of(obs: Sequence[Obs], partners: dict[str, list[str]]) -> list[Example]:
    out = []
    for o in obs:
        rule = o.readings[o.i].type
        cands = candidates(o.readings, o.i, partners)
        ex = Example(o.article, [features(o.ctx, rule, c) for c in cands], {ROLE: right_type(o, cands)})
        ex.texts, ex.context = list(cands), o.context
        out.append(ex)
    return out


def train(obs: Sequence[Obs], *, l2: float, steps: int, margin: float, none_margin: float,
          min_partner: int) -> tuple[TypeSense, list[Example]]:
    """The model fitted on ``obs`` (partners learned from them too), and its examples."""
    partners = learn_partners(obs, min_partner)
    examples = examples_of(obs, partners)
    return TypeSense(fit(examples, ROLE, l2=l2, steps=steps),
                     {"examples": len(examples), "l2": l2, "margin": margin, "none_margin": none_margin,
                      "partners": partners}), examples


def choice_accuracy(model: TypeSense, examples: Sequence[Example]) -> tuple[float, float]:
    """Held-out accuracy of the model's argmax and of the rules' type (candidate 0)."""
    right = rules = 0
    for e in examples:
        sc = [model.score(fs) for fs in e.cands]
        right += max(range(len(sc)), key=sc.__getitem__) in e.pos[ROLE]
        rules += 0 in e.pos[ROLE]
    n = max(1, len(examples))
    return right / n, rules / n


def field_scores(sets: Sequence[ArticleSet], models: dict[int, TypeSense | None], k: int,
                 checks: dict[int, RowCheck] | None = None) -> dict[str, dict]:
    """Field figures per set and pooled ("ALL"), each article coded with the model of its fold
    (and, given ``checks``, the row check of its fold; else the shipped one)."""
    out = scores_by_fold(sets, {f: EventCoder(typesense=m, rowcheck=checks[f] if checks else True)
                                for f, m in models.items()}, k)
    out["ALL"] = score_field([p for s in sets for p in s.pairs], {g: v for s in sets for g, v in s.gold.items()}).summary()
    return out


def _rows(sets: Sequence[ArticleSet]) -> list[rowcheck_train.RowExample]:
    """The row check's examples from rows coded with the rules' types (whatever sense model
    is shipped), as the shipped check was fitted."""
    return rowcheck_train.collect(sets, EventCoder(rowcheck=None, typesense=None))


def _with_margins(m: TypeSense, margin: float, none_margin: float) -> TypeSense:
    return TypeSense(m.weights, {**m.meta, "margin": margin, "none_margin": none_margin})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.typesense_train", description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS, help="sets to train on (cross-validated)")
    ap.add_argument("--check-sets", default="own-snn,own-ant", help="sets never trained on: scored by the final model only")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--margins", default="0.5,1,1.5", help="re-typing margins tried (cross-validated)")
    ap.add_argument("--none-margins", default="2,2.5,3,99", help="'no event' margins tried (99: never drop)")
    ap.add_argument("--min-partner", type=int, default=3,
                    help="a type becomes a candidate for another's triggers when annotators gave it this often")
    ap.add_argument("--cv-rowcheck", type=int, default=1,
                    help="1: score the training sets with a row check fitted per fold (the shipped one saw them)")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--out", default=str(model_path()))
    args = ap.parse_args(argv)
    sets = load_sets(args.sets.split(","))
    obs = collect(sets)
    print(f"triggers: {len(obs)}; rules' type right: {sum(o.readings[o.i].type in o.types for o in obs)}", file=sys.stderr)
    confusion: Counter = Counter()
    for o in obs:
        rule = o.readings[o.i].type
        if rule not in o.types:
            confusion[(rule, "/".join(sorted(o.over)) or "-", o.readings[o.i].m.pat.text)] += 1
    print("rules' type not in its sentence's gold: rule type, gold type of the overlapping gold trigger, entry: count")
    for (rule, over, pat), n in confusion.most_common(40):
        print(f"  {rule:10} {over:18} {pat:30} {n}")
    k = args.folds
    models: dict[int, TypeSense] = {}
    accs = []
    for f in range(k):
        models[f], _ = train([o for o in obs if fold_of(o.article, k) != f], l2=args.l2, steps=args.steps,
                             margin=0.0, none_margin=0.0, min_partner=args.min_partner)
        held = examples_of([o for o in obs if fold_of(o.article, k) == f], models[f].meta["partners"])
        accs.append(choice_accuracy(models[f], held))
    print(f"partners (all folds): {learn_partners(obs, args.min_partner)}")
    print(f"held-out choice accuracy: model {sum(a for a, _ in accs) / k:.3f}, rules {sum(b for _, b in accs) / k:.3f}")
    checks = None
    if args.cv_rowcheck:  # the shipped row check saw these articles: score with one per fold that did not
        shipped = default_row_check()
        thr = shipped.meta.get("threshold", 0.5) if shipped else 0.5
        rows = _rows(sets)
        checks = {f: RowCheck(rowcheck_train.fit([r for r in rows if fold_of(r.article, k) != f]), {"threshold": thr})
                  for f in range(k)}
    print("set        model        " + " ".join(f"{c[:9]:>9}" for c in COLS))
    base = field_scores(sets, {f: None for f in range(k)}, k, checks)
    for name in [s.name for s in sets] + ["ALL"]:
        print(table_row(name, "rules      ", base[name], COLS))
    rules_all = (base["ALL"]["f1"] or 0, base["ALL"]["all_right_of_rows"] or 0)
    best = rules_all
    chosen: tuple[float, float] | None = None
    for mg in (float(x) for x in args.margins.split(",")):
        for nm in (float(x) for x in args.none_margins.split(",")):
            res = field_scores(sets, {f: _with_margins(m, mg, nm) for f, m in models.items()}, k, checks)
            for name in [s.name for s in sets] + ["ALL"]:
                print(table_row(name, f"cv {mg:g}/{nm:g}".ljust(11), res[name], COLS))
            got = (res["ALL"]["f1"] or 0, res["ALL"]["all_right_of_rows"] or 0)
            if got[0] > rules_all[0] and got[1] > rules_all[1] and got > best:
                best, chosen = got, (mg, nm)
    if chosen is None:
        print("no margins improve both the pooled cross-validated F1 and all-right: the rules' types stay")
        return 0
    print(f"margins with the best pooled cross-validated F1 of those improving F1 and all-right: {chosen} "
          f"(F1 {rules_all[0]:.3f} -> {best[0]:.3f}, all right {rules_all[1]:.3f} -> {best[1]:.3f})")
    model, examples = train(obs, l2=args.l2, steps=args.steps, margin=chosen[0], none_margin=chosen[1],
                            min_partner=args.min_partner)
    if args.check_sets:
        check_sets = load_sets(args.check_sets.split(","))
        for label, m in (("rules", None), ("final", model)):
            res = field_scores(check_sets, {f: m for f in range(k)}, k)
            for name in [s.name for s in check_sets] + ["ALL"]:
                print(table_row(name, f"{label:11}", res[name], COLS))
    if not args.cv_only:
        Path(args.out).write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {args.out}: {len(model.weights)} weights from {len(examples)} triggers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
