"""Entity commands: ``marsad geocode``, ``marsad entity``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsad.errors import InputError

if TYPE_CHECKING:
    from marsad.analyze.link import GeocodeResult


def register(sub) -> None:
    p = sub.add_parser(
        "geocode", help="resolve a place name to coordinates and a country",
        description="Print the best place for NAME (English name, country, kind, lat/lon, "
        "GeoNames id, score) and the other candidates. Clitics are fine (وبغداد, بسوريا); "
        "--context gives text whose places and nisbas steer the choice (لندن with «أونتاريو "
        "الكندية» is London, Ontario). With --file, one name per line (optionally a tab and "
        "a context sentence) and one JSON object per input line, in order.")
    p.add_argument("name", nargs="?", help="place name (Arabic or English)")
    p.add_argument("--context", default=None, help="text around the name")
    p.add_argument("--file", type=Path, default=None,
                   help="names to geocode, one per line ('-' for stdin)")
    p.add_argument("--type", default="LOC", choices=("LOC", "ORG", "PER", "MISC"),
                   help="what kind of mention the name is (default LOC)")
    p.add_argument("--limit", type=int, default=5, help="candidates to show (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--rebuild-index", action="store_true",
                   help="rebuild the GeoNames place index in the cache, then exit")
    p.set_defaults(func=cmd_geocode)

    p = sub.add_parser(
        "entity", help="show the canonical entity a name refers to",
        description="Look NAME up in the knowledge base (actors, countries, regions, places; "
        "an id such as kb:isis or gn:2643743; or a nisba such as السوري) and print the "
        "canonical entity with its aliases.")
    p.add_argument("name")
    p.add_argument("--all", action="store_true", help="show every matching entity, not the best")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_entity)


# -- geocode ---------------------------------------------------------------------------------

def _geocode_json(res: GeocodeResult) -> dict[str, Any]:
    return {"name": res.name, "best": res.best, "candidates": res.candidates,
            "context_countries": [list(c) for c in res.context_countries]}


def _print_geocode(res: GeocodeResult) -> None:
    if not res.best:
        print(f"{res.name}: no match")
        return
    b = res.best
    coords = f"{b['lat']:.4f}, {b['lon']:.4f}" if b["lat"] is not None else "-"
    print(f"{res.name} → {b['name_en'] or b['name_ar']} ({b['name_ar']}), "
          f"{b['country'] or '-'}, {b['kind'] or b['type']}  [{coords}]  {b['id']}"
          f"{'  geonames ' + str(b['geonames_id']) if b['geonames_id'] else ''}"
          f"  score {b['score']}")
    if res.context_countries:
        print("  context: " + ", ".join(f"{c} {s:.2f}" for c, s in res.context_countries))
    for i, c in enumerate(res.candidates[1:], 2):
        print(f"  {i}. {c['name_en'] or c['name_ar']}, {c['country'] or '-'}, "
              f"{c['kind'] or c['type']}  {c['id']}  score {c['score']}")


def _read_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", source=str(path)) from exc


def cmd_geocode(args) -> int:
    from marsad.analyze.link import build_index, geocode, load_linker

    if args.rebuild_index:
        rep = build_index(force=True)
        print(f"place index {rep.path}: {rep.places:,} places, {rep.names:,} names "
              f"({rep.seconds:.1f} s)")
        return 0
    if args.file is None and not args.name:
        raise InputError("give a NAME, or --file FILE", fix="marsad geocode بغداد")
    linker = load_linker()
    if args.file is not None:
        for line in _read_lines(args.file):
            name, _, context = line.partition("\t")
            name = name.strip()
            res: dict[str, Any]
            if not name:
                res = {"name": name, "best": None, "candidates": [], "context_countries": []}
            else:
                res = _geocode_json(geocode(name, context=context.strip() or None,
                                            type_=args.type, limit=args.limit, linker=linker))
            if args.json:
                print(json.dumps(res, ensure_ascii=False))
            else:
                b = res["best"]
                print(f"{name}\t{b['country'] if b else ''}\t{b['name_en'] if b else ''}\t"
                      f"{b['id'] if b else ''}")
        return 0
    found = geocode(args.name, context=args.context, type_=args.type, limit=args.limit,
                    linker=linker)
    if args.json:
        print(json.dumps(_geocode_json(found), ensure_ascii=False, indent=2))
    else:
        _print_geocode(found)
    return 0 if found.best else 1


# -- entity ----------------------------------------------------------------------------------

def cmd_entity(args) -> int:
    from dataclasses import asdict

    from marsad.analyze.link import lookup_entity

    ents = lookup_entity(args.name)
    if not args.all:
        ents = ents[:1]
    if args.json:
        out = [asdict(e) for e in ents]
        print(json.dumps(out if args.all else (out[0] if out else None), ensure_ascii=False,
                         indent=2))
        return 0 if ents else 1
    if not ents:
        print(f"{args.name}: not in the knowledge base")
        return 1
    for e in ents:
        print(f"{e.id}  {e.type}/{e.kind or '-'}  {e.name_ar}"
              f"{'  ' + e.name_en if e.name_en else ''}")
        facts = []
        if e.country:
            facts.append(f"country {e.country}")
        if e.wikidata:
            facts.append(f"wikidata {e.wikidata}")
        if e.lat is not None:
            facts.append(f"{e.lat:.4f}, {e.lon:.4f}")
        if e.geonames_id:
            facts.append(f"geonames {e.geonames_id}")
        if facts:
            print("  " + "  ".join(facts))
        if e.aliases:
            print("  aliases: " + " | ".join(e.aliases))
    return 0
