"""Entity reads: the entity listing and page (counts, spellings, timeline, articles,
events), the co-occurrence network and the places an entity is found at."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import QueryError
from marsad.store.base import Store
from marsad.store.event_filters import (
    DOC_COLUMNS,
    EVENT_COLUMNS,
    _in,
    _like,
    check_page,
)
from marsad.store.reads.events import EVENTS_FROM, bucket_series

ENTITY_COLUMNS = (
    "e.id, e.type, e.name_ar, e.name_en, e.aliases, e.wikidata, e.country, e.lat, e.lon, "
    "e.geonames_id, e.kind, e.local"
)


def _entity_row(r: dict[str, Any]) -> dict[str, Any]:
    r = dict(r)
    try:
        r["aliases"] = json.loads(r.get("aliases") or "[]")
    except (TypeError, ValueError):
        r["aliases"] = []
    if "local" in r:
        r["local"] = bool(r["local"])
    return r


@dataclass(frozen=True)
class EntityFilter:
    name: str | None = None
    type: str | None = None
    country: str | None = None


def entity_filter(*, q: str | None = None, type: str | None = None, country: str | None = None) -> EntityFilter:
    t = (type or "").upper() or None
    if t and t not in ("PER", "ORG", "LOC", "MISC"):
        raise QueryError(f"unknown entity type {type!r}", fix="use PER, ORG, LOC or MISC")
    c = (country or "").upper() or None
    if c and not re.fullmatch(r"[A-Z]{2}", c):
        raise QueryError(f"country {country!r} is not a two-letter code", fix="write country=SY")
    name = (q or "").strip() or None
    if name and len(name) > 200:
        raise QueryError("the name is longer than 200 characters", fix="shorten it")
    return EntityFilter(name=name, type=t, country=c)


def _entity_where(f: EntityFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if f.name:
        pat = _like(f.name)
        where.append(
            "(e.name_ar LIKE ? ESCAPE '\\' OR lower(e.name_en) LIKE lower(?) ESCAPE '\\' "
            "OR e.aliases LIKE ? ESCAPE '\\' OR e.id = ?)"
        )
        args += [pat, pat, pat, f.name]
    if f.type:
        where.append("e.type = ?")
        args.append(f.type)
    if f.country:
        where.append("e.country = ?")
        args.append(f.country)
    return (" WHERE " + " AND ".join(where)) if where else "", args


_MENTION_COUNTS = (
    "(SELECT entity_id, COUNT(*) AS mentions, COUNT(DISTINCT doc_id) AS documents FROM mentions "
    "WHERE entity_id IS NOT NULL GROUP BY entity_id)"
)


def count_entities(store: Store, f: EntityFilter) -> int:
    where, args = _entity_where(f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n FROM entities e{where}", args)[0]["n"])


def list_entities(store: Store, f: EntityFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Entities, the most mentioned first."""
    check_page(limit, offset)
    where, args = _entity_where(f)
    rows = store.fetchall(
        f"SELECT {ENTITY_COLUMNS}, COALESCE(c.mentions, 0) AS mentions, "
        f"COALESCE(c.documents, 0) AS documents FROM entities e LEFT JOIN {_MENTION_COUNTS} c "
        f"ON c.entity_id = e.id{where} ORDER BY documents DESC, e.id LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )
    return [_entity_row(r) for r in rows]


def iter_entities(store: Store, f: EntityFilter) -> Iterator[dict[str, Any]]:
    where, args = _entity_where(f)
    for r in store.iter_rows(
        f"SELECT {ENTITY_COLUMNS}, COALESCE(c.mentions, 0) AS mentions, "
        f"COALESCE(c.documents, 0) AS documents FROM entities e LEFT JOIN {_MENTION_COUNTS} c "
        f"ON c.entity_id = e.id{where} ORDER BY e.id",
        args,
    ):
        yield _entity_row(r)


def entity_exists(store: Store, entity_id: str) -> bool:
    """Is there such an entity? (One key lookup, where :func:`get_entity` also counts and
    groups every mention of it: tens of milliseconds for a country named 20,000 times.)"""
    return bool(store.fetchall("SELECT 1 AS x FROM entities WHERE id = ?", [entity_id]))


def get_entity(store: Store, entity_id: str) -> dict[str, Any] | None:
    rows = store.fetchall(f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.id = ?", [entity_id])
    if not rows:
        return None
    ent = _entity_row(rows[0])
    c = store.fetchall(
        "SELECT COUNT(*) AS mentions, COUNT(DISTINCT doc_id) AS documents FROM mentions WHERE entity_id = ?",
        [entity_id],
    )[0]
    ent["mentions"], ent["documents"] = int(c["mentions"]), int(c["documents"])
    ent["written_as"] = store.fetchall(
        "SELECT text, COUNT(*) AS n FROM mentions WHERE entity_id = ? GROUP BY text "
        "ORDER BY n DESC, text LIMIT 20",
        [entity_id],
    )
    return ent


def entities_by_id(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    ids = list(dict.fromkeys(i for i in ids if i))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        c, a = _in("e.id", tuple(chunk))
        for r in store.fetchall(f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE {c}", a):
            out[r["id"]] = _entity_row(r)
    return out


def entity_timeline(store: Store, entity_id: str) -> dict[str, Any]:
    """Articles mentioning the entity per period."""
    rows = store.fetchall(
        "SELECT substr(d.published, 1, 10) AS day, COUNT(*) AS n FROM documents d "
        "WHERE d.id IN (SELECT m.doc_id FROM mentions m WHERE m.entity_id = ?) "
        "AND d.published IS NOT NULL GROUP BY substr(d.published, 1, 10) ORDER BY day",
        [entity_id],
    )
    return bucket_series([(r["day"], "articles", int(r["n"])) for r in rows])


def entity_documents(store: Store, entity_id: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset)
    return store.fetchall(
        f"SELECT {DOC_COLUMNS} FROM documents d WHERE d.id IN "
        "(SELECT m.doc_id FROM mentions m WHERE m.entity_id = ?) "
        "ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?",
        [entity_id, limit, offset],
    )


@dataclass
class Network:
    nodes: list[dict[str, Any]] = field(default_factory=list)  # id, name_ar, name_en, type, weight
    edges: list[dict[str, Any]] = field(default_factory=list)  # source, target, weight
    available: int = 0  # how many entities share an article with the ego (before the cap)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges, "available": self.available}


NETWORK_SIZE = 30  # neighbours shown by default: a few dozen stay readable, a hairball does not
NETWORK_LINKS_PER_NODE = 2  # each neighbour keeps only its strongest links to other neighbours


NETWORK_DOCS = 2000  # the network is drawn over the entity's latest this many articles


def report_entities(store: Store, entity_id: str, *, docs: int = NETWORK_DOCS) -> dict[str, set[str]]:
    """report -> the entities named in it, over the entity's latest ``docs`` articles
    (newest first, ties by id). A report is an article with its near-duplicate copies
    (``dup_group``). The server computes the same from its in-memory tables
    (:func:`marsad.store.reads.facets.index_report_entities`)."""
    rows = store.fetchall(
        "SELECT DISTINCT COALESCE(x.dup_group, x.id) AS report, m.entity_id FROM mentions m "
        "JOIN documents x ON x.id = m.doc_id WHERE m.entity_id IS NOT NULL "
        "AND m.doc_id IN (SELECT y.id FROM documents y WHERE y.id IN "
        "(SELECT m1.doc_id FROM mentions m1 WHERE m1.entity_id = ?) "
        "ORDER BY COALESCE(y.published, '') DESC, y.id LIMIT ?)",
        [entity_id, docs],
    )
    by_report: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_report[r["report"]].add(r["entity_id"])
    return by_report


def cooccurrence(store: Store, entity_id: str, *, size: int = NETWORK_SIZE, docs: int = NETWORK_DOCS,
                 reports: dict[str, set[str]] | None = None) -> Network:
    """The entity, the ``size`` entities most often named in the same reports, and how
    many reports each pair shares (over the entity's latest ``docs`` articles).

    A report is an article with its near-duplicate copies, so a wire story republished by
    five outlets counts once. Every neighbour is linked to the entity; between neighbours
    only each one's strongest ``NETWORK_LINKS_PER_NODE`` links shared by two or more reports
    are kept — the backbone of the network, not every pair that ever met. ``reports``: the
    reports' entities when the caller has them (from memory); else read in SQL."""
    by_report = report_entities(store, entity_id, docs=docs) if reports is None else reports
    weight = Counter(e for ents in by_report.values() for e in ents if e != entity_id)
    # strongest first; ties by id so the same database always draws the same network
    top = [e for e, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]
    keep = set(top)
    pairs: Counter[tuple[str, str]] = Counter()
    for ents in by_report.values():
        inside = sorted(ents & keep)
        for i, a in enumerate(inside):
            for b in inside[i + 1 :]:
                pairs[(a, b)] += 1
    strongest: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for (a, b), n in pairs.items():
        if n >= 2:
            strongest[a].append((n, a, b))
            strongest[b].append((n, a, b))
    backbone: dict[tuple[str, str], int] = {}
    for links in strongest.values():
        for n, a, b in sorted(links, key=lambda x: (-x[0], x[1], x[2]))[:NETWORK_LINKS_PER_NODE]:
            backbone[(a, b)] = n
    info = entities_by_id(store, [entity_id, *top])
    nodes = []
    for e in [entity_id, *top]:
        ent = info.get(e, {"id": e, "name_ar": e, "type": "MISC"})
        nodes.append({
            "id": e, "name_ar": ent.get("name_ar"), "name_en": ent.get("name_en"),
            "type": ent.get("type"), "weight": len(by_report) if e == entity_id else weight[e],
            "ego": e == entity_id,
        })
    edges = [{"source": entity_id, "target": e, "weight": weight[e]} for e in top]
    edges += [{"source": a, "target": b, "weight": n}
              for (a, b), n in sorted(backbone.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Network(nodes, edges, available=len(weight))


PLACE_WINDOW = 150  # characters either side of the entity's mention: about one news sentence
PLACE_MIN_REPORTS = 2  # a named place needs this many separate reports naming it near the entity
PLACE_LIMIT = 30  # at most this many named places on an entity's map


def entity_places(store: Store, entity_id: str, *, limit: int = PLACE_LIMIT) -> list[dict[str, Any]]:
    """Where the entity is, with support — each place with lat/lon, ``kind`` and counts:

    - ``self``: the entity's own coordinates;
    - ``country``: the country the knowledge base puts it in;
    - ``event``: the places of the events it is the source or target of;
    - ``named_with``: places named close to it (within ``PLACE_WINDOW`` characters of one
      of its mentions) in at least ``PLACE_MIN_REPORTS`` separate reports (copies count
      once), and named with it more often than in the average article (lift above 1), the
      ``limit`` best supported. One stray mention of a far-away capital in a long article
      is not a place of the entity.
    """
    places: dict[tuple[float, float], dict[str, Any]] = {}
    ent = store.fetchall("SELECT id, name_ar, name_en, lat, lon, country, kind FROM entities WHERE id = ?",
                         [entity_id])
    if not ent:
        return []
    e = ent[0]
    if e["lat"] is not None and e["lon"] is not None:
        places[(e["lat"], e["lon"])] = {
            "lat": e["lat"], "lon": e["lon"], "name": e["name_ar"], "name_en": e["name_en"],
            "id": e["id"], "n": 0, "kind": "self",
        }
    if e["country"] and e["kind"] != "country":
        for r in store.fetchall(
            "SELECT id, name_ar, name_en, lat, lon FROM entities WHERE kind = 'country' AND country = ? "
            "AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY local, id LIMIT 1",
            [e["country"]],
        ):
            places.setdefault((r["lat"], r["lon"]), {
                "lat": r["lat"], "lon": r["lon"], "name": r["name_ar"], "name_en": r["name_en"],
                "id": r["id"], "n": 0, "kind": "country",
            })
    at_events = store.fetchall(
        "SELECT e.place_name, e.lat, e.lon, COUNT(*) AS n FROM events e "
        "WHERE (e.source_entity = ? OR e.target_entity = ?) AND e.lat IS NOT NULL AND e.lon IS NOT NULL "
        "GROUP BY e.place_name, e.lat, e.lon ORDER BY n DESC, e.place_name LIMIT ?",
        [entity_id, entity_id, limit],
    )
    named = _places_at(store, [(r["lat"], r["lon"]) for r in at_events])
    for r in at_events:
        known = named.get((r["lat"], r["lon"]), {})
        p = places.setdefault((r["lat"], r["lon"]), {
            "lat": r["lat"], "lon": r["lon"], "name": known.get("name_ar") or r["place_name"],
            "name_en": known.get("name_en") or r["place_name"], "id": known.get("id"), "n": 0, "kind": "event",
        })
        p["events"] = p.get("events", 0) + int(r["n"])
    for r in _places_named_with(store, entity_id, limit=limit):
        places.setdefault((r["lat"], r["lon"]), {
            "lat": r["lat"], "lon": r["lon"], "name": r["name_ar"], "name_en": r["name_en"],
            "id": r["id"], "n": r["near"], "kind": "named_with",
        })
    return list(places.values())


def _places_at(store: Store, points: list[tuple[float, float]]) -> dict[tuple[float, float], dict[str, Any]]:
    """The entity at each of these coordinates (an event's place is stored with its English
    name only; the map shows the Arabic one where the knowledge base has it)."""
    out: dict[tuple[float, float], dict[str, Any]] = {}
    lats = tuple(dict.fromkeys(lat for lat, _ in points))
    wanted = set(points)
    for i in range(0, len(lats), 500):
        c, a = _in("lat", lats[i : i + 500])
        for r in store.fetchall(
            f"SELECT id, name_ar, name_en, lat, lon FROM entities WHERE {c} AND lon IS NOT NULL "
            "ORDER BY local, id", a,
        ):
            if (r["lat"], r["lon"]) in wanted:
                out.setdefault((r["lat"], r["lon"]), r)
    return out


def _places_named_with(store: Store, entity_id: str, *, limit: int) -> list[dict[str, Any]]:
    """Geocoded entities named near ``entity_id`` in enough separate reports, with a
    positive association (their share of the entity's articles above their share of all)."""
    rows = store.fetchall(
        "SELECT m.doc_id, COALESCE(d.dup_group, d.id) AS report, m.entity_id, m.start, m.\"end\" "
        "FROM mentions m JOIN documents d ON d.id = m.doc_id "
        "LEFT JOIN entities en ON en.id = m.entity_id "
        "WHERE (m.entity_id = ? OR (en.lat IS NOT NULL AND en.lon IS NOT NULL)) AND m.doc_id IN "
        "(SELECT m2.doc_id FROM mentions m2 WHERE m2.entity_id = ?)",
        [entity_id, entity_id],
    )
    own_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        if r["entity_id"] == entity_id:
            own_spans[r["doc_id"]].append((r["start"], r["end"]))
    together: dict[str, set[str]] = defaultdict(set)  # place -> articles naming both
    near: dict[str, set[str]] = defaultdict(set)  # place -> reports naming it near the entity
    for r in rows:
        place = r["entity_id"]
        if place == entity_id:
            continue
        together[place].add(r["doc_id"])
        if any(s < r["end"] + PLACE_WINDOW and e > r["start"] - PLACE_WINDOW for s, e in own_spans[r["doc_id"]]):
            near[place].add(r["report"])
    ids = [p for p, reports in near.items() if len(reports) >= PLACE_MIN_REPORTS]
    if not ids:
        return []
    total = store.fetchall("SELECT COUNT(*) AS n FROM documents")[0]["n"] or 1
    own = len(own_spans) or 1
    everywhere: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        c, a = _in("entity_id", tuple(ids[i : i + 500]))
        everywhere.update((r["entity_id"], r["n"]) for r in store.fetchall(
            f"SELECT entity_id, COUNT(DISTINCT doc_id) AS n FROM mentions WHERE {c} GROUP BY entity_id", a))
    kept = [p for p in ids if len(together[p]) * total > own * everywhere.get(p, 0)]
    kept.sort(key=lambda p: (-len(near[p]), -len(together[p]), p))
    info = entities_by_id(store, kept[:limit])
    return [{**info[p], "near": len(near[p])} for p in kept[:limit] if p in info]


def entity_events(store: Store, entity_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
    return store.fetchall(
        f"SELECT {EVENT_COLUMNS}{EVENTS_FROM} WHERE e.source_entity = ? OR e.target_entity = ? "
        "ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ?",
        [entity_id, entity_id, limit],
    )
