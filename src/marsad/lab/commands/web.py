"""Web lab command: ``marsad bench serve`` (latency, throughput and memory of `marsad serve`
under a planned mix of page and API requests)."""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from marsad.errors import InputError, StoreError


def register(groups: dict) -> None:
    p = groups["bench"].add_parser(
        "serve", help="latency (p50/p95) and requests/s of the web server",
        description="Start `marsad serve` on a free loopback port over --db (built from --n "
        "SaudiNewsNet articles when the file does not exist, or in a temporary file when "
        "--db is not given), then fire a mix of page and API requests from a second "
        "process with --concurrency clients, bounded by --requests and --seconds. Prints p50/p95, "
        "errors and requests/s per route group (search, article, events, other) and per kind "
        "of request, and the server's resident memory (start, max, end, by minute).",
    )
    p.add_argument("--db", default=None, help="database to serve (built if missing)")
    p.add_argument("--n", type=int, default=30000, help="articles to load when building (default 30000)")
    p.add_argument("--input", help="a .jsonl(.gz) file to build from instead of SaudiNewsNet")
    p.add_argument("--stages", default="none", help="stages to run when building: none (default), all, or a list")
    p.add_argument("--requests", type=int, default=3000,
                   help="requests to send (default 3000; 0: no limit, run for --seconds)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--seconds", type=float, default=180.0, help="stop sending after this long (default 180)")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.add_argument("--urls", type=int, default=20000,
                   help="distinct requests planned (default 20000), sent in turn and again from the first")
    p.add_argument("--rss-every", type=float, default=5.0,
                   help="sample the server's resident memory every this many seconds (default 5)")
    p.add_argument("--json", dest="json_out", default=None, metavar="FILE",
                   help="also write the figures (and every latency) as JSON to FILE")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_bench_serve)


# -- bench serve --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _build_db(db: Path, args: argparse.Namespace) -> None:
    import marsad
    from marsad.analyze.pipeline import Pipeline, default_pipeline
    from marsad.cli.core import _stages
    from marsad.lab.commands.core import bench_articles

    print(f"bench serve: building {db} from {args.n} articles (stages: {args.stages}) …", flush=True)
    docs = bench_articles(args.n, args.input)
    pipe = Pipeline([]) if args.stages == "none" else (
        default_pipeline() if args.stages == "all" else Pipeline(_stages(args.stages)))
    t0 = time.perf_counter()
    with marsad.open(db) as store:
        report = marsad.ingest(store, docs, pipeline=pipe, progress=False, batch_size=256)
    print(f"  {report.summary()} in {time.perf_counter() - t0:.0f}s", flush=True)


def _plan(db: str, seed: int, n: int = 20000) -> list[tuple[str, str]]:
    """``n`` page and API requests over real ids and words of the database: search
    (words from 2,000 titles, next pages, filters), articles, events (filters, pages, the
    map's points), entities, stories, sources and stats."""
    from urllib.parse import quote

    import marsad
    from marsad.text.segment import words

    rng = random.Random(seed)
    with marsad.open(db, readonly=True) as store:
        docs = [r["id"] for r in store.fetchall("SELECT id FROM documents ORDER BY random() LIMIT 3000")]
        titles = [r["title"] for r in store.fetchall("SELECT title FROM documents ORDER BY random() LIMIT 2000")]
        ents = [r["entity_id"] for r in store.fetchall(
            "SELECT entity_id, COUNT(*) AS n FROM mentions WHERE entity_id IS NOT NULL "
            "GROUP BY entity_id ORDER BY n DESC LIMIT 200")]
        types = [r["type"] for r in store.fetchall("SELECT DISTINCT type FROM events")]
        countries = [r["country"] for r in store.fetchall(
            "SELECT country, COUNT(*) AS n FROM events WHERE country IS NOT NULL "
            "GROUP BY country ORDER BY n DESC LIMIT 20")]
        sources = [r["source"] for r in store.fetchall(
            "SELECT DISTINCT source FROM documents WHERE source IS NOT NULL LIMIT 20")]
        months = [r["m"] for r in store.fetchall(
            "SELECT DISTINCT substr(published, 1, 7) AS m FROM documents WHERE published IS NOT NULL "
            "ORDER BY m DESC LIMIT 12")]
    vocab = [w for t in titles for w in words(t) if len(w) >= 4 and w.isalpha()]
    rng.shuffle(vocab)
    vocab = list(dict.fromkeys(vocab))[:2000] or ["الملك"]
    docs = docs or ["none"]
    mix: list[tuple[str, int]] = [
        ("page:search", 22), ("api:search", 14), ("page:article", 18), ("api:document", 8),
        ("page:events", 5), ("api:events", 5), ("api:events-geojson", 2), ("page:home", 3),
        ("page:sources", 2), ("page:stories", 2), ("api:stats", 2), ("page:search-filter", 6),
    ]
    if ents:
        mix += [("page:entity", 8), ("api:entity-network", 3), ("page:entities", 2)]
    kinds = [k for k, w in mix for _ in range(w)]

    def event_params() -> str:
        p = []
        if types and rng.random() < .5:
            p.append(f"type={rng.choice(types)}")
        if countries and rng.random() < .2:
            p.append(f"country={rng.choice(countries)}")
        if months and rng.random() < .2:
            m = rng.choice(months)
            p.append(f"from={m}&to={m}")
        return "&".join(p)

    urls = []
    for _ in range(n):
        k = rng.choice(kinds)
        w = quote(rng.choice(vocab))
        if k == "page:search":
            u = f"/?q={w}&page={rng.choice([1, 1, 1, 2, 3])}"
        elif k == "page:search-filter":
            src = quote(f'source:"{rng.choice(sources)}"') if sources else ""
            u = f"/?q={w}+{src}&from=2015-01-01"
        elif k == "api:search":
            u = f"/api/search?q={w}&limit=20" + ("&facets=true" if rng.random() < .2 else "")
        elif k == "page:article":
            u = f"/article/{quote(rng.choice(docs))}"
        elif k == "api:document":
            u = f"/api/documents/{quote(rng.choice(docs))}"
        elif k == "page:events":
            p = event_params()
            page = rng.choice([1, 1, 1, 2])
            u = "/events" + (f"?{p}&page={page}" if p else f"?page={page}")
        elif k == "api:events":
            p = event_params()
            u = f"/api/events?limit=50&offset={rng.choice([0, 0, 50])}" + (f"&{p}" if p else "")
        elif k == "api:events-geojson":
            p = event_params()
            u = "/api/events/geojson" + (f"?{p}" if p else "")
        elif k == "page:home":
            u = "/"
        elif k == "page:sources":
            u = "/sources"
        elif k == "page:stories":
            u = "/stories"
        elif k == "api:stats":
            u = "/api/stats"
        elif k == "page:entity":
            u = f"/entity/{quote(rng.choice(ents), safe='')}"
        elif k == "api:entity-network":
            u = f"/api/entities/{quote(rng.choice(ents), safe='')}/network"
        else:
            u = "/entities"
        urls.append((k, u))
    return urls


def cmd_bench_serve(args: argparse.Namespace) -> int:
    import httpx

    from marsad.lab.serve.loadstats import RssSampler, report_lines, rss_summary, wait_until_settled

    if args.urls < 1:
        raise InputError(f"--urls {args.urls} is out of range", fix="plan at least 1 request")
    tmpdir = None
    if args.db:
        db = Path(args.db)
        if not db.exists():
            _build_db(db, args)
    else:
        tmpdir = tempfile.TemporaryDirectory(prefix="marsad-bench-")
        db = Path(tmpdir.name) / "bench.db"
        _build_db(db, args)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "marsad", "serve", "--db", str(db), "--port", str(port),
         "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    sampler = RssSampler(server.pid, every=args.rss_every)
    try:
        deadline = time.time() + 60
        while True:
            if server.poll() is not None:
                err = server.stderr.read().decode(errors="replace") if server.stderr else ""
                raise StoreError(f"the server did not start: {err.strip()[-500:]}")
            try:
                if httpx.get(base + "/api/health", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise StoreError("the server did not answer within 60 s")
            time.sleep(0.2)
        n_docs = httpx.get(base + "/api/health", timeout=5, trust_env=False).json()["documents"]
        # the server warms its caches in a thread after it answers: memory "at start" is
        # read once that is over
        wait_until_settled(server.pid)
        plan = {"base": base, "requests": args.requests, "concurrency": args.concurrency,
                "seconds": args.seconds, "warmup": 40, "urls": _plan(str(db), args.seed, args.urls)}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(plan, f)
            plan_path = f.name
        sampler.start()
        try:
            out = subprocess.run([sys.executable, "-m", "marsad.lab.serve.loadgen", plan_path],
                                 capture_output=True, text=True, timeout=args.seconds + 120, env=env,
                                 check=False)
        finally:
            sampler.stop()
            os.unlink(plan_path)
        if out.returncode != 0:
            raise StoreError(f"the load generator failed: {out.stderr.strip()[-800:]}")
        res = json.loads(out.stdout)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if tmpdir is not None:
            tmpdir.cleanup()
    rss = rss_summary(sampler.samples)
    n_req = sum(len(v) for v in res["latencies"].values())
    print(f"bench serve: {db if args.db else 'temporary database'} ({n_docs} documents), "
          f"{n_req} requests from a second process, {res['concurrency']} concurrent clients, "
          f"{args.workers} server process(es), {res['elapsed']:.1f}s")
    for line in report_lines(res, rss):
        print(line)
    print(f"  status codes: {dict(sorted(res['status'].items()))}")
    for e in res.get("errors", []):
        print(f"  error: {e}")
    if args.json_out:
        from dataclasses import asdict

        from marsad.lab.serve.loadstats import latency_rows

        every, groups, kinds = latency_rows(res)
        Path(args.json_out).write_text(json.dumps({
            "database": str(db), "documents": n_docs, "concurrency": res["concurrency"],
            "workers": args.workers, "elapsed": res["elapsed"], "all": asdict(every),
            "groups": [asdict(r) for r in groups], "kinds": [asdict(r) for r in kinds],
            "status": res["status"], "rss_samples": sampler.samples,
            "rss": asdict(rss) if rss else None, "series": res.get("series", []),
        }), encoding="utf-8")
    return 0 if all(str(k) == "200" for k in res["status"]) else 1
