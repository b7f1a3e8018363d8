"""Incident commands: ``marsad eval incidents`` (fusion scored on hand-labelled clusters)."""

from __future__ import annotations

import argparse
import json
import sys
import time


def register(sub: argparse._SubParsersAction, groups: dict) -> None:
    e = groups["eval"].add_parser(
        "incidents", help="score incident fusion on hand-labelled clusters of SaudiNewsNet",
        description="Rebuild the labelled articles from the SaudiNewsNet corpus (under "
        "MARSAD_DATA), run the ner, link and events stages on each, fuse their events into "
        "incidents article by article, and score the articles' incidents against the gold "
        "clusters: pairwise and B-cubed precision, recall and F1.",
    )
    e.add_argument("--gold", metavar="FILE", default=None,
                   help="labelled clusters (default: tests/data/incidents/snn_2015.jsonl)")
    e.add_argument("--errors", type=int, default=0, metavar="N",
                   help="print N split gold clusters and N incidents joining different clusters")
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.add_argument("--min-bcubed", type=float, default=None, metavar="F1",
                   help="exit 1 if the B-cubed F1 is lower")
    e.set_defaults(func=cmd_eval)


def _default_gold():
    from pathlib import Path

    from marsad.analyze.incidents.evaluate import GOLD

    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / GOLD).is_file():
            return base / GOLD
    from marsad.errors import InputError

    raise InputError("no gold file given and tests/data/incidents/snn_2015.jsonl not found",
                     source="marsad eval incidents", fix="give --gold FILE")


def cmd_eval(args: argparse.Namespace) -> int:
    from marsad.analyze.incidents.evaluate import evaluate, format_errors, format_scores
    from marsad.analyze.pipeline import Pipeline

    gold = args.gold or _default_gold()
    pipe = Pipeline(["ner", "link", "events"])
    from marsad.progress import Progress

    t0 = time.perf_counter()
    with Progress("eval incidents", None, "articles") as bar:
        run = evaluate(gold, pipe, progress=lambda n: bar.update(1))
    s = run.scores
    if args.json:
        print(json.dumps({"gold": str(gold), **s.as_dict(), "incidents": len(run.incidents)}, indent=2))
    else:
        print(f"incident gold: {gold} ({s.articles} articles, {len(run.incidents)} incidents, "
              f"{time.perf_counter() - t0:.1f}s)")
        print(format_scores(s))
        if args.errors:
            print(format_errors(run, args.errors))
    if args.min_bcubed is not None and s.bcubed_f1 < args.min_bcubed:
        print(f"marsad: B-cubed F1 {s.bcubed_f1:.3f} is below --min-bcubed {args.min_bcubed}", file=sys.stderr)
        return 1
    return 0
