"""`marsad watch`: poll RSS/Atom feeds into the database, politely, until stopped."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from marsad.cli.core import _stages, add_db, db_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "watch", help="poll RSS/Atom feeds and store new articles",
        description="Poll the feeds listed in FILE (one URL per line, optionally with a "
        "source name), fetch each new item's article page, analyse and store it. Polite: "
        "robots.txt, a per-host rate limit, conditional GET, timeouts, retries with backoff, "
        "a size cap. The watcher's state lives in the database, so a restart resumes where "
        "it stopped. Ctrl-C (or SIGTERM) stops after the current article (a download in "
        "flight gets 2 s to finish). With --once, the exit code is 1 when a feed or an item "
        "failed.",
    )
    p.add_argument("--feeds", required=True, metavar="FILE", help="the feed list")
    add_db(p)
    p.add_argument("--interval", default="15m", help="time between polls of a feed (default 15m)")
    p.add_argument("--once", action="store_true",
                   help="poll every feed once, process its new items and exit (for cron)")
    p.add_argument("--no-analyze", action="store_true", help="store text only")
    p.add_argument("--disable", metavar="STAGES", help="comma-separated stages to skip")
    p.add_argument("--timeout", type=float, default=20.0,
                   help="seconds to connect and per read (default 20)")
    p.add_argument("--deadline", type=float, default=None,
                   help="seconds for one whole request, however the server trickles "
                   "(default 6 × --timeout)")
    p.add_argument("--retries", type=int, default=3, help="retries of a failing request (default 3)")
    p.add_argument("--backoff", type=float, default=2.0,
                   help="seconds before the first retry, doubling each time (default 2)")
    p.add_argument("--host-delay", type=float, default=1.0,
                   help="minimum seconds between two requests to one host (default 1)")
    p.add_argument("--max-mb", type=float, default=10.0, help="response size cap in MB (default 10)")
    p.add_argument("--max-redirects", type=int, default=5)
    p.add_argument("--user-agent", default=None)
    p.add_argument("--verbose", "-v", action="store_true", help="log every request outcome")
    p.set_defaults(func=cmd_watch)


def _install_stop(stop: threading.Event) -> None:
    """First SIGINT/SIGTERM: finish the current article, then exit; second: stop now."""

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        logging.getLogger("marsad.watch").warning(
            "%s received: stopping after the current article", signal.Signals(signum).name)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def cmd_watch(args: argparse.Namespace) -> int:
    import marsad
    from marsad.ingest.fetch import FetchConfig
    from marsad.run.watch import WatchConfig, Watcher, parse_interval, read_feed_list

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    feeds = read_feed_list(args.feeds)
    fetch = FetchConfig(
        timeout=args.timeout, retries=max(0, args.retries), backoff=args.backoff,
        host_interval=args.host_delay, max_bytes=int(args.max_mb * 2**20),
        max_redirects=args.max_redirects, deadline=args.deadline,
        **({"user_agent": args.user_agent} if args.user_agent else {}),
    )
    config = WatchConfig(interval=parse_interval(args.interval), fetch=fetch)
    analyze = None
    if not args.no_analyze:
        from marsad.analyze.pipeline import default_pipeline

        analyze = default_pipeline(disable=_stages(args.disable))
    stop = threading.Event()
    _install_stop(stop)
    with marsad.open(db_of(args)) as store:
        watcher = Watcher(store, feeds, config=config, analyze=analyze, stop=stop)
        try:
            if args.once:
                rep = watcher.run_round(force=True)
                print(f"watch: {rep.summary()} → {db_of(args)}")
                if rep.feed_failures or rep.item_failures:
                    return 1  # cron and scripts see that something failed
            else:
                logging.getLogger("marsad.watch").info(
                    "watching %d feeds every %s into %s", len(feeds), args.interval, db_of(args))
                watcher.run_forever()
        finally:
            watcher.close()
    return 0
