"""Web and export commands: ``marsad serve``, ``marsad export``, ``marsad bench serve``."""

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

from marsad.cli.core import DB_HELP, db_of, existing_db
from marsad.errors import InputError, StoreError

DEFAULT_PORT = 8000
PORT_TRIES = 20  # ports tried after a busy default one


def register(sub: argparse._SubParsersAction, groups: dict) -> None:
    p = sub.add_parser(
        "serve", help="serve the web UI and the JSON API",
        description="Serve the web UI (search, articles, entities, event map, stories, sources) "
        "and the JSON API (/api/…, documented at /docs) over one database. Binds 127.0.0.1 "
        "unless --host says otherwise. Adding articles through the web is off unless a write "
        "token is given (--write-token, or $MARSAD_WRITE_TOKEN).",
    )
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None,
                   help=f"port (default {DEFAULT_PORT}, or the next free one after it)")
    p.add_argument("--write-token", default=None, metavar="TOKEN",
                   help="turn on the ingest page and POST /api/documents for holders of TOKEN")
    p.add_argument("--max-body-mb", type=float, default=4.0, help="largest upload accepted (MB)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (default 1); more use more cores for reading, "
                   "and need no write token (one writer only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "export", help="export documents, entities, events or incidents (jsonl, csv, geojson, acled)",
        description="Stream documents, entities, events or incidents to a file (or stdout) as "
        "JSON Lines, CSV, GeoJSON (events, incidents and entities with coordinates) or "
        "ACLED-style CSV (events; incidents in ACLED's column layout). Filters as in the API.",
    )
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--what", choices=["documents", "entities", "events", "incidents"], default="events")
    p.add_argument("--format", choices=["jsonl", "csv", "geojson", "acled"], default="jsonl")
    p.add_argument("--out", help="output file (default: stdout)")
    g = p.add_argument_group("document filters")
    g.add_argument("--q", help='search-syntax query, e.g. \'سوريا source:okaz\'')
    g.add_argument("--source")
    g.add_argument("--topic")
    g.add_argument("--lang")
    g.add_argument("--story")
    g.add_argument("--entity", help="entity id (documents mentioning it; incidents it takes part in)")
    g = p.add_argument_group("event and incident filters")
    g.add_argument("--type", help="PLOVER type(s), comma-separated (e.g. ASSAULT,PROTEST)")
    g.add_argument("--status", help="occurred, planned, threatened, claimed, denied (comma-separated)")
    g.add_argument("--actor", help="entity id or part of the source/target text")
    g.add_argument("--country", help="ISO code(s) of the place, comma-separated")
    g.add_argument("--bbox", help="WEST,SOUTH,EAST,NORTH")
    g = p.add_argument_group("both")
    g.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
    g.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
    g.add_argument("--name", help="entities: part of a name")
    p.set_defaults(func=cmd_export)

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


# -- serve ------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from marsad.web import ServeSettings, create_app

    token = args.write_token or os.environ.get("MARSAD_WRITE_TOKEN") or None
    # with a write token the first upload may create the database; without, it must exist
    db = db_of(args) if token else existing_db(args)
    if not (1 <= args.workers <= 32):
        raise InputError(f"--workers {args.workers} is out of range", fix="use 1 to 32")
    if args.workers > 1 and token:
        raise InputError("--workers > 1 cannot take a write token", fix="serve writes with one worker")
    port = choose_port(args.host, args.port)
    settings = ServeSettings(db=db, host=args.host, port=port, write_token=token,
                             max_body_bytes=int(args.max_body_mb * 2**20))
    app = create_app(settings)
    # open one reader now so a bad database fails here, not on the first request
    app.state.marsad.reader()
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"marsad: serving {db} at http://{shown}:{port}/  (API docs: /docs · Ctrl-C stops)",
          flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"marsad: warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    if token:
        print("marsad: writing through the web is ON for holders of the write token", flush=True)
    common = {"host": args.host, "port": port, "log_level": "warning", "access_log": False,
              "server_header": False, "limit_concurrency": 256, "timeout_keep_alive": 5}
    if args.workers > 1:
        from marsad.web.app import ENV_DB

        os.environ[ENV_DB] = db
        app.state.marsad.close()
        uvicorn.run("marsad.web.app:app_from_env", factory=True, workers=args.workers, **common)
    else:
        uvicorn.run(app, **common)
    return 0


def port_is_free(host: str, port: int) -> bool:
    """Can a server bind ``host:port`` now (as uvicorn does, with SO_REUSEADDR)?"""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot bind {host!r}: {exc}", fix="use --host 127.0.0.1") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError:
            return False
    return True


def choose_port(host: str, port: int | None, default: int = DEFAULT_PORT) -> int:
    """The port to serve on. A port the user chose must be free, or we stop before doing any
    work with a message saying how to pick another; the default (8000) falls to the next free
    port, and says so."""
    if port is not None:
        if not (1 <= port <= 65535):
            raise InputError(f"port {port} is out of range", fix="use 1 to 65535")
        if not port_is_free(host, port):
            raise InputError(f"port {port} on {host} is already in use",
                             fix="choose another: --port N, or `make run PORT=N`")
        return port
    for p in range(default, min(default + PORT_TRIES, 65536)):
        if port_is_free(host, p):
            if p != default:
                print(f"marsad: port {default} is in use; using port {p} instead "
                      "(choose one with --port N, or `make run PORT=N`)", flush=True)
            return p
    raise InputError(f"ports {default}–{default + PORT_TRIES - 1} on {host} are all in use",
                     fix="choose a free one: --port N, or `make run PORT=N`")


# -- export -----------------------------------------------------------------------------------
def export_rows(store, args: argparse.Namespace):
    from marsad.store import views

    if args.what in ("events", "incidents"):
        f = views.event_filter(
            type=args.type, status=args.status, country=args.country,
            actor=args.actor or (args.entity if args.what == "incidents" else None),
            date_from=args.date_from, date_to=args.date_to, bbox=args.bbox)
        if args.what == "incidents":
            from marsad.store.incidents_sql import iter_incidents

            return iter_incidents(store, f)
        return views.iter_events(store, f)
    if args.what == "entities":
        return views.iter_entities(store, views.entity_filter(q=args.name, type=args.type, country=args.country))
    return views.iter_documents(store, views.doc_filter(
        source=args.source, topic=args.topic, lang=args.lang, date_from=args.date_from,
        date_to=args.date_to, story=args.story, q=args.q, entity=args.entity))


def cmd_export(args: argparse.Namespace) -> int:
    import marsad
    from marsad.export import writer_for

    write = writer_for(args.what, args.format)
    n_chunks = 0
    with marsad.open(existing_db(args), readonly=True) as store:
        rows = export_rows(store, args)
        if args.out:
            out = Path(args.out)
            tmp = out.with_name(out.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    for chunk in write(rows):
                        f.write(chunk)
                        n_chunks += 1
                tmp.replace(out)
            finally:
                tmp.unlink(missing_ok=True)
            print(f"export: {args.what} as {args.format} → {out} ({out.stat().st_size:,} bytes)",
                  file=sys.stderr)
        else:
            for chunk in write(rows):
                sys.stdout.write(chunk)
            sys.stdout.flush()
    return 0


# -- bench serve --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _build_db(db: Path, args: argparse.Namespace) -> None:
    import marsad
    from marsad.analyze.pipeline import Pipeline, default_pipeline
    from marsad.cli.core import _stages, bench_articles

    print(f"bench serve: building {db} from {args.n} articles (stages: {args.stages}) …", flush=True)
    docs = bench_articles(args.n, args.input)
    pipe = Pipeline([]) if args.stages == "none" else (
        default_pipeline() if args.stages == "all" else Pipeline(_stages(args.stages)))
    t0 = time.perf_counter()
    with marsad.open(db) as store:
        report = store.ingest(docs, pipeline=pipe, progress=False, batch_size=256)
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

    from marsad.web.loadstats import RssSampler, report_lines, rss_summary, wait_until_settled

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
            out = subprocess.run([sys.executable, "-m", "marsad.web.loadgen", plan_path],
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

        from marsad.web.loadstats import latency_rows

        every, groups, kinds = latency_rows(res)
        Path(args.json_out).write_text(json.dumps({
            "database": str(db), "documents": n_docs, "concurrency": res["concurrency"],
            "workers": args.workers, "elapsed": res["elapsed"], "all": asdict(every),
            "groups": [asdict(r) for r in groups], "kinds": [asdict(r) for r in kinds],
            "status": res["status"], "rss_samples": sampler.samples,
            "rss": asdict(rss) if rss else None, "series": res.get("series", []),
        }), encoding="utf-8")
    return 0 if all(str(k) == "200" for k in res["status"]) else 1
