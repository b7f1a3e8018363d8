"""Lab commands of the foundation: ``marsad train vocab`` (the stemmer's word frequencies),
``marsad bench ingest``, and the benchmark article reader the other benchmarks share."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from marsad.cli.core import _stages
from marsad.progress import format_rate


def register(groups: dict) -> None:
    p = groups["train"].add_parser(
        "vocab", help="word frequencies used by the stemmer (from SaudiNewsNet + topics)",
        description="Count normalized words in the unlabelled corpora and write "
        "resources/text/vocab.tsv.gz, which decides whether و ف ب ل ك are clitics.",
    )
    p.add_argument("--out", help="output file (default: the packaged resource)")
    p.add_argument("--limit", type=int, help="only the first N articles")
    p.set_defaults(func=cmd_train_vocab)

    p = groups["bench"].add_parser(
        "ingest", help="documents/s and peak memory of ingest",
        description="Ingest N articles of SaudiNewsNet (or --input) into a fresh temporary "
        "database and print documents/s and peak memory.",
    )
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--input", help="a .jsonl(.gz) file to use instead of SaudiNewsNet")
    p.add_argument("--stages", default="none",
                   help="stages to run: none (ingest+index only, default), all, or a list")
    p.set_defaults(func=cmd_bench_ingest)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_articles(n: int, path: str | None = None) -> list:
    """N articles from SaudiNewsNet (or a .jsonl(.gz) file) as Documents built by the
    production reader, read up front so the benchmark measures ingest, not reading."""
    from marsad.lab.corpora import documents

    if n <= 0:
        return []
    return [d for _, d in documents(path or "saudinewsnet", limit=n)]


def cmd_train_vocab(args: argparse.Namespace) -> int:
    from marsad.lab.vocab import build_vocab

    out = build_vocab(Path(args.out) if args.out else None, limit=args.limit)
    print(f"wrote {out}")
    return 0


def cmd_bench_ingest(args: argparse.Namespace) -> int:
    import marsad
    from marsad.analyze.pipeline import Pipeline, default_pipeline, registered

    docs = bench_articles(args.n, args.input)
    if args.stages == "none":
        pipe = Pipeline([])
    elif args.stages == "all":
        pipe = default_pipeline()
    else:
        pipe = Pipeline(_stages(args.stages))
    # warm the models so their load time is not counted as throughput
    if docs and pipe.names:
        pipe(docs[0])
        pipe.timings.clear()
        pipe.cpu_timings.clear()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0, c0 = time.perf_counter(), time.process_time()
        with marsad.open(db) as store:
            report = marsad.ingest(store, docs, pipeline=pipe, total=len(docs))
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = db.stat().st_size / 2**20
    print(f"bench ingest: {len(docs)} articles, stages: {', '.join(pipe.names) or 'none'} "
          f"(registered: {', '.join(registered())})")
    print(f"  {report.new} new, {report.known} known, {report.failed} failed")
    print(f"  {format_rate(len(docs), dt, 'articles') or 'no articles'} ({dt:.2f} s), "
          f"peak RSS {peak_rss_mb():.0f} MB, database {size:.1f} MB")
    # CPU time is what the machine's load does not inflate (other jobs share the cores)
    if docs and cpu > 0:
        print(f"  {len(docs) / cpu:.1f} articles per CPU-second ({cpu:.2f} CPU s, "
              f"load average {os.getloadavg()[0]:.1f})")
    staged = sum(pipe.cpu_timings.values())
    if docs and staged:
        print(f"  analysis stages: {len(docs) / staged:.1f} articles per CPU-second")
    for name, t in pipe.timings.items():
        c = pipe.cpu_timings.get(name, 0.0)
        per = f", {1000 * c / len(docs):.2f} CPU ms/article" if docs else ""
        print(f"  stage {name}: {format_rate(len(docs), t, 'articles') or 'not timed'}{per}")
    return 0
