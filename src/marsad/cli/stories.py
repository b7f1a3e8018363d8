"""Stories: ``marsad stories`` (training and scoring story clustering and near-duplicate
grouping are lab commands, in ``lab/commands/stories.py``)."""

from __future__ import annotations

import argparse
import json
import sys

from marsad.errors import InputError, StoreError


def register(sub: argparse._SubParsersAction) -> None:
    from marsad.cli.core import add_db

    p = sub.add_parser(
        "stories", help="fold stored articles into stories and list them",
        description="Cluster the stored articles that have no story yet into stories "
        "(extending existing ones: a run only adds), then list stories, latest first.",
    )
    add_db(p)
    p.add_argument("--json", action="store_true", help="one JSON object per story per line")
    p.add_argument("--limit", type=int, default=20, help="stories to list (default 20)")
    p.add_argument("--min-articles", type=int, default=2,
                   help="list stories with at least this many articles (default 2)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="list stories active since this date")
    p.add_argument("--no-update", action="store_true", help="only list; cluster nothing")
    _add_story_options(p)
    p.set_defaults(func=cmd_stories)


def _add_story_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", type=float, help="similarity to join a story (default 0.25)")
    p.add_argument("--window", type=int, help="days a story stays open past its ends (default 3)")


def _story_config(args: argparse.Namespace):
    from dataclasses import replace

    from marsad.analyze.stories import DEFAULT

    cfg = DEFAULT
    try:
        if args.threshold is not None:
            cfg = replace(cfg, threshold=args.threshold)
        if args.window is not None:
            cfg = replace(cfg, window_days=args.window)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return cfg


# -- marsad stories ---------------------------------------------------------------------


def cmd_stories(args: argparse.Namespace) -> int:
    from marsad.cli.core import db_of
    from marsad.store import open_store
    from marsad.store.reads.stories import list_stories
    from marsad.store.stories_sql import cluster_unassigned

    cfg = _story_config(args)
    store = open_store(db_of(args), readonly=args.no_update)
    if not hasattr(store, "transaction"):
        raise StoreError(f"{store.url}: this store does not support stories")
    try:
        if not args.no_update:
            totals = cluster_unassigned(store, config=cfg)
            print(
                f"clustered {totals['articles']} new articles: {totals['new_stories']} new "
                f"stories, {totals['extended_stories']} extended", file=sys.stderr,
            )
        rows = list_stories(store, limit=args.limit, min_articles=args.min_articles,
                            since=args.since, terms=True)
    finally:
        store.close()
    for r in rows:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            _print_story(r)
    return 0


def _print_story(r: dict) -> None:
    span = r["first_date"] or "?"
    if r["last_date"] and r["last_date"] != r["first_date"]:
        span += f" → {r['last_date']}"
    print(f"{r['id']}  {span}  {r['article_count']} articles")
    print(f"  {r['headline']}")
    ents = ", ".join(e["name"] for e in r.get("top_entities", [])[:6])
    if ents:
        print(f"  entities: {ents}")
    if r.get("top_terms"):
        print(f"  terms: {' '.join(r['top_terms'][:8])}")
    print()
