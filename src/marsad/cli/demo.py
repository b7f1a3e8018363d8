"""`marsad demo`: what `make run` shows — the bundled demo corpus ingested, searched and
the reference article analysed, with no data beyond the package."""

from __future__ import annotations

import argparse
from importlib.resources import files
from pathlib import Path

from marsad.cli.render import plural, print_analysis, print_hit, print_stats

DEMO_QUERIES = ['الفاشر', '"الأمم المتحدة"', "احتجاجات OR مظاهرات", "type:ASSAULT from:2026-03-01"]


def demo_corpus() -> Path:
    return Path(str(files("marsad") / "resources" / "demo"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="build the demo database and show marsad at work",
        description="Ingest the bundled demo corpus into --db (default demo.db), print what it "
        "holds and a few searches, and analyse the reference article.",
    )
    p.add_argument("--db", default="demo.db")
    p.add_argument("--serve", action="store_true", help="then serve the web UI")
    p.add_argument("--port", type=int, default=None,
                   help="port for --serve (default 8000, or the next free one after it)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    import marsad
    from marsad.data import shared_path
    from marsad.ingest import count_inputs

    port = None
    if args.serve:  # a busy port must stop us before the work, not after it
        from marsad.cli.web import choose_port

        port = choose_port("127.0.0.1", args.port)
    corpus = demo_corpus()
    print(f"== ingesting the demo corpus {corpus} (loading the models takes a few seconds)",
          flush=True)
    with marsad.open(args.db) as store:
        report = marsad.ingest(store, [corpus], total=count_inputs([corpus]))
        print(f"ingest: {report.summary()} → {args.db}\n")
        print_stats(store.stats())
        for q in DEMO_QUERIES:
            try:
                res = store.search(q, limit=3)
            except marsad.QueryError as exc:
                print(f"\n== search {q}: {exc}")
                continue
            print(f"\n== marsad search '{q}' --db {args.db}: {plural(res.total, 'result')}")
            for i, h in enumerate(res.hits, 1):
                print_hit(i, h)
    ref = shared_path("samples", "article-ar-001.txt")
    if ref.exists():
        print(f"== marsad analyze {ref}")
        target: Path | None = ref
    else:
        target = next(iter(sorted(corpus.glob("*.txt"))), None)
        print(f"== marsad analyze {target}\n"
              "   (a demo article: the reference article of ../shared/samples is not here)")
    if target:
        print_analysis(marsad.analyze_file(target))
    if args.serve:
        from marsad.cli import main

        return main(["serve", "--db", args.db, "--port", str(port)])
    print(f"Next: marsad search 'سوريا' --db {args.db}   ·   marsad show ID --db {args.db}")
    return 0
