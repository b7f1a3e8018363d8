"""Train and cross-validate the role model (:mod:`roles`) on whole annotated articles.

Training data: field-gold articles (the events-field-dev set and the project's own check sets,
``tests/data/events/field_own``), run through NER and linking once; the event coder runs with
the rules alone and reports, for every trigger, its candidates and their features. A trigger
whose sentence holds a gold event of its type is an example; the candidates whose text the
field scorer would count right for the gold source (or target) are its positives, "nobody"
when the gold role is empty. A trigger with no right candidate teaches nothing and is skipped.

The model is a conditional log-linear ranker per role (softmax over a trigger's candidates,
L2 penalty), fitted by full-batch Adam in numpy. Every figure this module reports for an
article comes from a model that did not see that article (folds are whole articles); the
shipped model is then fitted on all of them.

    python -m marsad.lab.events.roles_train            # cross-validate, then write the model
    python -m marsad.lab.events.roles_train --cv-only  # figures only
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.roles import ROLES, RoleModel, TriggerInfo, iter_examples, model_path
from marsad.lab.events.field_eval import (
    GoldEvent,
    _NormText,
    analyse_articles,
    norm,
    read_field_gold,
    score_field,
    span_right,
)
from marsad.model import Analysis

TRAIN_SETS = ("dev,train-snn,train-ant,train-snn2,train-ant2,train-ant_other,train-snn3,train-ant3,"
              "train-snn4,train-ant4,train-ant_other2")  # never the check sets (own-*)


@dataclass
class Example:
    article: str
    cands: list[list[str]]  # features per candidate
    pos: dict[str, list[int]] = field(default_factory=dict)  # role -> right candidates
    texts: list[str | None] = field(default_factory=list)  # for error listings
    context: str = ""


@dataclass
class ArticleSet:
    name: str
    pairs: list[tuple[str, Analysis]]  # NER + linking done, events not yet
    gold: dict[str, list[GoldEvent]]


def load_sets(names: Sequence[str]) -> list[ArticleSet]:
    """Read and analyse (NER, linking) each named set: ``dev`` (events-field-dev), ``train-snn``
    / ``train-ant`` (tests/data/events/field_train) or ``own-snn`` / ``own-ant`` (the check sets)."""
    from marsad.analyze.pipeline import Pipeline, registered
    from marsad.data import corpus_path

    pipe = Pipeline([n for n in ("ner", "link") if n in registered()])
    out = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix="marsad-roles-") as tmp:
            if name == "dev":
                base = corpus_path("events-field-dev")
                articles, gold_path = base / "articles.jsonl", base / "gold.jsonl"
            elif name.startswith("train-"):
                from marsad.lab.events.field_own import TRAIN_DIR, rebuild

                articles, gold_path = rebuild(name.removeprefix("train-"), Path(tmp), ids_dir=TRAIN_DIR)
            else:
                from marsad.lab.events.field_own import rebuild

                articles, gold_path = rebuild(name.removeprefix("own-"), Path(tmp))
            gold = read_field_gold(gold_path)
            pairs = analyse_articles(articles, pipe)
        out.append(ArticleSet(name, pairs, gold))
        print(f"{name}: {len(pairs)} articles analysed", file=sys.stderr)
    return out


def _gold_for(ntext: _NormText, gold: list[GoldEvent], etype: str, start: int, trig: str) -> GoldEvent | None:
    found = []
    for g in gold:
        if g.type != etype or not g.sentence:
            continue
        if any(s <= start < e for s, e in ntext.find_all(g.sentence)):
            found.append(g)
    if not found:
        return None
    t = norm(trig)
    return next((g for g in found if t and (t in norm(g.trigger) or norm(g.trigger) in t)), found[0])


def collect(sets: Sequence[ArticleSet]) -> tuple[list[Example], dict[str, int]]:
    """Examples from every article of ``sets``; counts of triggers, matched and reachable."""
    coder = EventCoder(roles=None)
    examples: list[Example] = []
    stats = {"triggers": 0, "matched": 0, "source_reachable": 0, "target_reachable": 0,
             "source_rule_right": 0, "target_rule_right": 0}
    for s in sets:
        for aid, analysis in s.pairs:
            gold = s.gold.get(aid, [])
            ntext = _NormText(analysis.text)

            def observe(ctx, v, trig, info: TriggerInfo, aid=aid, gold=gold, ntext=ntext, s=s) -> None:
                stats["triggers"] += 1
                span = ctx.span(v, trig.m.first, trig.m.last)
                g = _gold_for(ntext, gold, trig.type, span.start, span.text)
                if g is None:
                    return
                stats["matched"] += 1
                ex = Example(f"{s.name}:{aid}", [])
                texts = []
                for c, feats in iter_examples(v, info):
                    ex.cands.append(feats)
                    texts.append(None if c is None else ctx.span(v, c.first, c.last).text)
                for role, gold_spans, rule in (("source", g.source, info.rule_source),
                                               ("target", g.target, info.rule_target)):
                    right = [i for i, t in enumerate(texts)
                             if (t is None and not gold_spans) or (t is not None and gold_spans and span_right([t], gold_spans))]
                    if right:
                        ex.pos[role] = right
                        stats[f"{role}_reachable"] += 1
                    rule_text = None if rule is None else ctx.span(v, rule.first, rule.last).text
                    if span_right([rule_text] if rule_text else [], gold_spans):
                        stats[f"{role}_rule_right"] += 1
                ex.texts = texts
                ex.context = f"{span.text} | {v.toks[0].start}:{ctx.text[ctx.span(v, 0, len(v.toks) - 1).start:span.end + 80]}"
                examples.append(ex)

            coder.role_observer = observe
            coder.code(analysis)
    return examples, stats


def load_sentences() -> list:
    """The U-PETRARCH dev sentences (events-gold-dev), as the sentence evaluation reads them."""
    from marsad.data import corpus_path
    from marsad.lab.events.gold import read_gold

    return read_gold(corpus_path("events-gold-dev", "arabic_events_dev.xml"))


def _sentence_gold(g, attr: str) -> str:
    return " ".join(getattr(e, attr) for e in g.events if e.plover == g.category and getattr(e, attr).strip())


def collect_sentences(gold: Sequence) -> list[Example]:
    """Examples from the gold sentences (coded without NER, as ``marsad eval events`` does);
    a candidate is right when it shares a word stem with the gold actor text, the sentence
    evaluation's own test."""
    from marsad.lab.events.evaluate import _analysis, overlaps, words

    coder = EventCoder(roles=None)
    examples: list[Example] = []
    for i, g in enumerate(gold):
        gold_text = {"source": _sentence_gold(g, "sourcetext"), "target": _sentence_gold(g, "targettext")}

        def observe(ctx, v, trig, info: TriggerInfo, i=i, g=g, gold_text=gold_text) -> None:
            if trig.type != g.category:
                return
            ex = Example(f"upet:{i}", [])
            spans = []
            for c, feats in iter_examples(v, info):
                ex.cands.append(feats)
                spans.append(None if c is None else ctx.span(v, c.first, c.last))
            for role in ROLES:
                gt = gold_text[role]
                if not words(gt):
                    continue  # an empty actor there is unannotated as often as absent: teaches nothing
                right = [k for k, sp in enumerate(spans) if sp is not None and overlaps(sp, gt)]
                if right:
                    ex.pos[role] = right
            ex.texts = [None if sp is None else sp.text for sp in spans]
            examples.append(ex)

        coder.role_observer = observe
        coder.code(_analysis(g.text, g.date, None))
    return examples


def sentence_scores(gold: Sequence, models: dict[int, RoleModel | None], k: int) -> dict[str, float]:
    """Sentence-gold recall, source and target found, each sentence coded by its fold's model."""
    from marsad.lab.events.evaluate import score_gold

    tot = {"n": 0, "recalled": 0, "with_source": 0, "source_found": 0, "with_target": 0, "target_found": 0}
    for f, m in models.items():
        part = [g for i, g in enumerate(gold) if fold_of(f"upet:{i}", k) == f]
        t = score_gold(part, coder=EventCoder(roles=m)).total
        for key in tot:
            tot[key] += getattr(t, key)
    return {"recall": tot["recalled"] / tot["n"], "source": tot["source_found"] / max(1, tot["with_source"]),
            "target": tot["target_found"] / max(1, tot["with_target"])}


def fit(examples: Sequence[Example], role: str, *, l2: float = 0.3, steps: int = 300, lr: float = 0.1,
        min_count: int = 2) -> dict[str, float]:
    """Feature weights of one role's ranker."""
    exs = [e for e in examples if role in e.pos]
    counts: dict[str, int] = {}
    for e in exs:
        for fs in e.cands:
            for x in set(fs):
                counts[x] = counts.get(x, 0) + 1
    vocab = {x: i for i, x in enumerate(sorted(x for x, n in counts.items() if n >= min_count))}
    rows, cols, group, pos = [], [], [], []
    r = 0
    for gi, e in enumerate(exs):
        right = set(e.pos[role])
        for ci, fs in enumerate(e.cands):
            for x in fs:
                j = vocab.get(x)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
            group.append(gi)
            pos.append(ci in right)
            r += 1
    rows_a, cols_a = np.array(rows), np.array(cols)
    group_a, pos_a = np.array(group), np.array(pos, dtype=bool)
    n_c, n_f, n_g = r, len(vocab), len(exs)
    w = np.zeros(n_f)
    m1, m2 = np.zeros(n_f), np.zeros(n_f)
    for step in range(1, steps + 1):
        s = np.zeros(n_c)
        np.add.at(s, rows_a, w[cols_a])
        gmax = np.full(n_g, -np.inf)
        np.maximum.at(gmax, group_a, s)
        ex = np.exp(s - gmax[group_a])
        z = np.zeros(n_g)
        np.add.at(z, group_a, ex)
        zp = np.zeros(n_g)
        np.add.at(zp, group_a, ex * pos_a)
        p_all = ex / z[group_a]
        p_pos = np.where(pos_a, ex / zp[group_a], 0.0)
        g_c = p_all - p_pos  # d(-log P(right)) / d(score)
        grad = np.zeros(n_f)
        np.add.at(grad, cols_a, g_c[rows_a])
        grad = grad / n_g + l2 * w / n_g
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        w -= lr * (m1 / (1 - 0.9 ** step)) / (np.sqrt(m2 / (1 - 0.999 ** step)) + 1e-8)
    return {x: round(float(w[j]), 4) for x, j in vocab.items() if abs(w[j]) >= 1e-4}


def train(examples: Sequence[Example], **kw) -> RoleModel:
    return RoleModel({role: fit(examples, role, **kw) for role in ROLES},
                     {"examples": len(examples), **kw})


def fold_of(article: str, k: int) -> int:
    return int(hashlib.sha1(article.encode()).hexdigest(), 16) % k


def choice_accuracy(model: RoleModel, examples: Sequence[Example]) -> dict[str, float]:
    out = {}
    for role in ROLES:
        exs = [e for e in examples if role in e.pos]
        right = 0
        for e in exs:
            scores = [model.score(role, fs) for fs in e.cands]
            right += max(range(len(scores)), key=scores.__getitem__) in e.pos[role]
        out[role] = right / max(1, len(exs))
    return out


def scores_by_fold(sets: Sequence[ArticleSet], coders: dict[int, EventCoder], k: int) -> dict[str, dict]:
    """Field figures per set, each article coded by the coder of its fold."""
    out = {}
    for s in sets:
        for aid, a in s.pairs:
            a.events = coders[fold_of(f"{s.name}:{aid}", k)].code(a)
        out[s.name] = score_field(s.pairs, s.gold).summary()
    return out


def table_row(name: str, label: str, summary: dict, cols: Sequence[str]) -> str:
    """One printed line of figures: the set, what scored it, then each column."""
    return f"{name:10} {label} " + " ".join(f"{summary.get(c) or 0:9.3f}" for c in cols)


def field_scores(sets: Sequence[ArticleSet], models: dict[int, RoleModel | None], k: int) -> dict[str, dict]:
    """Field figures per set, each article coded with the role model of its fold."""
    return scores_by_fold(sets, {f: EventCoder(roles=m) for f, m in models.items()}, k)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.roles_train", description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS, help="sets to train on (cross-validated)")
    ap.add_argument("--check-sets", default="own-snn,own-ant",
                    help="sets never trained on: scored by the final model only")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=10.0)  # best held-out choice accuracy of 0.1-30
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--margin", type=float, default=0.5,
                    help="the model overrides the rules only when its choice scores this much higher")
    ap.add_argument("--sentences", type=int, default=1, help="1: train on the U-PETRARCH sentences too")
    ap.add_argument("--out", default=str(model_path()))
    args = ap.parse_args(argv)
    sets = load_sets(args.sets.split(","))
    examples, stats = collect(sets)
    print("triggers:", stats, file=sys.stderr)
    sentences = load_sentences() if args.sentences else []
    examples += collect_sentences(sentences)
    k = args.folds
    models: dict[int, RoleModel | None] = {}
    accs = []
    for f in range(k):
        tr = [e for e in examples if fold_of(e.article, k) != f]
        te = [e for e in examples if fold_of(e.article, k) == f]
        fold_model = train(tr, l2=args.l2, steps=args.steps)
        fold_model.meta["margin"] = args.margin
        models[f] = fold_model
        accs.append(choice_accuracy(fold_model, te))
    for role in ROLES:
        print(f"held-out choice accuracy, {role}: {np.mean([a[role] for a in accs]):.3f}")
    no_model: dict[int, RoleModel | None] = {f: None for f in range(k)}  # the rules alone
    rules = field_scores(sets, no_model, k)
    cv = field_scores(sets, models, k)
    cols = ("precision", "recall", "rows_per_incident", "status", "source", "target", "all_right_of_rows")
    print("set        model  " + " ".join(f"{c[:9]:>9}" for c in cols))
    for s in sets:
        for label, res in (("rules", rules), ("cv", cv)):
            print(table_row(s.name, f"{label:6}", res[s.name], cols))
    if sentences:
        for label, ms in (("rules", no_model), ("cv", models)):
            sres = sentence_scores(sentences, ms, k)
            print(f"sentences  {label:6} recall {sres['recall']:.3f} source {sres['source']:.3f} "
                  f"target {sres['target']:.3f}")
    model = train(examples, l2=args.l2, steps=args.steps)
    model.meta["margin"] = args.margin
    if args.check_sets:
        checks = load_sets(args.check_sets.split(","))
        for label, m in (("rules", None), ("final", model)):
            res = field_scores(checks, {f: m for f in range(k)}, k)
            for s in checks:
                print(table_row(s.name, f"{label:6}", res[s.name], cols))
    if not args.cv_only:
        Path(args.out).write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {args.out}: {sum(len(w) for w in model.weights.values())} weights from {len(examples)} triggers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
