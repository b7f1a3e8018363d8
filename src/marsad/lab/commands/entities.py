"""Entity lab commands: ``marsad bench link``, ``marsad eval link``."""

from __future__ import annotations

import json
from pathlib import Path


def register(groups: dict) -> None:
    p = groups["bench"].add_parser(
        "link", help="linker load time, memory and mentions/s",
        description="Load the linker (knowledge base + place index) and link documents with "
        "real mentions (ANERcorp gold mentions, 20 sentences per document; else the "
        "reference article) on one core. Prints load time, memory, mentions/s.")
    p.add_argument("--file", type=Path, default=None, help="CoNLL file with gold mentions")
    p.add_argument("--limit", type=int, default=None, help="documents to use")
    p.add_argument("--repeat", type=int, default=1)
    p.set_defaults(func=cmd_bench)

    p = groups["eval"].add_parser(
        "link", help="country-level place resolution accuracy on a gold list",
        description="FILE: name<TAB>gold ISO2 (several joined by |; '-' = region with no "
        "country; 'x' = skip)[<TAB>freq<TAB>sample]. Geocodes each name alone; with "
        "--conll also links the gold LOC mentions of that CoNLL file in their documents "
        "and scores those whose string is in FILE. --petrarch FILE reports how many "
        "PETRARCH actor names the knowledge base knows.")
    p.add_argument("file", type=Path, help="gold list (e.g. tests/data/link/places_gold.tsv)")
    p.add_argument("--conll", type=Path, default=None,
                   help="CoNLL file for the in-context check (e.g. ANERcorp train.conll)")
    p.add_argument("--petrarch", type=Path, default=None, help="PETRARCH actor dictionary")
    p.add_argument("--errors", type=int, default=20, help="errors to list (default 20)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=cmd_eval)


def cmd_bench(args) -> int:
    from marsad.lab.link.bench import run_bench

    rep = run_bench(conll=args.file, limit=args.limit, repeat=args.repeat)
    for line in rep.lines():
        print(line)
    return 0


def cmd_eval(args) -> int:
    from marsad.analyze.link import load_linker
    from marsad.lab.link.evaluate import (
        evaluate_gold,
        evaluate_in_context,
        petrarch_coverage,
        read_gold,
    )

    linker = load_linker()
    rows = read_gold(args.file)
    scores = evaluate_gold(rows, linker)
    out = {k: s.to_dict() for k, s in scores.items()}
    ctx = None
    if args.conll:
        ctx = evaluate_in_context(rows, linker, args.conll)
        out["in_context"] = ctx.to_dict()
    if args.petrarch:
        out["petrarch"] = petrarch_coverage(linker, args.petrarch)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for k, s in scores.items():
        print(f"{k:>8}: {s.correct}/{s.n} names = {s.accuracy:.1%}; weighted by frequency "
              f"{s.weighted_correct}/{s.weighted_n} mentions = {s.weighted_accuracy:.1%} "
              f"({s.unresolved} unresolved)")
    if ctx is not None:
        print(f"in context: {ctx.correct}/{ctx.n} LOC mentions = {ctx.accuracy:.1%} "
              f"({ctx.unresolved} unresolved)")
    if "petrarch" in out:
        p = out["petrarch"]
        print(f"PETRARCH actor names known: {p['known']}/{p['names']} = {p['share']:.1%}")
    errs = sorted(scores["all"].errors, key=lambda e: -e[3])[: args.errors]
    if errs:
        print("errors (name, gold, predicted, freq):")
        for e in errs:
            print("  " + "\t".join(map(str, e)))
    return 0
