"""Foundation commands: ingest, analyze, search, show, stats."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from marsad.cli.render import plural, print_analysis, print_hit, print_stats, printable
from marsad.errors import StoreError

DB_HELP = "database: a SQLite file (default: marsad.db or $MARSAD_DB) or postgresql://…"


def default_db() -> str:
    return os.environ.get("MARSAD_DB", "marsad.db")


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help=DB_HELP)


def db_of(args: argparse.Namespace) -> str:
    return args.db or default_db()


def existing_db(args: argparse.Namespace) -> str:
    """The --db of a command that only reads: a SQLite file that is not there is a typo,
    not a request for an empty database (only ``ingest`` creates one)."""
    db = db_of(args)
    if not db.startswith(("postgresql://", "postgres://")) and not Path(db).exists():
        raise StoreError(f"no such database: {db} "
                         f"(create one with `marsad ingest PATH --db {db}`, or `marsad demo --db {db}`)")
    return db


def _stages(value: str | None) -> list[str]:
    return [s.strip() for s in (value or "").split(",") if s.strip()]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest", help="read, analyse and store articles",
        description="Read articles (txt, html, jsonl, RSS/Atom, WARC, folders, zip/tar.gz, "
        "or - for stdin), analyse them and store them. Re-ingesting is safe: known articles "
        "(same content or same URL) are skipped.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_db(p)
    p.add_argument("--no-analyze", action="store_true", help="store text only (no NER, events …)")
    p.add_argument("--disable", metavar="STAGES", help="comma-separated stages to skip, e.g. ner,events")
    p.add_argument("--batch", type=int, default=64, help="documents per transaction (default 64)")
    p.add_argument("--engine", choices=["inprocess", "dask"], default="inprocess")
    p.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (engine dask)")
    p.add_argument("--partitions", type=int, default=None, help="Dask partitions (engine dask)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "analyze", help="print the analysis of articles without storing them",
        description="Analyse each input document and print the result (one JSON object per "
        "document per line with --json).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per document per line")
    p.add_argument("--tokens", action="store_true", help="include tokens in --json output")
    p.add_argument("--disable", metavar="STAGES", help="comma-separated stages to skip")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser(
        "search", help="full-text search",
        description='Search the database. Syntax: words (any inflection), "exact phrase", '
        "a OR b, -excluded, and filters source:NAME from:YYYY-MM-DD to:YYYY-MM-DD "
        'topic:sport lang:ar entity:"داعش" country:SY type:ASSAULT.',
    )
    p.add_argument("query", nargs="+", metavar="QUERY")
    add_db(p)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--all-copies", action="store_true", help="do not collapse near-duplicates")
    p.add_argument("--json", action="store_true", help="one JSON object per hit per line")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="show one stored document and its analysis")
    p.add_argument("id")
    add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("stats", help="what the database holds")
    add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)


def _pipeline(args: argparse.Namespace):
    from marsad.analyze.pipeline import default_pipeline

    return default_pipeline(disable=_stages(getattr(args, "disable", None)))


def say(message: str) -> None:
    """One error line on stderr, with file names made safe for the terminal."""
    print(printable(message), file=sys.stderr, flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    import marsad
    from marsad.ingest import count_inputs
    from marsad.run.engine import IngestOptions, ingest

    # every argument is a path (a name may hold a newline): never raw article text
    paths = [p if p == "-" else Path(p) for p in args.paths]
    options = IngestOptions(
        analyze=not args.no_analyze, disable=_stages(args.disable),
        batch_size=max(1, args.batch), progress=False if args.quiet else None,
        total=count_inputs(paths), on_error=say,
    )
    with marsad.open(db_of(args)) as store:
        if args.engine == "dask":
            from marsad.run.dask import DaskExecutor

            options.executor = DaskExecutor(scheduler=args.scheduler, partitions=args.partitions)
        report = ingest(store, paths, options)
    print(printable(f"ingest: {report.summary()} → {db_of(args)}"))
    return 1 if report.failed else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from marsad.ingest import read_paths

    pipe = _pipeline(args)
    failed = 0
    for r in read_paths(args.paths):
        if r.error:
            failed += 1
            say(f"marsad: {r.error}")
            continue
        assert r.document is not None
        a = pipe(r.document)
        if args.json:
            print(a.to_json(tokens=args.tokens), flush=True)
        else:
            print_analysis(a)
    return 1 if failed else 0


def cmd_search(args: argparse.Namespace) -> int:
    import marsad

    query = " ".join(args.query)
    with marsad.open(existing_db(args), readonly=True) as store:
        res = store.search(query, limit=args.limit, offset=args.offset, collapse=not args.all_copies)
    if args.json:
        for h in res.hits:
            d = {k: getattr(h, k) for k in ("id", "title", "source", "published", "score", "snippet")}
            d.update(highlights=h.highlights, url=h.url, copies=h.copies)
            print(json.dumps(d, ensure_ascii=False))
        if res.undated:  # stdout keeps one object per hit; the count goes to stderr
            print(f"marsad: {res.undated_note()}", file=sys.stderr)
        return 0
    note = res.undated_note()
    if not res.hits:
        print(f"no results for {query!r}")
        if note:
            print(note)
        return 0
    shown = f"{res.offset + 1}–{res.offset + len(res.hits)}"
    print(f"{plural(res.total, 'result')} for {query!r} (showing {shown})")
    if note:
        print(note)
    print()
    for i, h in enumerate(res.hits, res.offset + 1):
        print_hit(i, h)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import marsad

    with marsad.open(existing_db(args), readonly=True) as store:
        a = store.get(args.id)
    if a is None:
        print(f"marsad: no document with id {args.id!r} (see `marsad search`)", file=sys.stderr)
        return 1
    if args.json:
        print(a.to_json())
    else:
        print_analysis(a)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    import marsad

    with marsad.open(existing_db(args)) as store:
        s = store.stats()
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        print_stats(s)
    return 0
