"""Event lab commands: ``marsad eval events``, ``marsad bench events``."""

from __future__ import annotations

import argparse
import json
import sys
import time

from marsad.cli.events import _pipeline
from marsad.errors import InputError


def register(groups: dict) -> None:
    e = groups["eval"].add_parser(
        "events", help="score event coding on gold sentences (Universal-PETRARCH XML)",
        description="Per gold type: recall with the right type, detection, type accuracy, "
        "source and target span match; with --negatives, the false-alarm rate (event-free "
        "sentences given an ASSAULT or PROTEST).",
    )
    e.add_argument("gold", metavar="FILE", nargs="?",
                   help="gold XML (e.g. events-gold-dev/arabic_events_dev.xml)")
    e.add_argument("--field", nargs=2, metavar=("ARTICLES", "GOLD"),
                   help="score whole articles on field gold (events-field-dev/articles.jsonl "
                   "gold.jsonl): the full pipeline, every event row, every field, matched as "
                   "GUIDELINE.md says")
    e.add_argument("--field-own", metavar="NAME", choices=("snn", "ant", "all"),
                   help="like --field, on the project's own field gold (tests/data/events/field_own), "
                   "rebuilt from the corpora under MARSAD_DATA into a temporary folder: snn, ant or all")
    e.add_argument("--by-type", action="store_true", help="with --field: a row per PLOVER type")
    e.add_argument("--errors", type=int, default=0, metavar="N",
                   help="with --field: print N false rows, missed incidents and wrong-field rows")
    e.add_argument("--negatives", metavar="FILE", action="append", default=[],
                   help="event-free sentences, one per line (repeatable)")
    e.add_argument("--corpus-negatives", type=int, metavar="N", default=0,
                   help="also sample N sentences of sport/culture/technology/health news from "
                   "the topics corpus as a second event-free set")
    e.add_argument("--with-ner", action="store_true", help="run the NER and linking stages first")
    e.add_argument("--misses", type=int, default=0, metavar="K", help="print K missed sentences / alarms")
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.add_argument("--min-recall", type=float, default=None, help="exit 1 if overall recall is lower")
    e.add_argument("--max-false-alarms", type=float, default=None,
                   help="exit 1 if the false-alarm rate on --negatives is higher")
    e.set_defaults(func=cmd_eval)

    b = groups["bench"].add_parser(
        "events", help="event-stage throughput (sentences/s, one core)",
        description="Time the event stage alone on already segmented sentences (the gold dev "
        "sentences, or FILE: one sentence per line), repeated until --seconds have passed.",
    )
    b.add_argument("file", nargs="?", metavar="FILE")
    b.add_argument("--seconds", type=float, default=5.0)
    b.set_defaults(func=cmd_bench)


# --- marsad eval events --------------------------------------------------------------------

def cmd_eval(args: argparse.Namespace) -> int:
    from marsad.lab.events.evaluate import score_gold, score_negatives
    from marsad.lab.events.gold import read_gold, read_sentences, sample_corpus_sentences

    if args.field_own:
        return _eval_field_own(args)
    if args.field:
        return cmd_eval_field(args)
    if not args.gold:
        raise InputError("no gold given", source="marsad eval events",
                         fix="give a gold XML file, or --field ARTICLES.jsonl GOLD.jsonl")
    gold = read_gold(args.gold)
    pipeline = _pipeline(False) if args.with_ner else None
    rep = score_gold(gold, pipeline=pipeline)
    out: dict = {"gold": str(args.gold), "by_type": {t: s.as_dict() for t, s in sorted(rep.by_type.items())},
                 "total": rep.total.as_dict(), "sentences_per_second": round(len(gold) / rep.seconds, 1)}
    negs = {}
    for path in args.negatives:
        negs[str(path)] = score_negatives(read_sentences(path), pipeline=pipeline)
    if args.corpus_negatives:
        from marsad.data import corpus_path

        sample = sample_corpus_sentences(corpus_path("topics", "train.jsonl.gz"), n=args.corpus_negatives)
        negs[f"topics corpus sample ({len(sample)} sentences)"] = score_negatives(sample, pipeline=pipeline)
    out["negatives"] = {
        name: {"sentences": r.n, "false_alarms": r.alarms, "false_alarm_rate": round(r.rate, 4),
               "any_event_rate": round(r.any_event / r.n, 4) if r.n else None,
               "by_label": {k: {"sentences": n, "false_alarms": a} for k, (n, a) in r.by_label.items() if k}}
        for name, r in negs.items()
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_eval(out)
        if args.misses:
            for g, evs in rep.misses[: args.misses]:
                print(f"  MISS {g.category}: {g.text[:160]}")
                for ev in evs:
                    print(f"        got {ev.type}/{ev.status} «{ev.trigger.text}»")
            for name, r in negs.items():
                for text, evs in r.examples[: args.misses]:
                    print(f"  ALARM [{name}] {text[:160]}")
                    print("        " + ", ".join(f"{e.type} «{e.trigger.text}»" for e in evs))
    code = 0
    if args.min_recall is not None and (out["total"]["recall"] or 0) < args.min_recall:
        print(f"marsad: recall {out['total']['recall']} is below --min-recall {args.min_recall}", file=sys.stderr)
        code = 1
    if args.max_false_alarms is not None:
        for name, r in negs.items():
            if r.rate > args.max_false_alarms:
                print(f"marsad: false-alarm rate {r.rate:.4f} on {name} is above {args.max_false_alarms}",
                      file=sys.stderr)
                code = 1
    return code


def cmd_eval_field(args: argparse.Namespace) -> int:
    from marsad.lab.events.field_eval import (
        analyse_articles,
        format_errors,
        format_table,
        read_field_gold,
        score_field,
    )
    articles, gold_path = args.field
    gold = read_field_gold(gold_path)
    pipe = _pipeline(False)
    from marsad.progress import Progress

    t0 = time.perf_counter()
    with Progress("eval events", len(gold), "articles") as bar:
        pairs = analyse_articles(articles, pipe, progress=lambda n: bar.update(1))
    rep = score_field(pairs, gold)
    dt = time.perf_counter() - t0
    if args.json:
        out = {"articles": articles, "gold": gold_path, "all": rep.summary(),
               "by_type": {t: rep.summary(t) for t in rep.types()} if args.by_type else None}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"field gold: {gold_path} ({len(pairs)} articles analysed in {dt:.1f}s)")
        print(format_table(rep, by_type=args.by_type))
        if args.errors:
            print(format_errors(rep, args.errors))
    return 0


def _eval_field_own(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from marsad.lab.events.field_own import rebuild

    if args.field or args.gold:
        raise InputError("--field-own takes no other gold", source="marsad eval events",
                         fix="give either --field-own NAME, --field ARTICLES GOLD or a gold XML")
    with tempfile.TemporaryDirectory(prefix="marsad-field-own-") as tmp:
        articles, gold = rebuild(args.field_own, Path(tmp))
        args.field = [str(articles), str(gold)]
        return cmd_eval_field(args)


def _fmt(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def _print_eval(out: dict) -> None:
    print(f"gold: {out['gold']}")
    print(f"{'type':10} {'n':>5} {'recall':>7} {'detect':>7} {'typeacc':>7} {'source':>7} {'(n)':>5} {'target':>7} {'(n)':>5}")
    rows = list(out["by_type"].items()) + [("ALL", out["total"])]
    for t, s in rows:
        print(f"{t:10} {s['sentences']:>5} {_fmt(s['recall']):>7} {_fmt(s['detected']):>7} "
              f"{_fmt(s['type_accuracy']):>7} {_fmt(s['source_match']):>7} {s['with_source']:>5} "
              f"{_fmt(s['target_match']):>7} {s['with_target']:>5}")
    print(f"speed (incl. segmentation): {out['sentences_per_second']} sentences/s")
    for name, r in out["negatives"].items():
        print(f"negatives {name}: {r['false_alarms']}/{r['sentences']} sentences with ASSAULT or PROTEST "
              f"= false-alarm rate {r['false_alarm_rate']:.4f} (any event: {r['any_event_rate']})")
        for lab, d in sorted(r["by_label"].items()):
            print(f"    {lab:12} {d['false_alarms']}/{d['sentences']}")


# --- marsad bench events -------------------------------------------------------------------

def cmd_bench(args: argparse.Namespace) -> int:
    from marsad.analyze.base import base_analysis
    from marsad.analyze.events.coder import EventCoder
    from marsad.model import Document

    if args.file:
        from marsad.lab.events.gold import read_sentences

        texts = [t for _, t in read_sentences(args.file)]
        source = args.file
    else:
        from marsad.data import corpus_path
        from marsad.lab.events.gold import read_gold

        path = corpus_path("events-gold-dev", "arabic_events_dev.xml")
        texts = [g.text for g in read_gold(path)]
        source = str(path)
    if not texts:
        raise InputError("no sentences to time", source=source)
    analyses = [base_analysis(Document(title="", paragraphs=[t], published="2008-01-01")) for t in texts]
    n_sent = sum(len(a.sentences) for a in analyses)
    coder = EventCoder()
    coder.code(analyses[0])  # warm the caches of the first document only
    t0 = time.perf_counter()
    c0 = time.process_time()
    rounds = 0
    events = 0
    while True:
        for a in analyses:
            events += len(coder.code(a))
        rounds += 1
        if time.perf_counter() - t0 >= args.seconds:
            break
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"event stage on {source}: {len(texts)} texts, {n_sent} sentences x {rounds} rounds, "
          f"{events // rounds} events per round")
    print(f"  {n_sent * rounds / cpu:,.0f} sentences/s of CPU time (one core, single-threaded); "
          f"{n_sent * rounds / dt:,.0f} sentences/s wall clock ({dt:.2f}s, shared machine)")
    return 0
