"""Topic command: ``marsad classify`` (training, scoring and timing the classifier are lab
commands, in ``lab/commands/topic.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

CHUNK = 512  # articles classified per batch


def register(sub: Any) -> None:
    p = sub.add_parser(
        "classify", help="label each article of a JSON-lines file with its topic",
        description="Print the topic of each line of FILE (objects with \"text\" and "
        "optionally \"title\", \"id\"): id, label and calibrated score.",
    )
    p.add_argument("file", type=Path, metavar="FILE.jsonl")
    p.add_argument("--json", action="store_true", help='one {"id","label","score"} object a line')
    p.add_argument("--model", type=Path, help="model folder (default: the shipped model)")
    p.set_defaults(func=cmd_classify)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_classify(args: argparse.Namespace) -> int:
    from marsad.analyze.topic.data import iter_articles
    from marsad.analyze.topic.model import load_model

    model = load_model(args.model)
    batch: list = []

    def flush() -> None:
        preds = model.predict([(a.title, a.text) for a in batch])
        for a, p in zip(batch, preds):
            if args.json:
                print(json.dumps({"id": a.id, "label": p.label, "score": round(p.score, 4)},
                                 ensure_ascii=False))
            else:
                print(f"{a.id}\t{p.label}\t{p.score:.4f}")
        batch.clear()

    done = skipped = 0

    def bad_line(exc: Exception) -> None:
        nonlocal skipped
        skipped += 1
        _log(f"marsad: skipped {exc}")

    for art in iter_articles(args.file, on_bad_line=bad_line):
        batch.append(art)
        done += 1
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    if skipped:
        _log(f"{done:,} article(s) classified; {skipped:,} malformed line(s) skipped")
        return 1
    return 0
