"""Incident lab commands: ``marsad eval incidents`` (fusion scored on hand-labelled
clusters), ``marsad bench incidents`` (fusion throughput and memory on a stored collection)."""

from __future__ import annotations

import argparse
import json
import sys
import time


def register(groups: dict) -> None:
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

    from marsad.lab.incidents.evaluate import GOLD

    for base in (Path.cwd(), Path(__file__).resolve().parents[4]):
        if (base / GOLD).is_file():
            return base / GOLD
    from marsad.errors import InputError

    raise InputError("no gold file given and tests/data/incidents/snn_2015.jsonl not found",
                     source="marsad eval incidents", fix="give --gold FILE")


def cmd_eval(args: argparse.Namespace) -> int:
    from marsad.analyze.pipeline import Pipeline
    from marsad.lab.incidents.evaluate import evaluate, format_errors, format_scores

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


# --- marsad bench incidents ------------------------------------------------------------------

def _build(db, args: argparse.Namespace) -> str:
    """A database of --n articles of SaudiNewsNet (or --input; the bundled demo corpus when
    neither is there) analysed by the ner, link and events stages; what it was built from."""
    import marsad
    from marsad.analyze.pipeline import Pipeline
    from marsad.errors import ResourceMissing
    from marsad.lab.commands.core import bench_articles

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
        marsad.ingest(store, docs, pipeline=Pipeline(["ner", "link", "events"]), progress=None)
    return what


def cmd_bench(args: argparse.Namespace) -> int:
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    import marsad
    from marsad.errors import InputError
    from marsad.lab.commands.core import peak_rss_mb
    from marsad.lab.link.bench import rss_mb
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
