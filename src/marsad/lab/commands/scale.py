"""`marsad bench scale`: articles/s of the full pipeline in-process and on Dask (1 and 2
workers), into SQLite and into PostgreSQL, on SaudiNewsNet."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.cli.core import _stages
from marsad.lab.commands.core import bench_articles


def register(groups: dict) -> None:
    p = groups["bench"].add_parser(
        "scale", help="articles/s in-process vs Dask (1, 2 … workers), SQLite vs PostgreSQL",
        description="Ingest SaudiNewsNet (all of it, or --n articles) with the full pipeline "
        "into fresh databases and print articles/s for each engine and backend. Models are "
        "loaded (and Dask workers started) before the clock starts; reading the corpus is "
        "not timed. PostgreSQL: --pg URL (a database the user may CREATE DATABASE in), "
        "$MARSAD_PG, or else a throwaway local server if PostgreSQL is installed.",
    )
    p.add_argument("--n", type=int, default=None, help="articles to ingest (default: all 31k)")
    p.add_argument("--input", help="a .jsonl(.gz) file to use instead of SaudiNewsNet")
    p.add_argument("--workers", default="1,2", help="Dask worker counts (default 1,2)")
    p.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    p.add_argument("--engines", default="inprocess,dask", help="inprocess, dask or both")
    p.add_argument("--pg", default=None, help="postgresql://… server for the PostgreSQL runs")
    p.add_argument("--disable", metavar="STAGES", help="stages to skip (default: none)")
    p.add_argument("--batch", type=int, default=64, help="documents per write transaction")
    p.set_defaults(func=cmd_bench_scale)


@dataclass
class Run:
    engine: str
    workers: int
    backend: str
    articles: int
    seconds: float
    new: int
    failed: int
    cpu_client: float = 0.0  # CPU seconds of this process (reading known ids, writing)
    cpu_workers: tuple[float, ...] = ()  # CPU seconds of each Dask worker
    cpu_db: float | None = None  # CPU seconds of the PostgreSQL server (local one only)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def critical_cpu(self) -> float:
        """CPU seconds on the longest chain: the client and the database work in turn;
        workers run beside them. With a core for each, the run takes about this long."""
        serial = self.cpu_client + (self.cpu_db or 0.0)
        if self.engine == "dask":
            return max(serial, max(self.cpu_workers, default=0.0))
        return serial

    @property
    def cpu_rate(self) -> float:
        return self.articles / self.critical_cpu if self.critical_cpu else 0.0


def _cpu_self() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_tree(pid: int | None) -> float | None:
    """CPU seconds of a process, its live children and its reaped children."""
    if pid is None:
        return None
    import psutil

    try:
        root = psutil.Process(pid)
        t = root.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for c in root.children(recursive=True):
            try:
                ct = c.cpu_times()
                total += ct.user + ct.system
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return None


def _warm(disable: tuple[str, ...]) -> int:
    """Build the pipeline (load every model) in this process: run on each worker."""
    from marsad.analyze.pipeline import default_pipeline
    from marsad.model import Document

    default_pipeline(disable=disable)(Document("اختبار", ["نص قصير للتحميل في الرياض."]))
    return os.getpid()


class _Databases:
    """Fresh databases for each run: temporary SQLite files, PostgreSQL databases."""

    def __init__(self, tmp: Path, pg: str | None):
        self.tmp = tmp
        self.pg = pg
        self.created: list[str] = []

    def new(self, backend: str) -> str:
        if backend == "sqlite":
            return str(self.tmp / f"bench-{uuid.uuid4().hex[:8]}.db")
        import psycopg

        assert self.pg is not None
        name = f"marsad_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        head = self.pg.split("?")[0].rsplit("/", 1)[0]
        return f"{head}/{name}"

    def drop_all(self) -> None:
        if not self.created:
            return
        assert self.pg is not None  # new() made them there
        import psycopg

        with psycopg.connect(self.pg, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(backend: str, db: str, docs: list, *, engine: str, workers: int, pg_pid: int | None,
         ingest: Any, client: Any = None) -> Run:
    """One timed ingest, with the CPU time each process involved spent on it."""
    import marsad

    with marsad.open(db) as store:
        w0 = client.run(_cpu_self) if client is not None else {}
        c0, d0 = _cpu_self(), _cpu_tree(pg_pid) if backend == "postgres" else None
        t0 = time.perf_counter()
        rep = ingest(store)
        secs = time.perf_counter() - t0
        c1, d1 = _cpu_self(), _cpu_tree(pg_pid) if backend == "postgres" else None
        w1 = client.run(_cpu_self) if client is not None else {}
    return Run(engine, workers, backend, len(docs), secs, rep.new, rep.failed,
               cpu_client=c1 - c0, cpu_workers=tuple(w1[a] - w0.get(a, 0.0) for a in w1),
               cpu_db=None if d0 is None or d1 is None else d1 - d0)


def cmd_bench_scale(args: argparse.Namespace) -> int:
    import marsad
    from marsad.analyze.pipeline import default_pipeline

    backends = _stages(args.backends)
    engines = _stages(args.engines)
    counts = [int(x) for x in _stages(args.workers)]
    disable = tuple(sorted(_stages(args.disable)))
    t0 = time.perf_counter()
    docs = bench_articles(args.n or 10**9, args.input)
    print(f"bench scale: {len(docs)} articles read in {time.perf_counter() - t0:.1f}s; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    pipe = default_pipeline(disable=disable)
    print(f"  stages: {', '.join(pipe.names) or 'none'}")
    runs: list[Run] = []
    pg_pid = _postgres(args.pg, "postgres" in backends)
    with tempfile.TemporaryDirectory() as tmp, pg_pid as pg:
        if "postgres" in backends and pg is None:
            print("  postgres: skipped (no --pg, no $MARSAD_PG, and PostgreSQL is not installed)")
            backends = [b for b in backends if b != "postgres"]
        dbs = _Databases(Path(tmp), pg)
        try:
            if "inprocess" in engines:
                pipe(docs[0])  # load the models before the clock starts
                for b in backends:
                    runs.append(_run(b, dbs.new(b), docs, engine="in-process", workers=1,
                                     pg_pid=pg_pid.pid, ingest=lambda st: marsad.ingest(
                                         st, docs, pipeline=pipe, batch_size=args.batch,
                                         progress=False)))
                    _print(runs[-1])
            if "dask" in engines:
                from distributed import Client

                from marsad.run.dask import ingest_dask, local_cluster

                for k in counts:
                    t1 = time.perf_counter()
                    with local_cluster(k) as cluster, Client(cluster) as client:
                        client.run(_warm, disable)
                        print(f"  dask: {k} worker(s) started and models loaded in "
                              f"{time.perf_counter() - t1:.1f}s (not timed below)")
                        for b in backends:
                            runs.append(_run(
                                b, dbs.new(b), docs, engine="dask", workers=k, client=client,
                                pg_pid=pg_pid.pid, ingest=lambda st, c=client: ingest_dask(
                                    st, docs, client=c, disable=disable,
                                    batch_size=args.batch, progress=False)))
                            _print(runs[-1])
        finally:
            dbs.drop_all()
    _summary(runs)
    return 0 if all(r.failed == 0 for r in runs) else 1


def _print(r: Run) -> None:
    eng = r.engine if r.engine != "dask" else f"dask ×{r.workers}"
    workers = "+".join(f"{w:.1f}" for w in r.cpu_workers)
    cpu = f"CPU s: client {r.cpu_client:.1f}" + (f", workers {workers}" if workers else "") + (
        f", postgres {r.cpu_db:.1f}" if r.cpu_db is not None else "")
    print(f"  {eng:<12} {r.backend:<9} {r.rate:7.1f} articles/s wall  "
          f"{r.cpu_rate:7.1f} articles/s CPU-bound  ({r.articles} in {r.seconds:.1f}s; {cpu}; "
          f"{r.new} new, {r.failed} failed)", flush=True)


def _summary(runs: list[Run]) -> None:
    """Ratios on wall-clock time and on the CPU-bound estimate (what the run would take
    with a free core for each process; wall-clock on a shared machine measures the load)."""
    by = {(r.engine, r.workers, r.backend): r for r in runs}
    print("summary (wall-clock | CPU-bound estimate):")
    for b in ("sqlite", "postgres"):
        one, two = by.get(("dask", 1, b)), by.get(("dask", 2, b))
        if one and two and one.rate and one.cpu_rate:
            print(f"  {b}: 2 workers = {two.rate / one.rate:.2f}× | "
                  f"{two.cpu_rate / one.cpu_rate:.2f}× 1 worker")
    for key in sorted({(r.engine, r.workers) for r in runs}):
        lite, pg = by.get((*key, "sqlite")), by.get((*key, "postgres"))
        if lite and pg and lite.rate and lite.cpu_rate:
            name = key[0] if key[0] != "dask" else f"dask ×{key[1]}"
            print(f"  {name}: PostgreSQL at {pg.rate / lite.rate:.0%} | "
                  f"{pg.cpu_rate / lite.cpu_rate:.0%} of SQLite's rate")
    for r in runs:
        if r.engine == "dask" and r.cpu_workers:
            per = r.articles / sum(r.cpu_workers) if sum(r.cpu_workers) else 0.0
            print(f"  dask ×{r.workers} {r.backend}: {per:.1f} articles/s per busy worker core "
                  f"(analysis only)")
    print(f"  load average at end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other processes share them)")


class _postgres:
    """The PostgreSQL server for the runs: --pg, $MARSAD_PG, or a throwaway local one
    (whose CPU time is then measured: ``pid`` is its postmaster)."""

    def __init__(self, url: str | None, wanted: bool):
        self.url = url or os.environ.get("MARSAD_PG")
        self.wanted = wanted
        self.local: Any = None
        self.pid: int | None = None

    def __enter__(self) -> str | None:
        if not self.wanted:
            return None
        if self.url:
            return self.url
        from marsad.errors import MarsadError
        from marsad.lab.pg_local import LocalPostgres

        try:
            self.local = LocalPostgres(fast=False).start()
        except MarsadError as exc:
            print(f"  postgres: cannot start a local server ({exc})")
            return None
        print(f"  postgres: throwaway local server {self.local.url} (default durability settings)")
        self.pid = self.local.postmaster_pid()
        return self.local.url

    def __exit__(self, *exc: object) -> None:
        if self.local is not None:
            self.local.stop()
