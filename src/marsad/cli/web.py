"""Web and export commands: ``marsad serve``, ``marsad export``."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from marsad.cli.core import DB_HELP, db_of, existing_db
from marsad.errors import InputError

DEFAULT_PORT = 8000
PORT_TRIES = 20  # ports tried after a busy default one


def register(sub: argparse._SubParsersAction) -> None:
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
    from marsad.store import event_filters
    from marsad.store.reads.documents import doc_filter, iter_documents
    from marsad.store.reads.entities import entity_filter, iter_entities
    from marsad.store.reads.events import iter_events

    if args.what in ("events", "incidents"):
        f = event_filters.event_filter(
            type=args.type, status=args.status, country=args.country,
            actor=args.actor or (args.entity if args.what == "incidents" else None),
            date_from=args.date_from, date_to=args.date_to, bbox=args.bbox)
        if args.what == "incidents":
            from marsad.store.incidents_sql import iter_incidents

            return iter_incidents(store, f)
        return iter_events(store, f)
    if args.what == "entities":
        return iter_entities(store, entity_filter(q=args.name, type=args.type, country=args.country))
    return iter_documents(store, doc_filter(
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
