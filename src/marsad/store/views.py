"""Read queries for the web UI, the JSON API and the exports — portable SQL only.

Every query is plain SQL with ``?`` placeholders run through ``store.fetchall`` or
``store.iter_rows``, so the SQLite and PostgreSQL backends share them. Values are always
bound parameters; the only SQL text chosen by a caller is picked from fixed tables here
(column names, sort orders), never spliced from input.

The one backend-specific piece is the set of documents a full-text query matches:
:func:`match_sql` asks the store for it (``store.match_sql(query)`` when the backend has
it, the SQLite FTS5 table otherwise).

Filters are validated when built (:func:`event_filter`, :func:`doc_filter`), raising
QueryError with a message that says how to write them, so the web layer can answer 400.
"""

from __future__ import annotations

import heapq
import json
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from marsad.errors import QueryError
from marsad.model import EVENT_STATUSES, PLOVER_TYPES
from marsad.store import filters
from marsad.store.base import Store
from marsad.store.query import Query, date_bound, parse_query

# the date an event is filed under: its own date, else its article's publication date
EVENT_DATE = "substr(COALESCE(e.date, d.published), 1, 10)"

EVENT_COLUMNS = (
    "e.doc_id, e.idx, e.type, e.mode, e.status, e.trigger_text, e.source_text, "
    "e.source_entity, e.target_text, e.target_entity, e.location_text, e.place_name, "
    "e.country, e.lat, e.lon, e.date, e.sentence, e.confidence, e.geo_precision, "
    "e.date_precision, e.source_name, e.source_en, e.target_name, e.target_en, e.fatalities, "
    f"e.injured, {EVENT_DATE} AS event_date, d.title, d.published, d.source AS doc_source, d.url"
)

DOC_COLUMNS = (
    "d.id, d.title, d.source, d.published, d.url, d.language, d.topic, d.topic_score, "
    "d.dup_group, d.story_id"
)


# -- validation helpers -------------------------------------------------------------------
def check_page(limit: int, offset: int, *, max_limit: int = 500) -> None:
    if not (1 <= limit <= max_limit):
        raise QueryError(f"limit {limit} is out of range", fix=f"use 1 to {max_limit}")
    if offset < 0 or offset > 10_000_000:
        raise QueryError(f"offset {offset} is out of range", fix="use 0 or more")


def check_date(name: str, value: str | None, *, end: bool = False) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD → an ISO day (the first or last of the period)."""
    if value is None or value == "":
        return None
    return date_bound(value, end=end, label=f"{name}=")


def _split(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """'A,B' or ['A', 'B,C'] → ('A', 'B', 'C'), blanks dropped."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for it in items:
        out += [p.strip() for p in str(it).split(",") if p.strip()]
    return tuple(dict.fromkeys(out))


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` anywhere, its wildcards escaped (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


# -- event filters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventFilter:
    types: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    actor: str | None = None  # entity id, or text in the source/target span or canonical name
    country: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    doc_id: str | None = None
    geocoded: bool = False

    def params(self) -> dict[str, str]:
        """The filter as URL parameters (for links and export URLs)."""
        p: dict[str, str] = {}
        if self.types:
            p["type"] = ",".join(self.types)
        if self.status:
            p["status"] = ",".join(self.status)
        if self.actor:
            p["actor"] = self.actor
        if self.country:
            p["country"] = ",".join(self.country)
        if self.date_from:
            p["from"] = self.date_from
        if self.date_to:
            p["to"] = self.date_to
        if self.bbox:
            p["bbox"] = ",".join(f"{x:g}" for x in self.bbox)
        if self.doc_id:
            p["doc"] = self.doc_id
        return p


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    try:
        w, s, e, n = (float(x) for x in parts)
    except ValueError:
        raise QueryError(
            f"bbox={value!r} is not four numbers", fix="write bbox=WEST,SOUTH,EAST,NORTH, e.g. 35,29,43,38"
        ) from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise QueryError(f"bbox={value!r} is outside the globe", fix="longitudes -180..180, latitudes -90..90")
    if s > n:
        raise QueryError(f"bbox={value!r} has south above north", fix="write bbox=WEST,SOUTH,EAST,NORTH")
    return (w, s, e, n)


def event_filter(
    *,
    type: str | list[str] | None = None,
    status: str | list[str] | None = None,
    actor: str | None = None,
    country: str | list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    bbox: str | None = None,
    doc: str | None = None,
    geocoded: bool = False,
) -> EventFilter:
    """Validate user-supplied event filters (raises QueryError naming the bad one)."""
    types = tuple(t.upper() for t in _split(type))
    bad = [t for t in types if t not in PLOVER_TYPES]
    if bad:
        raise QueryError(f"unknown event type {', '.join(bad)}", fix=f"use one of {', '.join(PLOVER_TYPES)}")
    statuses = tuple(s.lower() for s in _split(status))
    bad = [s for s in statuses if s not in EVENT_STATUSES]
    if bad:
        raise QueryError(f"unknown status {', '.join(bad)}", fix=f"use one of {', '.join(EVENT_STATUSES)}")
    countries = tuple(c.upper() for c in _split(country))
    bad = [c for c in countries if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad:
        raise QueryError(f"country {', '.join(bad)} is not a two-letter code", fix="write country=SY")
    f_from = check_date("from", date_from)
    f_to = check_date("to", date_to, end=True)
    if f_from and f_to and f_from > f_to:
        raise QueryError(f"from={f_from} is after to={f_to}", fix="swap the dates")
    actor = (actor or "").strip() or None
    if actor and len(actor) > 200:
        raise QueryError("actor is longer than 200 characters", fix="shorten it")
    return EventFilter(
        types=types, status=statuses, actor=actor, country=countries, date_from=f_from,
        date_to=f_to, bbox=parse_bbox(bbox), doc_id=(doc or None), geocoded=geocoded,
    )


def _event_where(f: EventFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if f.types:
        c, a = _in("e.type", f.types)
        where.append(c)
        args += a
    if f.status:
        c, a = _in("e.status", f.status)
        where.append(c)
        args += a
    if f.country:
        c, a = _in("e.country", f.country)
        where.append(c)
        args += a
    if f.actor:
        # the entity id, or text in a span or in the linked entity's canonical names (the
        # English one case-folded, as SQLite's LIKE folds ASCII and PostgreSQL's does not)
        pat = _like(f.actor)
        texts = ("e.source_text", "e.target_text", "e.source_name", "e.target_name")
        where.append(
            "(e.source_entity = ? OR e.target_entity = ? OR "
            + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in texts)
            + " OR LOWER(e.source_en) LIKE ? ESCAPE '\\' OR LOWER(e.target_en) LIKE ? ESCAPE '\\')"
        )
        low = _like(f.actor.lower())
        args += [f.actor, f.actor, pat, pat, pat, pat, low, low]
    if f.date_from:
        where.append(f"{EVENT_DATE} >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append(f"{EVENT_DATE} <= ?")
        args.append(f.date_to)
    geo, geo_args = geo_where("e", f)
    where += geo
    args += geo_args
    if f.doc_id:
        where.append("e.doc_id = ?")
        args.append(f.doc_id)
    return (" WHERE " + " AND ".join(where)) if where else "", args


_EVENTS_FROM = " FROM events e JOIN documents d ON d.id = e.doc_id"


def count_events(store: Store, f: EventFilter) -> int:
    where, args = _event_where(f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n{_EVENTS_FROM}{where}", args)[0]["n"])


def list_events(store: Store, f: EventFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset, max_limit=5000)
    where, args = _event_where(f)
    sql = (
        f"SELECT {EVENT_COLUMNS}{_EVENTS_FROM}{where} "
        "ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ? OFFSET ?"
    )
    return store.fetchall(sql, [*args, limit, offset])


def iter_events(store: Store, f: EventFilter) -> Iterator[dict[str, Any]]:
    """Every matching event, streamed (for exports)."""
    where, args = _event_where(f)
    sql = f"SELECT {EVENT_COLUMNS}{_EVENTS_FROM}{where} ORDER BY event_date, e.doc_id, e.idx"
    return store.iter_rows(sql, args)


def event_facets(store: Store, f: EventFilter) -> dict[str, list[dict[str, Any]]]:
    """Counts by type, status and country of the events matching ``f``."""
    where, args = _event_where(f)
    out = {}
    for name, col in (("type", "e.type"), ("status", "e.status"), ("country", "e.country")):
        out[name] = store.fetchall(
            f"SELECT {col} AS value, COUNT(*) AS n{_EVENTS_FROM}{where}"
            f"{' AND ' if where else ' WHERE '}{col} IS NOT NULL "
            f"GROUP BY {col} ORDER BY n DESC, value LIMIT 40",
            args,
        )
    return out


def geo_where(alias: str, f: EventFilter) -> tuple[list[str], list[Any]]:
    """The conditions (and their arguments) that keep rows of table ``alias`` with
    coordinates, inside ``f.bbox`` when one is given (events and incidents alike)."""
    if not (f.geocoded or f.bbox):
        return [], []
    where = [f"{alias}.lat IS NOT NULL AND {alias}.lon IS NOT NULL"]
    args: list[Any] = []
    if f.bbox:
        w, s, e, n = f.bbox
        where.append(f"{alias}.lat >= ? AND {alias}.lat <= ?")
        args += [s, n]
        if w <= e:
            where.append(f"{alias}.lon >= ? AND {alias}.lon <= ?")
        else:  # the box crosses the antimeridian
            where.append(f"({alias}.lon >= ? OR {alias}.lon <= ?)")
        args += [w, e]
    return where, args


def event_timeline(store: Store, f: EventFilter) -> dict[str, Any]:
    """Event counts per period and type; the period (day, month, year) fits the span."""
    where, args = _event_where(f)
    rows = store.fetchall(
        f"SELECT {EVENT_DATE} AS day, e.type AS type, COUNT(*) AS n{_EVENTS_FROM}{where} "
        "GROUP BY day, e.type ORDER BY day",
        args,
    )
    return bucket_series([(r["day"], r["type"], int(r["n"])) for r in rows if r["day"]])


def bucket_series(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    """(day, key, n) rows → {"bucket", "periods", "series": {key: [n per period]}} with
    a bucket of day, month or year so that the chart has at most ~60 bars."""
    days = sorted({r[0] for r in rows if re.match(r"\d{4}-\d{2}-\d{2}$", r[0] or "")})
    if not days:
        days_any = sorted({r[0][:7] for r in rows if re.match(r"\d{4}-\d{2}", r[0] or "")})
        if not days_any:
            return {"bucket": "month", "periods": [], "series": {}}
    try:
        span = (date.fromisoformat(days[-1]) - date.fromisoformat(days[0])).days if days else 999
    except ValueError:
        span = 999
    if span <= 62:
        bucket, cut = "day", 10
    elif span <= 365 * 5:
        bucket, cut = "month", 7
    else:
        bucket, cut = "year", 4
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for day, key, n in rows:
        if day and len(day) >= cut:
            counts[key][day[:cut]] += n
    periods = sorted({p for c in counts.values() for p in c})
    periods = _fill_periods(periods, bucket)
    series = {k: [c.get(p, 0) for p in periods] for k, c in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))}
    return {"bucket": bucket, "periods": periods, "series": series}


def _fill_periods(periods: list[str], bucket: str) -> list[str]:
    """Insert the empty periods between the first and last, so gaps show as gaps."""
    if len(periods) < 2:
        return periods
    try:
        if bucket == "day":
            a, b = date.fromisoformat(periods[0]), date.fromisoformat(periods[-1])
            return [date.fromordinal(o).isoformat() for o in range(a.toordinal(), b.toordinal() + 1)]
        if bucket == "month":
            y, m = map(int, periods[0].split("-"))
            out = []
            while f"{y:04d}-{m:02d}" <= periods[-1] and len(out) < 1000:
                out.append(f"{y:04d}-{m:02d}")
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            return out
        a_y, b_y = int(periods[0]), int(periods[-1])
        return [f"{y:04d}" for y in range(a_y, b_y + 1)]
    except ValueError:
        return periods


def event_points(store: Store, f: EventFilter, *, limit: int = 5000) -> list[dict[str, Any]]:
    """Geocoded events for the map (newest first, at most ``limit``)."""
    g = EventFilter(**{**f.__dict__, "geocoded": True})
    where, args = _event_where(g)
    return store.fetchall(
        "SELECT e.doc_id, e.idx, e.type, e.mode, e.status, e.lat, e.lon, e.place_name, "
        "e.country, e.geo_precision, e.date_precision, e.trigger_text, e.source_text, "
        "e.target_text, e.source_name, e.source_en, e.target_name, e.target_en, e.fatalities, "
        f"e.injured, {EVENT_DATE} AS event_date, "
        f"d.title{_EVENTS_FROM}{where} ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ?",
        [*args, limit],
    )


# -- documents ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocFilter:
    source: str | None = None
    topic: str | None = None
    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    query: Query | None = None  # full-text query (search syntax)
    entity: str | None = None  # entity id or name (as entity: in search)

    def key(self) -> tuple:
        """A hashable form (for caches)."""
        return (self.source, self.topic, self.lang, self.date_from, self.date_to, self.story,
                self.query.raw if self.query else None, self.entity)


def doc_filter(
    *, source: str | None = None, topic: str | None = None, lang: str | None = None,
    date_from: str | None = None, date_to: str | None = None, story: str | None = None,
    q: str | None = None, entity: str | None = None,
) -> DocFilter:
    f_from = check_date("from", date_from)
    f_to = check_date("to", date_to, end=True)
    if f_from and f_to and f_from > f_to:
        raise QueryError(f"from={f_from} is after to={f_to}", fix="swap the dates")
    query = parse_query(q) if q and q.strip() else None
    return DocFilter(
        source=source or None, topic=(topic or "").lower() or None, lang=(lang or "").lower() or None,
        date_from=f_from, date_to=f_to, story=story or None, query=query, entity=entity or None,
    )


def match_sql(store: Store, q: Query) -> tuple[str, list[Any]]:
    """SQL selecting ``id`` of every document ``q`` matches (text and filters), from the
    backend: this is the one query whose text is backend-specific (the full-text index)."""
    backend = getattr(store, "match_sql", None)
    if callable(backend):
        return backend(q)
    filter_sql = getattr(store, "_filter_sql", None)
    where, args = filter_sql(q) if callable(filter_sql) else ([], [])
    if q.has_text:
        sql = (
            "SELECT d.id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ?"
        )
        base: list[Any] = [q.fts_match()]
    else:
        sql, base = "SELECT d.id FROM documents d WHERE 1=1", []
    if where:
        sql += " AND " + " AND ".join(where)
    return sql, base + list(args)


def _doc_where(store: Store, f: DocFilter) -> tuple[str, list[Any]]:
    """The listing's filters, in the search's own vocabulary (:mod:`marsad.store.filters`):
    a source matches case-insensitively, an entity through its names, as in search."""
    where: list[str] = []
    args: list[Any] = []
    for value, build in ((f.source, filters.source_clause), (f.topic, filters.topic_clause),
                         (f.lang, filters.lang_clause), (f.entity, filters.entity_clause)):
        if value:
            c, a = build(value)
            where.append(c)
            args += a
    dw, da = filters.date_clauses(f.date_from, f.date_to)
    where += dw
    args += da
    if f.story:
        where.append("d.story_id = ?")
        args.append(f.story)
    if f.query is not None:
        sql, a = match_sql(store, f.query)
        where.append(f"d.id IN ({sql})")
        args += a
    return (" WHERE " + " AND ".join(where)) if where else "", args


def count_documents(store: Store, f: DocFilter) -> int:
    where, args = _doc_where(store, f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n FROM documents d{where}", args)[0]["n"])


def list_documents(store: Store, f: DocFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset)
    where, args = _doc_where(store, f)
    return store.fetchall(
        f"SELECT {DOC_COLUMNS} FROM documents d{where} ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )


def iter_documents(store: Store, f: DocFilter, *, body: bool = True) -> Iterator[dict[str, Any]]:
    where, args = _doc_where(store, f)
    cols = DOC_COLUMNS + (", d.body, d.author, d.agency, d.dateline" if body else "")
    return store.iter_rows(f"SELECT {cols} FROM documents d{where} ORDER BY d.published, d.id", args)


def copies_of(store: Store, doc_id: str, dup_group: str | None) -> list[dict[str, Any]]:
    """The other stored near-duplicate copies of a document."""
    if not dup_group:
        return []
    return store.fetchall(
        "SELECT id, title, source, published, url FROM documents d WHERE dup_group = ? AND id <> ? "
        "ORDER BY published, id LIMIT 100",
        [dup_group, doc_id],
    )


# -- search facets ----------------------------------------------------------------------------
def event_level_country(q: Query | None) -> bool:
    """Whether ``country:`` filters events (beside type:/status:) rather than articles."""
    return q is not None and bool(q.filters.get("type") or q.filters.get("status"))


def event_scope(q: Query | None, *, skip: str) -> tuple[str, list[Any]]:
    """`` AND …`` conditions on events ``ev`` from the query's event facets other than
    ``skip``: an event facet counts the articles with ONE event that would match once the
    value is added, as the search then filters (see :mod:`marsad.store.filters`)."""
    if q is None:
        return "", []
    parts: list[str] = []
    args: list[Any] = []
    for name, col in (("type", "ev.type"), ("status", "ev.status"), ("country", "ev.country")):
        values = q.filters.get(name)
        if name != skip and values:
            c, a = _in(col, tuple(values))
            parts.append(f" AND {c}")
            args += a
    return "".join(parts), args


def search_facets(
    store: Store, q: Query, *, size: int = 12,
    only: tuple[str, ...] = ("topic", "source", "entity", "country", "type", "month"),
) -> dict[str, list[dict[str, Any]]]:
    """Counts of the articles a query matches (all copies), by topic, source, entity,
    country, event type and month."""
    if q.has_text or q.filters:
        msql, margs = match_sql(store, q)
        in_docs, in_args = f" AND d.id IN ({msql})", margs
        in_col = lambda col: (f" AND {col} IN ({msql})", margs)
    else:
        in_docs, in_args = "", []
        in_col = lambda col: ("", [])
    out: dict[str, list[dict[str, Any]]] = {}
    for name, col in (("topic", "d.topic"), ("source", "d.source")):
        if name not in only:
            continue
        out[name] = store.fetchall(
            f"SELECT {col} AS value, COUNT(*) AS n FROM documents d WHERE {col} IS NOT NULL{in_docs} "
            f"GROUP BY {col} ORDER BY n DESC, value LIMIT ?",
            [*in_args, size],
        )
    c, a = in_col("m.doc_id")
    out["entity"] = [] if "entity" not in only else store.fetchall(
        "SELECT en.id AS value, en.name_ar, en.name_en, en.type, x.n FROM ("
        "SELECT m.entity_id, COUNT(DISTINCT m.doc_id) AS n FROM mentions m "
        f"WHERE m.entity_id IS NOT NULL{c} GROUP BY m.entity_id ORDER BY n DESC LIMIT ?"
        ") x JOIN entities en ON en.id = x.entity_id ORDER BY x.n DESC, en.id",
        [*a, size],
    )
    c1, a1 = in_col("m.doc_id")
    c2, a2 = in_col("ev.doc_id")
    if "country" not in only:
        out["country"] = []
    elif event_level_country(q):
        scope, sa = event_scope(q, skip="country")
        out["country"] = store.fetchall(
            "SELECT ev.country AS value, COUNT(DISTINCT ev.doc_id) AS n FROM events ev "
            f"WHERE ev.country IS NOT NULL{scope}{c2} GROUP BY ev.country "
            "ORDER BY n DESC, value LIMIT ?",
            [*sa, *a2, size],
        )
    else:
        out["country"] = store.fetchall(
            "SELECT country AS value, COUNT(DISTINCT doc_id) AS n FROM ("
            "SELECT m.doc_id AS doc_id, en.country AS country FROM mentions m "
            f"JOIN entities en ON en.id = m.entity_id WHERE en.country IS NOT NULL{c1} "
            "UNION SELECT ev.doc_id AS doc_id, ev.country AS country FROM events ev "
            f"WHERE ev.country IS NOT NULL{c2}) cx GROUP BY country ORDER BY n DESC, value LIMIT ?",
            [*a1, *a2, size],
        )
    c, a = in_col("ev.doc_id")
    scope, sa = event_scope(q, skip="type")
    out["type"] = [] if "type" not in only else store.fetchall(
        "SELECT ev.type AS value, COUNT(DISTINCT ev.doc_id) AS n FROM events ev "
        f"WHERE 1=1{scope}{c} GROUP BY ev.type ORDER BY n DESC, value LIMIT ?",
        [*sa, *a, len(PLOVER_TYPES)],
    )
    out["month"] = [] if "month" not in only else store.fetchall(
        "SELECT substr(d.published, 1, 7) AS value, COUNT(*) AS n FROM documents d "
        f"WHERE d.published IS NOT NULL{in_docs} GROUP BY substr(d.published, 1, 7) "
        "ORDER BY value DESC LIMIT 36",
        in_args,
    )
    return out


# -- entities ---------------------------------------------------------------------------------
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


def cooccurrence(store: Store, entity_id: str, *, size: int = NETWORK_SIZE, docs: int = 2000) -> Network:
    """The entity, the ``size`` entities most often named in the same reports, and how
    many reports each pair shares (over the entity's latest ``docs`` articles).

    A report is an article with its near-duplicate copies, so a wire story republished by
    five outlets counts once. Every neighbour is linked to the entity; between neighbours
    only each one's strongest ``NETWORK_LINKS_PER_NODE`` links shared by two or more reports
    are kept — the backbone of the network, not every pair that ever met."""
    rows = store.fetchall(
        "SELECT DISTINCT COALESCE(x.dup_group, x.id) AS report, m.entity_id FROM mentions m "
        "JOIN documents x ON x.id = m.doc_id WHERE m.entity_id IS NOT NULL "
        "AND m.doc_id IN (SELECT y.id FROM documents y WHERE y.id IN "
        "(SELECT m1.doc_id FROM mentions m1 WHERE m1.entity_id = ?) "
        "ORDER BY y.published DESC LIMIT ?)",
        [entity_id, docs],
    )
    by_report: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_report[r["report"]].add(r["entity_id"])
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
        f"SELECT {EVENT_COLUMNS}{_EVENTS_FROM} WHERE e.source_entity = ? OR e.target_entity = ? "
        "ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ?",
        [entity_id, entity_id, limit],
    )


# -- stories and sources ----------------------------------------------------------------------
def _story_row(r: dict[str, Any]) -> dict[str, Any]:
    r = dict(r)
    raw = r.get("top_entities")
    try:
        r["top_entities"] = json.loads(raw) if raw else []
    except (TypeError, ValueError):
        r["top_entities"] = []
    return r


_STORY_AGG = (
    "(SELECT story_id, COUNT(*) AS n, MIN(published) AS first_pub, MAX(published) AS last_pub, "
    "MIN(id) AS any_doc FROM documents WHERE story_id IS NOT NULL GROUP BY story_id)"
)


def count_stories(store: Store) -> int:
    return int(store.fetchall(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT story_id FROM documents WHERE story_id IS NOT NULL) x"
    )[0]["n"])


def list_stories(store: Store, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Stories (article clusters), the latest first. The ``stories`` table gives headline
    and top entities when the story stage filled it; counts come from the articles."""
    check_page(limit, offset)
    rows = store.fetchall(
        "SELECT a.story_id AS id, a.n AS article_count, "
        "COALESCE(s.first_date, substr(a.first_pub, 1, 10)) AS first_date, "
        "COALESCE(s.last_date, substr(a.last_pub, 1, 10)) AS last_date, "
        "COALESCE(s.headline, d.title) AS headline, s.top_entities "
        f"FROM {_STORY_AGG} a LEFT JOIN stories s ON s.id = a.story_id "
        "LEFT JOIN documents d ON d.id = a.any_doc "
        "ORDER BY last_date DESC, a.n DESC, a.story_id LIMIT ? OFFSET ?",
        [limit, offset],
    )
    return [_story_row(r) for r in rows]


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    rows = store.fetchall(
        "SELECT id, headline, first_date, last_date, article_count, top_entities "
        "FROM stories WHERE id = ?",
        [story_id],
    )
    docs = store.fetchall(
        f"SELECT {DOC_COLUMNS} FROM documents d WHERE d.story_id = ? ORDER BY d.published, d.id LIMIT 500",
        [story_id],
    )
    if not rows and not docs:
        return None
    story = _story_row(rows[0]) if rows else {"id": story_id, "top_entities": []}
    pubs = [d["published"] for d in docs if d["published"]]
    story.setdefault("headline", None)
    story["headline"] = story.get("headline") or (docs[0]["title"] if docs else story_id)
    story["first_date"] = story.get("first_date") or (min(pubs)[:10] if pubs else None)
    story["last_date"] = story.get("last_date") or (max(pubs)[:10] if pubs else None)
    story["article_count"] = len(docs)
    story["documents"] = docs
    return story


def list_sources(store: Store) -> list[dict[str, Any]]:
    return store.fetchall(
        "SELECT COALESCE(d.source, '') AS source, COUNT(*) AS documents, "
        "COUNT(DISTINCT COALESCE(d.dup_group, d.id)) AS distinct_documents, "
        "MIN(substr(d.published, 1, 10)) AS first_date, MAX(substr(d.published, 1, 10)) AS last_date "
        "FROM documents d GROUP BY COALESCE(d.source, '') ORDER BY documents DESC, source"
    )


def source_topics(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in store.fetchall(
        "SELECT COALESCE(source, '') AS source, topic, COUNT(*) AS n FROM documents "
        "WHERE topic IS NOT NULL GROUP BY COALESCE(source, ''), topic"
    ):
        out[r["source"]][r["topic"]] = int(r["n"])
    return dict(out)


def generation(store: Store) -> tuple[Any, ...]:
    """Changes whenever a document is added: the key under which read caches live.
    (Only a count: it is answered from an index, where MAX of a column is a table scan.)"""
    r = store.fetchall("SELECT COUNT(*) AS n FROM documents")[0]
    return (int(r["n"]),)


# -- fast search ---------------------------------------------------------------------------------
# SQLite keeps each article's body and analysis inside its documents row, before topic,
# dup_group and story_id, so reading those for thousands of matches walks every overflow
# page. The search below reads only (id, rank) from the index, orders and folds duplicate
# copies in memory using a per-generation table of small metadata, and reads full rows
# for the page shown only.

@dataclass(frozen=True)
class DocMeta:
    published: str
    source: str | None
    topic: str | None
    dup_group: str | None
    story_id: str | None


class MetaTable(dict):
    """id → DocMeta for every document, plus ``order``: each id's place when all documents
    are sorted newest first (then by id), so ordering a result set is one integer sort."""

    order: dict[str, int]


def load_meta(store: Store) -> MetaTable:
    """The small metadata of every document, in one streamed pass."""
    out = MetaTable()
    for r in store.iter_rows(
        "SELECT id, published, source, topic, dup_group, story_id FROM documents", batch=5000
    ):
        out[r["id"]] = DocMeta(r["published"] or "", r["source"], r["topic"], r["dup_group"], r["story_id"])
    ids = sorted(out)
    ids.sort(key=lambda i: out[i].published, reverse=True)
    out.order = {i: k for k, i in enumerate(ids)}
    return out


def ranked_match_sql(store: Store, q: Query) -> tuple[str, list[Any]]:
    """SQL selecting ``id``, ``rank`` (lower is better) and ``tier`` (known multi-word
    names missing; lower first) of every document ``q`` matches: the store's own search
    query (:meth:`marsad.store.sql.SQLStore.ranked_match_sql`)."""
    backend = getattr(store, "ranked_match_sql", None)
    if not callable(backend):
        raise QueryError(f"{type(store).__name__} cannot rank search matches")
    return backend(q)


@dataclass(frozen=True)
class Ranked:
    """A query's matches, ordered as the store orders them, one entry per group shown."""

    ids: tuple[str, ...]  # the group's best-ranked copy
    ranks: tuple[float, ...]
    copies: tuple[int, ...]
    matched: tuple[str, ...]  # every matching id (for facets)


def rank_matches(store: Store, q: Query, meta: MetaTable, *, collapse: bool = True) -> Ranked:
    if not q.has_text and not q.filters:
        rows = [(i, 0.0, 0) for i in meta]
    else:
        sql, args = ranked_match_sql(store, q)
        rows = [(i, float(rank), int(tier)) for i, rank, tier in _row_tuples(store, sql, args)]
    return order_and_collapse(rows, meta, has_text=q.has_text, collapse=collapse)


def _row_tuples(store: Store, sql: str, args: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows as plain tuples in SELECT order: straight from SQLite's cursor when the store
    is a SQLite file (a common word matches thousands of articles, and a dict a row was a
    third of the ranking's time), else from the store's rows."""
    conn = getattr(store, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        cur = conn.cursor()
        cur.row_factory = None
        return iter(cur.execute(sql, tuple(args)))
    return (tuple(r.values()) for r in store.iter_rows(sql, args, batch=5000))


def order_and_collapse(rows: list[tuple[str, float, int]], meta: MetaTable, *, has_text: bool,
                       collapse: bool) -> Ranked:
    """Order like the store (fewest known names missing, best rank, then newest, then id;
    without text: newest, then id) and keep the first copy of each near-duplicate group,
    counting the copies."""
    order = meta.order
    last = len(order)
    if has_text:
        rows = sorted(rows, key=lambda r: (r[2], r[1], order.get(r[0], last)))
    else:
        rows = sorted(rows, key=lambda r: order.get(r[0], last))
    matched = tuple(r[0] for r in rows)
    if not collapse:
        return Ranked(matched, tuple(r[1] for r in rows), (1,) * len(rows), matched)
    first: dict[str, int] = {}
    ids: list[str] = []
    ranks: list[float] = []
    copies: list[int] = []
    get = meta.get
    for i, rank, _tier in rows:
        m = get(i)
        g = (m.dup_group if m else None) or i
        k = first.get(g)
        if k is None:
            first[g] = len(ids)
            ids.append(i)
            ranks.append(rank)
            copies.append(1)
        else:
            copies[k] += 1
    return Ranked(tuple(ids), tuple(ranks), tuple(copies), matched)


def undated_left_out(store: Store, q: Query, ranked: Ranked, meta: MetaTable, *,
                     collapse: bool = True) -> int | None:
    """As :meth:`marsad.store.sql.SQLStore.search` counts them: the undated articles
    (groups when ``collapse``, less those shown through a dated copy) matching the rest of
    ``q`` that its from:/to: left out; None when it has no dates."""
    if not q.has_dates or q.undated != "no":
        return None
    sql, args = ranked_match_sql(store, q.undated_only())
    ids = {r["id"] for r in store.iter_rows(sql, args, batch=5000)}
    if not collapse:
        return len(ids)

    def group(i: str) -> str:
        m = meta.get(i)
        return (m.dup_group if m else None) or i

    shown = {group(i) for i in ranked.matched}
    return len({group(i) for i in ids} - shown)


SNIPPET_SCAN = 3000


def page_hits(store: Store, q: Query, ranked: Ranked, *, limit: int, offset: int) -> list[Any]:
    """SearchHits (with highlighted snippets) of one page of ``ranked``."""
    from marsad.store.base import SearchHit
    from marsad.store.snippet import make_snippet

    check_page(limit, offset, max_limit=1000)
    ids = list(ranked.ids[offset : offset + limit])
    if not ids:
        return []
    c, a = _in("id", tuple(ids))
    rows = {r["id"]: r for r in store.fetchall(
        f"SELECT id, title, source, published, url, topic, body, dup_group FROM documents WHERE {c}", a)}
    wanted = q.all_stems()
    hits = []
    for k, i in enumerate(ids, offset):
        r = rows.get(i)
        if r is None:
            continue
        text = r["body"] or r["title"]
        # the snippet window is looked for in the first SNIPPET_SCAN characters: a long
        # article costs no more than a typical one
        snip = make_snippet(text[:SNIPPET_SCAN] if len(text) > SNIPPET_SCAN else text, wanted)
        hits.append(SearchHit(
            id=r["id"], title=r["title"], source=r["source"], published=r["published"],
            score=round(-float(ranked.ranks[k]), 4), snippet=snip.text, highlights=snip.highlights,
            url=r["url"], topic=r["topic"], dup_group=r["dup_group"], copies=int(ranked.copies[k]),
        ))
    return hits


def meta_facets(ids: tuple[str, ...] | list[str], meta: MetaTable, *, size: int = 12) -> dict[str, list[dict[str, Any]]]:
    """Topic, source and month counts of the given documents, from the metadata table."""
    topic: Counter[str] = Counter()
    source: Counter[str] = Counter()
    month: Counter[str] = Counter()
    for i in ids:
        m = meta.get(i)
        if m is None:
            continue
        if m.topic:
            topic[m.topic] += 1
        if m.source:
            source[m.source] += 1
        if m.published:
            month[m.published[:7]] += 1

    def top(c: Counter[str], n: int) -> list[dict[str, Any]]:
        return [{"value": k, "n": v} for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    return {"topic": top(topic, size), "source": top(source, size),
            "month": [{"value": k, "n": v} for k, v in sorted(month.items(), reverse=True)[:36]]}


def sql_facets(store: Store, ids: tuple[str, ...] | list[str] | None, *, size: int = 12,
               chunk: int = 900, q: Query | None = None) -> dict[str, list[dict[str, Any]]]:
    """Entity, country and event-type counts (articles per value) of the documents
    ``ids`` (None: all documents), from the narrow mentions/events tables, in chunks of
    ids so no query re-runs the full-text match. Counts add up exactly across chunks
    because each document is in one chunk. ``q``'s event facets scope the event counts
    as in :func:`search_facets`."""
    ent: Counter[str] = Counter()
    country: Counter[str] = Counter()
    etype: Counter[str] = Counter()
    chunks: list[tuple[str, ...] | None] = [None] if ids is None else [
        tuple(ids[i : i + chunk]) for i in range(0, len(ids), chunk)]
    type_scope, type_args = event_scope(q, skip="type")
    country_scope, country_args = event_scope(q, skip="country")
    per_event = event_level_country(q)
    for part in chunks:
        if part is None:
            cm, am, ce, ae = "", [], "", []
        else:
            c, a = _in("m.doc_id", part)
            cm, am = f" AND {c}", a
            c, a = _in("ev.doc_id", part)
            ce, ae = f" AND {c}", a
        for r in store.fetchall(
            "SELECT m.entity_id AS value, COUNT(DISTINCT m.doc_id) AS n FROM mentions m "
            f"WHERE m.entity_id IS NOT NULL{cm} GROUP BY m.entity_id", am
        ):
            ent[r["value"]] += int(r["n"])
        if per_event:
            rows = store.fetchall(
                "SELECT ev.country AS value, COUNT(DISTINCT ev.doc_id) AS n FROM events ev "
                f"WHERE ev.country IS NOT NULL{country_scope}{ce} GROUP BY ev.country",
                [*country_args, *ae])
        else:
            rows = store.fetchall(
                "SELECT country AS value, COUNT(DISTINCT doc_id) AS n FROM ("
                "SELECT m.doc_id AS doc_id, en.country AS country FROM mentions m "
                f"JOIN entities en ON en.id = m.entity_id WHERE en.country IS NOT NULL{cm} "
                "UNION SELECT ev.doc_id AS doc_id, ev.country AS country FROM events ev "
                f"WHERE ev.country IS NOT NULL{ce}) cx GROUP BY country", [*am, *ae])
        for r in rows:
            country[r["value"]] += int(r["n"])
        for r in store.fetchall(
            f"SELECT ev.type AS value, COUNT(DISTINCT ev.doc_id) AS n FROM events ev WHERE 1=1{type_scope}{ce} "
            "GROUP BY ev.type", [*type_args, *ae]
        ):
            etype[r["value"]] += int(r["n"])

    def top(c: Counter[str], n: int) -> list[dict[str, Any]]:
        return [{"value": k, "n": v} for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    entities = top(ent, size)
    info = entities_by_id(store, [e["value"] for e in entities])
    for e in entities:
        x = info.get(e["value"], {})
        e.update(name_ar=x.get("name_ar"), name_en=x.get("name_en"), type=x.get("type"))
    return {"entity": entities, "country": top(country, size), "type": top(etype, len(PLOVER_TYPES))}


# -- facets from memory ---------------------------------------------------------------------------
# sql_facets reads the mentions of every matched article, three queries per 900 ids: for a
# common word on a 30,000-article database that is most of a search page's time. The
# table below holds, per article, what those queries count (a few MB per 10,000 articles,
# loaded once per database generation like the metadata table), so the same counts are a
# pass over the matched ids in memory.

EventKey = tuple[str, str, str | None]  # (type, status, country) of one event


@dataclass(frozen=True)
class FacetIndex:
    """Per document id: the entities its mentions are linked to, those entities'
    countries, (type, status, country) of each of its events, and, for queries without
    event facets, its countries (of entities and events) and event types ready-made."""

    entities: dict[str, tuple[str, ...]]
    mention_countries: dict[str, tuple[str, ...]]
    events: dict[str, tuple[EventKey, ...]]
    countries: dict[str, tuple[str, ...]]
    event_types: dict[str, tuple[str, ...]]


def load_facet_index(store: Store) -> FacetIndex:
    """The facet table of every document, in three streamed passes (strings shared)."""
    canon: dict[str, str] = {}

    def one(s: str) -> str:
        return canon.setdefault(s, s)

    ents: dict[str, set[str]] = defaultdict(set)
    for r in store.iter_rows(
        "SELECT doc_id, entity_id FROM mentions WHERE entity_id IS NOT NULL", batch=5000
    ):
        ents[r["doc_id"]].add(one(r["entity_id"]))
    country_of = {r["id"]: one(r["country"]) for r in store.iter_rows(
        "SELECT id, country FROM entities WHERE country IS NOT NULL", batch=5000)}
    events: dict[str, list[EventKey]] = defaultdict(list)
    for r in store.iter_rows("SELECT doc_id, type, status, country FROM events", batch=5000):
        events[one(r["doc_id"])].append(
            (one(r["type"]), one(r["status"]), one(r["country"]) if r["country"] is not None else None))
    entities: dict[str, tuple[str, ...]] = {}
    mention_countries: dict[str, tuple[str, ...]] = {}
    for doc, es in ents.items():
        doc = one(doc)
        entities[doc] = tuple(sorted(es))
        cs = {country_of[e] for e in es if e in country_of}
        if cs:
            mention_countries[doc] = tuple(sorted(cs))
    countries: dict[str, tuple[str, ...]] = {}
    for doc in set(mention_countries) | set(events):
        cs = set(mention_countries.get(doc, ()))
        cs.update(c for _, _, c in events.get(doc, ()) if c is not None)
        if cs:
            countries[doc] = tuple(sorted(cs))
    return FacetIndex(entities, mention_countries, {d: tuple(v) for d, v in events.items()}, countries,
                      {d: tuple(sorted({t for t, _, _ in v})) for d, v in events.items()})


def top_counts(c: Counter[str], n: int) -> list[dict[str, Any]]:
    """The ``n`` largest counts, ties by value: the order of ``ORDER BY n DESC, value``,
    without sorting a long tail of small counts."""
    if len(c) > 4 * n:
        floor = min(heapq.nlargest(n, c.values()))
        c = Counter({k: v for k, v in c.items() if v >= floor})
    return [{"value": k, "n": v} for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def index_facets(ids: tuple[str, ...] | list[str] | None, index: FacetIndex, *, size: int = 12,
                 q: Query | None = None) -> dict[str, Any]:
    """The entity, country and event-type counts of :func:`sql_facets` (articles per value,
    ``q``'s event facets scoping the event counts alike) from a :class:`FacetIndex`; entity
    names are added by :func:`name_entity_facet`. ``ids`` None: every document."""
    types, statuses, places = (frozenset(q.filters.get(k) or ()) if q is not None else frozenset()
                               for k in ("type", "status", "country"))
    docs: Any = (set(index.entities) | set(index.events)) if ids is None else ids
    empty: tuple[Any, ...] = ()

    def counts(table: dict[str, tuple[str, ...]]) -> Counter[str]:
        get = table.get
        return Counter(chain.from_iterable(get(d, empty) for d in docs))

    ent = counts(index.entities)
    if not (types or statuses or places):  # no event facet in the query: counts ready-made
        country, etype = counts(index.countries), counts(index.event_types)
    else:
        country, etype = Counter(), Counter()
        per_event = event_level_country(q)
        for d in docs:
            evs = index.events.get(d, empty)
            if per_event:
                cs = {c for t, s, c in evs if c is not None and (not types or t in types)
                      and (not statuses or s in statuses)}
            else:
                cs = set(index.countries.get(d, empty))
            if cs:
                country.update(cs)
            ts = {t for t, s, c in evs if (not statuses or s in statuses) and (not places or c in places)}
            if ts:
                etype.update(ts)
    return {"entity": top_counts(ent, size), "country": top_counts(country, size),
            "type": top_counts(etype, len(PLOVER_TYPES))}


def name_entity_facet(store: Store, facets: dict[str, Any]) -> dict[str, Any]:
    """The entity facet's rows with their names and types (as :func:`sql_facets` gives them)."""
    entities = facets.get("entity", [])
    info = entities_by_id(store, [e["value"] for e in entities])
    for e in entities:
        x = info.get(e["value"], {})
        e.update(name_ar=x.get("name_ar"), name_en=x.get("name_en"), type=x.get("type"))
    return facets
