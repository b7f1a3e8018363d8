"""Incident command: ``marsad incidents`` (fuse what waits, list the latest). Scoring and
timing fusion are lab commands, in ``lab/commands/incidents.py``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
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


# --- marsad incidents ----------------------------------------------------------------------

def cmd_incidents(args: argparse.Namespace) -> int:
    from marsad.cli.core import existing_db
    from marsad.store import open_store
    from marsad.store.event_filters import event_filter
    from marsad.store.incidents_sql import clear, fuse_pending, list_incidents

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


def place_label(place_ar: str | None, place: str | None) -> str | None:
    """The place as the text output names it: Arabic first (marsad is an Arabic tool) with
    the English name beside it when both exist and differ, «الرياض (Riyadh)»; else
    whichever exists (``place`` falls back to the Arabic name, and ``place_ar``, NULL in
    rows fused before schema version 9, to ``place``)."""
    if place_ar and place and place_ar != place:
        return f"{place_ar} ({place})"
    return place_ar or place or None


def _print_incident(r: dict) -> None:
    place = place_label(r.get("place_ar"), r.get("place"))
    where = ", ".join(x for x in (place, r["admin1"], r["country"]) if x)
    toll = f", {r['fatalities']} killed" if r["fatalities"] is not None else ""
    print(f"{r['id']}  {r['date']}  {r['type']}/{r['mode'] or '-'}  {where}{toll}")
    actors = " → ".join(x for x in (r["actor1"], r["actor2"]) if x)
    if actors:
        print(f"  {actors}")
    print(f"  {r['n_articles']} articles, {r['n_sources']} sources ({', '.join(r['sources'])})")
    if r["notes"]:
        print(f"  {r['notes'][:160]}")
    print()
