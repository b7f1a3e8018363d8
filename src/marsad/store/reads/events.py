"""The events listing: count, page, stream, facet counts, timeline and map points of the
events an :class:`~marsad.store.event_filters.EventFilter` selects (that module is the
events' one filter vocabulary), in two ways of computing the same answer:

- in SQL: for a one-off caller that holds nothing in memory (and for exports);
- from an :class:`EventTable` (the web server keeps one per database generation, like the
  search's tables): each event's filter fields, already in the list's order, so the
  selection is one pass in memory, counts, facets and timeline are counted from it, and
  only the rows of the page (or the map's points) shown are read from the database.

:class:`EventReads` answers either way; the equivalence test compares them.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from marsad.store.base import Store
from marsad.store.event_filters import (
    EVENT_COLUMNS,
    EVENT_DATE,
    EventFilter,
    _event_where,
    _in,
    check_page,
)

EVENTS_FROM = " FROM events e JOIN documents d ON d.id = e.doc_id"
# the list's order (SQLite puts undated events last, PostgreSQL first: the table below is
# sorted by the database itself, so it follows whichever answers)
EVENT_ORDER = "event_date DESC, e.doc_id, e.idx"
# what the map shows of each point
POINT_COLUMNS = (
    "e.doc_id, e.idx, e.type, e.mode, e.status, e.lat, e.lon, e.place_name, "
    "e.country, e.geo_precision, e.date_precision, e.trigger_text, e.source_text, "
    "e.target_text, e.source_name, e.source_en, e.target_name, e.target_en, e.fatalities, "
    f"e.injured, {EVENT_DATE} AS event_date, d.title"
)
FACET_SIZE = 40  # values per facet


def count_events(store: Store, f: EventFilter) -> int:
    where, args = _event_where(f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n{EVENTS_FROM}{where}", args)[0]["n"])


def list_events(store: Store, f: EventFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset, max_limit=5000)
    where, args = _event_where(f)
    sql = (
        f"SELECT {EVENT_COLUMNS}{EVENTS_FROM}{where} ORDER BY {EVENT_ORDER} LIMIT ? OFFSET ?"
    )
    return store.fetchall(sql, [*args, limit, offset])


def iter_events(store: Store, f: EventFilter) -> Iterator[dict[str, Any]]:
    """Every matching event, streamed (for exports)."""
    where, args = _event_where(f)
    sql = f"SELECT {EVENT_COLUMNS}{EVENTS_FROM}{where} ORDER BY event_date, e.doc_id, e.idx"
    return store.iter_rows(sql, args)


def event_facets(store: Store, f: EventFilter) -> dict[str, list[dict[str, Any]]]:
    """Counts by type, status and country of the events matching ``f``."""
    where, args = _event_where(f)
    out = {}
    for name, col in (("type", "e.type"), ("status", "e.status"), ("country", "e.country")):
        out[name] = store.fetchall(
            f"SELECT {col} AS value, COUNT(*) AS n{EVENTS_FROM}{where}"
            f"{' AND ' if where else ' WHERE '}{col} IS NOT NULL "
            f"GROUP BY {col} ORDER BY n DESC, value LIMIT ?",
            [*args, FACET_SIZE],
        )
    return out


def event_timeline(store: Store, f: EventFilter) -> dict[str, Any]:
    """Event counts per period and type; the period (day, month, year) fits the span."""
    where, args = _event_where(f)
    rows = store.fetchall(
        f"SELECT {EVENT_DATE} AS day, e.type AS type, COUNT(*) AS n{EVENTS_FROM}{where} "
        "GROUP BY day, e.type ORDER BY day, type",
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
            out: list[str] = []
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
        f"SELECT {POINT_COLUMNS}{EVENTS_FROM}{where} ORDER BY {EVENT_ORDER} LIMIT ?", [*args, limit])


# -- in memory -------------------------------------------------------------------------------
# On a 30,000-article database an unfiltered events page cost ~480 ms of SQL (the count,
# the page ordered by date, the timeline and three facet counts each join every event to
# its article for the date) and the map's points 130 ms more. The table below holds what
# those queries filter, order and count by, per event (~9 MB for 69,000 events); the
# database sorts it once, in the list's own order, when it is loaded.

T = TypeVar("T")
Cache = Callable[..., Any]  # cache(key, compute, bucket=name) -> compute() or a kept value
KEY_CHUNK = 900  # document ids per query when reading rows by key


@dataclass(frozen=True)
class EventTable:
    """Every event's key (doc_id, idx) and filter fields (type, status, country, the day it
    is filed under, lat, lon), one list per field, in the events list's order; ``by_type``:
    the positions of each type's events, ascending; ``points``: per position, the map's
    row (:data:`POINT_COLUMNS`, named by ``point_names``) of a geocoded event, else None."""

    doc_id: list[str]
    idx: list[int]
    type: list[str]
    status: list[str]
    country: list[str | None]
    day: list[str | None]
    lat: list[float | None]
    lon: list[float | None]
    by_type: dict[str, array] = field(default_factory=dict)
    points: list[tuple[Any, ...] | None] = field(default_factory=list)
    point_names: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.doc_id)


def load_event_table(store: Store) -> EventTable:
    """Every event's filter fields, ordered by the database as :func:`list_events` orders,
    and the map's row of each geocoded event (strings shared: a type, status, country,
    day, document id or title is held once)."""
    canon: dict[Any, Any] = {}
    one = canon.setdefault
    cols: tuple[list[Any], ...] = ([], [], [], [], [], [], [], [])
    doc_id, idx, etype, status, country, day, lat, lon = cols
    sql = (f"SELECT e.doc_id, e.idx, e.type, e.status, e.country, {EVENT_DATE} AS event_date, "
           f"e.lat, e.lon{EVENTS_FROM} ORDER BY {EVENT_ORDER}")
    for r in _tuples(store, sql, []):
        doc_id.append(one(r[0], r[0]))
        idx.append(r[1])
        etype.append(one(r[2], r[2]))
        status.append(one(r[3], r[3]))
        country.append(None if r[4] is None else one(r[4], r[4]))
        day.append(None if r[5] is None else one(r[5], r[5]))
        lat.append(r[6])
        lon.append(r[7])
    by_type: dict[str, array] = defaultdict(lambda: array("i"))
    for i, t in enumerate(etype):
        by_type[t].append(i)
    position = {k: i for i, k in enumerate(zip(doc_id, idx, strict=True))}
    points: list[tuple[Any, ...] | None] = [None] * len(doc_id)
    names: tuple[str, ...] = ()
    for p in store.iter_rows(f"SELECT {POINT_COLUMNS}{EVENTS_FROM} WHERE e.lat IS NOT NULL "
                             "AND e.lon IS NOT NULL", batch=5000):
        at = position.get((p["doc_id"], p["idx"]))
        if at is not None:  # (an event added since the first read is not in the table)
            names = names or tuple(p)
            points[at] = tuple(one(v, v) if isinstance(v, str) else v for v in p.values())
    return EventTable(doc_id, idx, etype, status, country, day, lat, lon, dict(by_type), points, names)


def _tuples(store: Store, sql: str, args: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows as tuples in SELECT order (SQLite's cursor gives them so; else from dicts)."""
    tuples = getattr(store, "fetch_tuples", None)
    if callable(tuples):
        return iter(tuples(sql, args))
    return (tuple(r.values()) for r in store.iter_rows(sql, args, batch=5000))


def select_events(store: Store, table: EventTable, f: EventFilter) -> array:
    """The positions in ``table`` (so in the list's order) of the events ``f`` selects,
    with the conditions of :func:`marsad.store.event_filters._event_where`. The actor
    condition (text matched with LIKE, as each database folds case) is asked of the
    database, on the events table alone, as the set of keys it keeps."""
    tests: list[Callable[[int], bool]] = []
    if f.status:
        status, statuses = table.status, frozenset(f.status)
        tests.append(lambda i: status[i] in statuses)
    if f.country:
        country, places = table.country, frozenset(f.country)
        tests.append(lambda i: country[i] in places)
    if f.doc_id:
        doc_id, wanted = table.doc_id, f.doc_id
        tests.append(lambda i: doc_id[i] == wanted)
    day = table.day
    if f.date_from:
        lo = f.date_from
        tests.append(lambda i: (d := day[i]) is not None and d >= lo)
    if f.date_to:
        hi = f.date_to
        tests.append(lambda i: (d := day[i]) is not None and d <= hi)
    if f.geocoded or f.bbox:
        tests.append(_geo_test(table, f.bbox))
    if f.actor:
        where, args = _event_where(EventFilter(actor=f.actor))
        keys = set(_tuples(store, f"SELECT e.doc_id, e.idx FROM events e{where}", args))
        doc_ids, idx = table.doc_id, table.idx
        tests.append(lambda i: (doc_ids[i], idx[i]) in keys)
    candidates: Sequence[int]
    if f.types:  # the types are distinct (event_filter drops repeats): a merge of position lists
        candidates = sorted(i for t in f.types for i in table.by_type.get(t, ()))
    else:
        candidates = range(len(table))
    if not tests:
        return array("i", candidates)
    return array("i", (i for i in candidates if all(t(i) for t in tests)))


def _geo_test(table: EventTable, bbox: tuple[float, float, float, float] | None) -> Callable[[int], bool]:
    """The test of :func:`marsad.store.event_filters.geo_where`: coordinates, inside the box
    (which may cross the antimeridian) when one is given."""
    lat, lon = table.lat, table.lon
    if bbox is None:
        return lambda i: lat[i] is not None and lon[i] is not None
    w, s, e, n = bbox

    def inside(i: int) -> bool:
        y, x = lat[i], lon[i]
        if y is None or x is None or not (s <= y <= n):
            return False
        return w <= x <= e if w <= e else (x >= w or x <= e)

    return inside


def table_facets(table: EventTable, selected: Sequence[int]) -> dict[str, list[dict[str, Any]]]:
    """What :func:`event_facets` counts, of the selected events."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, col in (("type", table.type), ("status", table.status), ("country", table.country)):
        counts = Counter(v for v in (col[i] for i in selected) if v is not None)
        out[name] = [{"value": k, "n": n}
                     for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]]
    return out


def table_timeline(table: EventTable, selected: Sequence[int]) -> dict[str, Any]:
    """What :func:`event_timeline` counts, of the selected events."""
    day, etype = table.day, table.type
    counts: Counter[tuple[str, str]] = Counter()
    for i in selected:
        d = day[i]
        if d:
            counts[d, etype[i]] += 1
    return bucket_series([(d, t, n) for (d, t), n in sorted(counts.items())])


def rows_by_key(store: Store, columns: str, keys: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """The rows (``columns`` of events ``e`` joined to documents ``d``) of the events
    ``keys``, in that order; read per document, by the events' primary key."""
    got: dict[tuple[str, int], dict[str, Any]] = {}
    docs = list(dict.fromkeys(d for d, _ in keys))
    wanted = set(keys)
    for k in range(0, len(docs), KEY_CHUNK):
        c, a = _in("e.doc_id", tuple(docs[k : k + KEY_CHUNK]))
        for r in store.fetchall(f"SELECT {columns}{EVENTS_FROM} WHERE {c}", a):
            key = (r["doc_id"], r["idx"])
            if key in wanted:
                got[key] = r
    return [got[k] for k in keys if k in got]


def _keys(table: EventTable, positions: Sequence[int]) -> list[tuple[str, int]]:
    doc_id, idx = table.doc_id, table.idx
    return [(doc_id[i], idx[i]) for i in positions]


def _no_cache(key: Any, compute: Callable[[], T], *, bucket: str = "default") -> T:
    return compute()


@dataclass(frozen=True)
class EventReads:
    """The events listing for one caller: from ``table`` when it holds one, else in SQL
    (both give the same answers). ``cache(key, compute, bucket=…)`` keeps a filter's
    selection between calls: a page asks for its count, rows, timeline and facets."""

    store: Store
    table: EventTable | None = None
    cache: Cache = _no_cache

    def selected(self, f: EventFilter) -> array:
        table = self.table
        assert table is not None
        return self.cache(("events_sel", f), lambda: select_events(self.store, table, f),
                          bucket="events_sel")

    def count(self, f: EventFilter) -> int:
        return count_events(self.store, f) if self.table is None else len(self.selected(f))

    def rows(self, f: EventFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        if self.table is None:
            return list_events(self.store, f, limit=limit, offset=offset)
        check_page(limit, offset, max_limit=5000)
        page = self.selected(f)[offset : offset + limit]
        return rows_by_key(self.store, EVENT_COLUMNS, _keys(self.table, page))

    def timeline(self, f: EventFilter) -> dict[str, Any]:
        if self.table is None:
            return event_timeline(self.store, f)
        return table_timeline(self.table, self.selected(f))

    def facets(self, f: EventFilter) -> dict[str, list[dict[str, Any]]]:
        if self.table is None:
            return event_facets(self.store, f)
        return table_facets(self.table, self.selected(f))

    def points(self, f: EventFilter, *, limit: int = 5000) -> list[dict[str, Any]]:
        if self.table is None:
            return event_points(self.store, f, limit=limit)
        table = self.table
        names, points = table.point_names, table.points
        first = self.selected(replace(f, geocoded=True))[:limit]
        return [dict(zip(names, row, strict=True)) for i in first if (row := points[i]) is not None]
