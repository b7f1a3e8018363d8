"""Incident commands: ``marsad incidents`` (fuse what waits, list the latest), ``marsad eval
incidents`` (fusion scored on hand-labelled clusters), ``marsad bench incidents`` (fusion
throughput and memory on a stored collection)."""

from __future__ import annotations

import argparse
import json
import sys
import time


def register(sub: argparse._SubParsersAction, groups: dict) -> None:
    from marsad.cli.core import DB_HELP

    p = sub.add_parser(
        "incidents", help="fuse stored articles into incidents and list the latest",
        description="Incidents are the events of many articles fused into one record per "
        "real-world happening; articles are fused as they are stored. This command fuses the "
        "articles a database held before it had incidents (or all of them again with "
        "--rebuild), then lists the latest incidents.",
    )
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--limit", type=int, default=20, help="incidents to list (default 20)")
    p.add_argument("--type", help="PLOVER type(s), comma-separated")
    p.add_argument("--country", help="ISO code(s), comma-separated")
    p.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
    p.add_argument("--min-sources", type=int, default=1, help="list incidents with at least this many sources")
    p.add_argument("--rebuild", action="store_true", help="forget every incident and fuse all articles again")
    p.add_argument("--no-update", action="store_true", help="only list (open the database read-only)")
    p.add_argument("--json", action="store_true", help="one JSON object per incident")
    p.set_defaults(func=cmd_incidents)

    b = groups["bench"].add_parser(
        "incidents", help="fusion throughput (reports/s, articles/s) and peak memory",
        description="Fuse every article of a stored collection into incidents, as a database "
        "migrated to incidents does, and print reports/s, articles/s and peak memory. --db is "
        "copied first (never written); without it a database is built from --n articles of "
        "SaudiNewsNet (or --input) with the ner, link and events stages.",
    )
    b.add_argument("--db", default=None, help="a SQLite database to measure on (copied first)")
    b.add_argument("--n", type=int, default=500, help="articles to build a database from (no --db)")
    b.add_argument("--input", help="a .jsonl(.gz) file of articles (default: SaudiNewsNet)")
    b.add_argument("--batch", type=int, default=500, help="articles per transaction (default 500)")
    b.add_argument("--keep", metavar="FILE", help="keep the database with its incidents here")
    b.set_defaults(func=cmd_bench)

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


# --- marsad incidents ----------------------------------------------------------------------

def cmd_incidents(args: argparse.Namespace) -> int:
    from marsad.cli.core import existing_db
    from marsad.store import open_store
    from marsad.store.incidents_sql import clear, fuse_pending, list_incidents
    from marsad.store.views import event_filter

    f = event_filter(type=args.type, country=args.country, date_from=args.date_from,
                     date_to=args.date_to)
    store = open_store(existing_db(args), readonly=args.no_update)
    try:
        if not args.no_update:
            if args.rebuild:
                with store.transaction() as tx:
                    clear(tx)
            from marsad.progress import Progress

            with Progress("incidents", None, "articles") as bar:
                res = fuse_pending(store, progress=bar.update)
            if res.articles:
                print(f"fused {res.articles} articles ({res.reports} event rows, {res.fused} in "
                      f"incidents): {res.new_incidents} new incidents, {res.changed_incidents} "
                      "extended", file=sys.stderr)
        rows = list_incidents(store, f, limit=max(1, args.limit), min_sources=args.min_sources)
    finally:
        store.close()
    for r in rows:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            _print_incident(r)
    return 0


def _print_incident(r: dict) -> None:
    where = ", ".join(x for x in (r["place"], r["admin1"], r["country"]) if x)
    toll = f", {r['fatalities']} killed" if r["fatalities"] is not None else ""
    print(f"{r['id']}  {r['date']}  {r['type']}/{r['mode'] or '-'}  {where}{toll}")
    actors = " → ".join(x for x in (r["actor1"], r["actor2"]) if x)
    if actors:
        print(f"  {actors}")
    print(f"  {r['n_articles']} articles, {r['n_sources']} sources ({', '.join(r['sources'])})")
    if r["notes"]:
        print(f"  {r['notes'][:160]}")
    print()


# --- marsad bench incidents ------------------------------------------------------------------

def _build(db, args: argparse.Namespace) -> str:
    """A database of --n articles of SaudiNewsNet (or --input; the bundled demo corpus when
    neither is there) analysed by the ner, link and events stages; what it was built from."""
    import marsad
    from marsad.analyze.pipeline import Pipeline
    from marsad.cli.core import bench_articles
    from marsad.errors import ResourceMissing

    try:
        docs, what = bench_articles(args.n, args.input), f"{args.n} articles of {args.input or 'SaudiNewsNet'}"
    except ResourceMissing:
        from marsad.cli.demo import demo_corpus
        from marsad.ingest import read_paths

        docs = [r.document for r in read_paths([demo_corpus()]) if r.document is not None]
        what = "the demo corpus (SaudiNewsNet not found)"
    print(f"bench incidents: building a database from {what} (ner, link, events) …",
          file=sys.stderr, flush=True)
    with marsad.open(db) as store:
        store.ingest(docs, pipeline=Pipeline(["ner", "link", "events"]), progress=None)
    return what


def cmd_bench(args: argparse.Namespace) -> int:
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    import marsad
    from marsad.analyze.link.bench import rss_mb
    from marsad.cli.core import peak_rss_mb
    from marsad.errors import InputError
    from marsad.progress import format_rate
    from marsad.store.incidents_sql import clear, fuse_pending, incident_counts

    built = ""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        if args.db:
            src = Path(args.db)
            if not src.is_file():
                raise InputError("no such SQLite database", source=args.db,
                                 fix="give a SQLite file (PostgreSQL is not copied)")
            # the online backup API: a consistent copy even while another process writes
            with sqlite3.connect(f"file:{src.resolve()}?mode=ro", uri=True) as a, sqlite3.connect(db) as b:
                a.backup(b)
            a.close()
            b.close()
        else:
            built = _build(db, args)
        with marsad.open(db) as store:  # migrates an older database
            with store.transaction() as tx:
                clear(tx)
            n_docs = int(store.fetchall("SELECT COUNT(*) AS n FROM documents")[0]["n"])
            n_events = int(store.fetchall("SELECT COUNT(*) AS n FROM events")[0]["n"])
            rss0 = rss_mb()
            marks: list[tuple[int, float]] = []
            done = [0]
            t0, c0 = time.perf_counter(), time.process_time()

            def tick(n: int) -> None:
                done[0] += n
                marks.append((done[0], time.perf_counter() - t0))

            res = fuse_pending(store, batch=max(1, args.batch), progress=tick)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            counts = incident_counts(store)
        size = db.stat().st_size / 2**20
        if args.keep:
            shutil.copyfile(db, args.keep)
    print(f"bench incidents: {args.db or built} — {n_docs} articles, "
          f"{n_events} event rows")
    print(f"  fused {res.articles} articles, {res.reports} event rows → {counts['incidents']} "
          f"incidents ({res.fused} rows in incidents) in {dt:.1f} s ({cpu:.1f} s of CPU)")
    print(f"  {format_rate(res.reports, dt, 'reports') or '-'}, "
          f"{format_rate(res.articles, dt, 'articles') or '-'} (read, fuse and write, "
          f"{args.batch} articles per transaction)")
    if len(marks) >= 5:  # does a batch cost more as the store grows? (it should not)
        k = max(1, len(marks) // 5)
        first = marks[k - 1]
        last_n = marks[-1][0] - marks[-k - 1][0]
        last_t = marks[-1][1] - marks[-k - 1][1]
        print(f"  first fifth {format_rate(first[0], first[1], 'articles')}, "
              f"last fifth {format_rate(last_n, last_t, 'articles')}")
    print(f"  incidents loaded per batch: {res.loaded_incidents / max(1, len(marks)):.0f} on average")
    print(f"  memory: {rss0:.0f} MB before fusing, peak RSS {peak_rss_mb():.0f} MB; "
          f"database {size:.1f} MB")
    return 0
