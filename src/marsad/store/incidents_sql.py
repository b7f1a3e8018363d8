"""Incidents in the database: the events of stored articles fused into one row per real-world
happening (:mod:`marsad.analyze.incidents`), kept up to date as articles are stored.

Where fusion happens. :meth:`marsad.store.sql.SQLStore.add` fuses the event rows of the
documents it newly wrote inside the same write transaction (:func:`fuse_analyses`). Every
ingest path writes through ``add`` — ``marsad ingest``, the Dask runner, the feed watcher and
the web upload — so all four get incidents from that one call, an article and its incident
reports commit together (a killed run leaves no article unfused), and re-ingesting changes
nothing: a document already stored is not written again, so its events are not fused again.
Writers are serialized (SQLite ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock), so two
writers never fuse against a stale view. Articles stored before schema version 6 are listed
in ``incident_pending`` by the migration and fused, oldest first, by :func:`fuse_pending`
(run after each ``marsad ingest`` and by ``marsad incidents``).

Why a window, not the whole store. Fusion compares a report only with the incidents of its
own PLOVER type and country in the weeks around its dates (the Fuser's index). The store keeps
that index as a table (``incident_index``: type, country, week → incident), so a batch of new
articles loads just the incidents under the keys its reports look up
whose dates are near enough to one of the reports' to be compatible
(:func:`marsad.analyze.incidents.window.window_of`), with their reports, rebuilds them in a
:class:`~marsad.analyze.incidents.window.WindowFuser`, fuses, and writes back what changed.
The cost of a batch grows with the number of incidents in its time window, never with the size
of the database, and the result is the one a Fuser holding every incident would give (the
window module says why). The alternatives were worse: a Fuser kept in memory across calls
does not survive a restart or serve several writers, and re-fusing everything per batch grows
with the collection. Each stored report keeps its event as JSON (a few hundred bytes) so an
incident is rebuilt without parsing its articles' whole Analysis.

Reading. :func:`list_incidents`, :func:`count_incidents`, :func:`iter_incidents`,
:func:`get_incident`, :func:`entity_incidents` and :func:`document_incidents` (also methods of
:class:`marsad.store.base.Store`) take the events' filter (:func:`marsad.store.event_filters.event_filter`:
type, status, actor/entity, country, from/to, bbox, doc) applied to incidents: ``actor`` is an
entity id any report's source, target or place is linked to, or text in the incident's actors;
from/to keep incidents whose dates overlap the range.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from marsad.analyze.incidents.model import Incident, Report
from marsad.analyze.incidents.reports import reports_from_analysis
from marsad.analyze.incidents.rules import DAY_SLACK, Observation, observe
from marsad.analyze.incidents.window import StoredIncident, Window, WindowFuser, window_of
from marsad.model import Analysis, Event
from marsad.store.event_filters import EventFilter, check_page, geo_where
from marsad.store.rows import Tx, casualty_count

CHUNK = 500  # values per IN (...) list: well under SQLite's and PostgreSQL's limits

INCIDENT_COLUMNS = (
    "id", "seq", "type", "mode", "status", "actor1", "actor2", "country", "admin1", "place", "place_ar",
    "lat", "lon", "geo_precision", "date", "date_precision", "date_start", "date_end", "fatalities",
    "fatalities_min", "fatalities_max", "injured", "n_articles", "n_sources", "first_report",
    "last_report", "sources", "lead_doc", "lead_sentence", "notes",
)
REPORT_COLUMNS = (
    "doc_id", "trig_start", "trig_end", "type", "incident_id", "member", "source", "published",
    "sentence", "is_lead", "text", "trigger_text", "status", "date", "place", "fatalities",
    "source_entity", "target_entity", "place_entity", "event", "place_ar", "text_start",
)


# -- events as JSON -----------------------------------------------------------------------------
def event_json(e: Event) -> str:
    """The event as JSON, without its further mentions (fusion does not read them)."""
    d = asdict(e)
    d.pop("mentions", None)
    return json.dumps(d, ensure_ascii=False)


def event_from_json(s: str) -> Event:
    """The event :func:`event_json` wrote (its place a :class:`~marsad.model.Place` again)."""
    d = json.loads(s)
    d["mentions"] = []
    return Event.from_dict(d)


# -- writing -----------------------------------------------------------------------------------
@dataclass
class FuseResult:
    articles: int = 0
    reports: int = 0  # event rows given to fusion
    fused: int = 0  # of them, rows now part of an incident
    new_incidents: int = 0
    changed_incidents: int = 0  # existing incidents that gained reports
    loaded_incidents: int = 0  # incidents read from the store for the window

    def merge(self, other: FuseResult) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def fuse_analyses(tx: Tx, analyses: Sequence[Analysis], *, db: str = "") -> FuseResult:
    """Fuse the events of newly stored articles into the stored incidents (inside the write
    transaction that stored them); ``db`` names the database (for :data:`OBSERVED`)."""
    reports = [r for a in analyses for r in reports_from_analysis(a, article=a.document.id)]
    res = fuse_reports(tx, reports, db=db)
    res.articles = len(analyses)
    return res


def fuse_reports(tx: Tx, reports: Sequence[Report], *, db: str = "") -> FuseResult:
    """Fuse ``reports`` (of articles not fused before) into the stored incidents."""
    res = FuseResult(reports=len(reports))
    window = window_of(reports)
    if not window.keys:
        return res
    stored = _load(tx, window, db)
    res.loaded_incidents = len(stored)
    fuser = WindowFuser()
    fuser.restore(stored)
    known = {s.id for s in stored}
    changed = fuser.add(reports)
    if not changed:
        return res
    base = int(tx.execute("SELECT COALESCE(MAX(seq), -1) AS m FROM incidents")[0]["m"]) + 1
    seqs = {s.id: s.seq for s in stored}
    new_keys = {_key(r) for r in reports}
    report_rows: list[tuple[Any, ...]] = []
    index_rows: list[tuple[Any, ...]] = []
    incident_rows: list[tuple[Any, ...]] = []
    for inc in changed:
        observed = fuser.members(inc.id)
        members = [o.report for o in observed]
        if inc.id in known:
            res.changed_incidents += 1
            seq = seqs[inc.id]
        else:
            res.new_incidents += 1
            seq = base + fuser.order_of(inc.id) - fuser.restored
        for i, o in enumerate(observed):
            if o.key in new_keys:
                report_rows.append(_report_row(inc.id, i, o.report))
                OBSERVED.put(db, o)
        index_rows += [(t, c, w, inc.id) for t, c, w in sorted(fuser.keys_of(inc.id))]
        incident_rows.append(_incident_row(inc, seq, members))
    res.fused = len(report_rows)
    cols = ", ".join(INCIDENT_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in INCIDENT_COLUMNS if c not in ("id", "seq"))
    tx.executemany(
        f"INSERT INTO incidents ({cols}) VALUES ({','.join('?' * len(INCIDENT_COLUMNS))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}", incident_rows)
    tx.executemany(
        f"INSERT INTO incident_reports ({', '.join(REPORT_COLUMNS)}) "
        f"VALUES ({','.join('?' * len(REPORT_COLUMNS))}) ON CONFLICT DO NOTHING", report_rows)
    tx.executemany(
        "INSERT INTO incident_index (type, country, week, incident_id) VALUES (?,?,?,?) "
        "ON CONFLICT DO NOTHING", index_rows)
    return res


def _key(r: Report) -> tuple[str, int, int, str]:
    e = r.event
    return (r.article, e.trigger.start, e.trigger.end, e.type)


def _core(row: dict[str, Any]) -> tuple[int, int]:
    """Bounds of the days an incident's reports agree on (its "core", which fusion compares
    dates with), from its stored date: a week-precision incident's date is its core; a day
    incident's day dates span at most DAY_SLACK + 1 days around the day it is filed under."""
    lo = date.fromisoformat(row["date_start"]).toordinal()
    hi = date.fromisoformat(row["date_end"]).toordinal()
    if row["date_precision"] == "day":
        return lo - DAY_SLACK, hi + DAY_SLACK
    return lo, hi


def _load(tx: Tx, window: Window, db: str) -> list[StoredIncident]:
    """The stored incidents indexed under the window's keys whose dates it may match, with
    their reports in fusion order."""
    weeks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for t, c, w in window.keys:
        weeks[(t, c)].append(w)
    ids: set[str] = set()
    for (t, c), ws in sorted(weeks.items()):
        ws.sort()
        for i in range(0, len(ws), CHUNK):
            wk = ws[i : i + CHUNK]
            ids.update(r["incident_id"] for r in tx.execute(
                "SELECT DISTINCT incident_id FROM incident_index WHERE type = ? AND country = ? "
                f"AND week IN ({','.join('?' * len(wk))})", [t, c, *wk]))
    if not ids:
        return []
    seqs: dict[str, int] = {}
    order = sorted(ids)
    for i in range(0, len(order), CHUNK):  # narrow rows first: most are too far in time
        chunk = order[i : i + CHUNK]
        for r in tx.execute(
            "SELECT id, seq, type, country, date_start, date_end, date_precision FROM incidents "
            f"WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            if window.may_match(r["type"], r["country"], *_core(r)):
                seqs[r["id"]] = int(r["seq"])
    # the members' keys (narrow rows); a report not observed in this process before is read
    # whole and observed once (stored reports never change)
    keys: dict[str, list[tuple[str, int, int, str]]] = defaultdict(list)
    cached: dict[tuple[str, int, int, str], Observation] = {}
    order = sorted(seqs)
    for i in range(0, len(order), CHUNK):
        chunk = order[i : i + CHUNK]
        for r in tx.execute(
            "SELECT incident_id, doc_id, trig_start, trig_end, type, source, published "
            f"FROM incident_reports WHERE incident_id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY incident_id, member", chunk,
        ):
            k = (r["doc_id"], int(r["trig_start"]), int(r["trig_end"]), r["type"])
            keys[r["incident_id"]].append(k)
            o = OBSERVED.get(db, k)
            if o is not None and (o.report.source, o.report.published) == (r["source"], r["published"]):
                cached[k] = o
    missing = sorted({i for i, ks in keys.items() if any(k not in cached for k in ks)})
    read: dict[tuple[str, int, int, str], Observation | None] = {}
    for i in range(0, len(missing), CHUNK):
        chunk = missing[i : i + CHUNK]
        for r in tx.execute(
            "SELECT doc_id, trig_start, trig_end, type, source, published, text, is_lead, event "
            f"FROM incident_reports WHERE incident_id IN ({','.join('?' * len(chunk))})", chunk,
        ):
            lead = None if r["is_lead"] is None else bool(r["is_lead"])
            o = observe(Report(r["doc_id"], r["source"], r["published"],
                               event_from_json(r["event"]), r["text"], lead))
            read[(r["doc_id"], int(r["trig_start"]), int(r["trig_end"]), r["type"])] = o
            if o is not None:
                OBSERVED.put(db, o)
    out = []
    for iid in order:
        obs = [read[k] if k in read else cached.get(k) for k in keys.get(iid, ())]
        members = [o for o in obs if o is not None]
        if members:
            out.append(StoredIncident(iid, seqs[iid], members))
    return out


class ObservationCache:
    """Stored reports as fusion observed them, by database and report key, the most recently
    used kept (at most ``size``): an incident's reports are read and observed once per
    process, not on every write that loads the incident. Safe across writers: a stored
    report never changes and never moves to another incident, and which reports an incident
    has is read every time (a cached report whose source or date differs from the row's, as
    in a database re-created under the same name, is read again)."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._items: OrderedDict[tuple[str, tuple[str, int, int, str]], Observation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, db: str, key: tuple[str, int, int, str]) -> Observation | None:
        with self._lock:
            o = self._items.get((db, key))
            if o is not None:
                self._items.move_to_end((db, key))
            return o

    def put(self, db: str, o: Observation) -> None:
        with self._lock:
            self._items[(db, o.key)] = o
            self._items.move_to_end((db, o.key))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


OBSERVED = ObservationCache()


def _report_row(incident_id: str, member: int, r: Report) -> tuple[Any, ...]:
    e = r.event
    place = e.place
    written = e.location.text if e.location else None
    name = (place.name_en or place.name_ar or None) if place else None
    name_ar = (place.name_ar or place.name_en or None) if place else None
    return (
        r.article, e.trigger.start, e.trigger.end, e.type, incident_id, member, r.source,
        r.published, e.sentence, None if r.lead is None else int(r.lead), r.text, e.trigger.text,
        e.status, e.date, name or written,
        casualty_count(e.fatalities), e.source.entity_id if e.source else None,
        e.target.entity_id if e.target else None, (place.entity_id or None) if place else None, event_json(e),
        name_ar or written, r.text_start,
    )


def lead_report(members: Sequence[Report]) -> Report:
    """The report whose sentence stands for the incident: the earliest one told in a lead
    (headline or first paragraph, where news states the happening), else the earliest."""
    ordered = sorted(members, key=lambda r: (r.published or "", _key(r)))
    return next((r for r in ordered if r.lead), ordered[0])


def _incident_row(inc: Incident, seq: int, members: Sequence[Report]) -> tuple[Any, ...]:
    lo, _, hi = inc.date.partition("/")
    lead = lead_report(members)
    sources = sorted({r.source for r in members if r.source})
    rng = inc.fatalities_range
    return (
        inc.id, seq, inc.type, inc.mode, inc.status, inc.actor1, inc.actor2, inc.country, inc.admin1,
        inc.place, inc.place_ar, inc.lat, inc.lon, inc.geo_precision, inc.date, inc.date_precision, lo, hi or lo,
        casualty_count(inc.fatalities), casualty_count(rng[0]) if rng else None, casualty_count(rng[1]) if rng else None,
        casualty_count(inc.injured), inc.n_articles, inc.n_sources, inc.first_report, inc.last_report,
        json.dumps(sources, ensure_ascii=False), lead.article, lead.event.sentence, lead.text,
    )


def has_pending(store: Any) -> bool:
    """Whether articles stored before incidents existed wait to be fused (no write lock)."""
    return bool(store.fetchall("SELECT 1 AS x FROM incident_pending LIMIT 1"))


def fuse_pending(store: Any, *, batch: int = 500, progress: Any = None) -> FuseResult:
    """Fuse the articles ``incident_pending`` lists (stored before schema version 6, or
    re-queued by ``marsad bench incidents``), oldest first, one transaction per ``batch``.
    ``progress(n)`` is called with the number of articles of each batch done."""
    total = FuseResult()
    if not has_pending(store):  # the common case: nothing to do, no lock taken
        return total
    while True:
        with store.transaction() as tx:
            # order the narrow rows first, then read the chosen articles' analyses (sorting
            # with the analysis beside would carry every pending article's JSON)
            ids = [r["id"] for r in tx.execute(
                "SELECT d.id AS id FROM incident_pending p JOIN documents d ON d.id = p.doc_id "
                "ORDER BY d.published NULLS FIRST, d.id LIMIT ?", (batch,))]
            if not ids:
                tx.execute("DELETE FROM incident_pending")  # rows whose document is gone
                return total
            marks = ",".join("?" * len(ids))
            found = {r["id"]: r["analysis"] for r in tx.execute(
                f"SELECT id, analysis FROM documents WHERE id IN ({marks})", ids)}
            res = fuse_analyses(tx, [Analysis.from_json(found[i]) for i in ids], db=store.url)
            tx.execute(f"DELETE FROM incident_pending WHERE doc_id IN ({marks})", ids)
        total.merge(res)
        if progress:
            progress(len(ids))


# -- reading -----------------------------------------------------------------------------------
def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def incident_where(f: EventFilter, *, min_sources: int = 1) -> tuple[str, list[Any]]:
    """The WHERE clause (on ``incidents i``) of the events' filter applied to incidents, and
    of ``min_sources`` (incidents at least that many outlets reported)."""
    where: list[str] = []
    args: list[Any] = []
    if min_sources > 1:
        where.append("i.n_sources >= ?")
        args.append(min_sources)
    for col, values in (("i.type", f.types), ("i.status", f.status), ("i.country", f.country)):
        if values:
            where.append(f"{col} IN ({','.join('?' * len(values))})")
            args += list(values)
    if f.actor:
        # an entity id linked in any report (source, target or place), or text in the actors
        where.append(
            "(i.id IN (SELECT r.incident_id FROM incident_reports r WHERE r.source_entity = ?) "
            "OR i.id IN (SELECT r.incident_id FROM incident_reports r WHERE r.target_entity = ?) "
            "OR i.id IN (SELECT r.incident_id FROM incident_reports r WHERE r.place_entity = ?) "
            "OR LOWER(i.actor1) LIKE ? ESCAPE '\\' OR LOWER(i.actor2) LIKE ? ESCAPE '\\')")
        low = _like(f.actor.lower())
        args += [f.actor, f.actor, f.actor, low, low]
    if f.date_from:
        where.append("i.date_end >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append("i.date_start <= ?")
        args.append(f.date_to)
    geo, geo_args = geo_where("i", f)
    where += geo
    args += geo_args
    if f.doc_id:
        where.append("i.id IN (SELECT r.incident_id FROM incident_reports r WHERE r.doc_id = ?)")
        args.append(f.doc_id)
    return (" WHERE " + " AND ".join(where)) if where else "", args


_SELECT = "SELECT " + ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS) + " FROM incidents i"
_ORDER = " ORDER BY i.date_start DESC, i.n_articles DESC, i.id"


def incident_dict(row: dict[str, Any]) -> dict[str, Any]:
    """An incidents row for the API and pages: ``sources`` as a list, the toll's range."""
    d = dict(row)
    d["sources"] = json.loads(d.get("sources") or "[]")
    lo, hi = d.pop("fatalities_min", None), d.pop("fatalities_max", None)
    d["fatalities_range"] = [lo, hi] if lo is not None else None
    d.pop("seq", None)
    return d


def count_incidents(store: Any, f: EventFilter | None = None, *, min_sources: int = 1) -> int:
    where, args = incident_where(f or EventFilter(), min_sources=min_sources)
    return int(store.fetchall(f"SELECT COUNT(*) AS n FROM incidents i{where}", args)[0]["n"])


def list_incidents(store: Any, f: EventFilter | None = None, *, limit: int = 50, offset: int = 0,
                   min_sources: int = 1) -> list[dict[str, Any]]:
    """A page of incidents matching ``f``, latest first (then the most reported)."""
    check_page(limit, offset, max_limit=5000)
    where, args = incident_where(f or EventFilter(), min_sources=min_sources)
    rows = store.fetchall(f"{_SELECT}{where}{_ORDER} LIMIT ? OFFSET ?", [*args, limit, offset])
    return [incident_dict(r) for r in rows]


def iter_incidents(store: Any, f: EventFilter | None = None, *,
                   min_sources: int = 1) -> Iterator[dict[str, Any]]:
    """Every incident matching ``f``, oldest first, streamed (for exports)."""
    where, args = incident_where(f or EventFilter(), min_sources=min_sources)
    sql = f"{_SELECT}{where} ORDER BY i.date_start, i.id"
    return (incident_dict(r) for r in store.iter_rows(sql, args))


def incident_reports(store: Any, incident_id: str) -> list[dict[str, Any]]:
    """An incident's reports, earliest first, with their articles' titles and urls, the
    place's Arabic name (``place_ar``), its coordinates (``lat``, ``lon``: the event's resolved
    place, with its ``geo_precision``) and where the trigger is in the sentence (``trigger_at``,
    an offset into ``text``; None when it cannot be placed)."""
    rows = store.fetchall(
        "SELECT r.doc_id, r.source, r.published, r.sentence, r.is_lead, r.text, r.trigger_text, "
        "r.status, r.date, r.place, r.place_ar, r.fatalities, r.source_entity, r.target_entity, "
        "r.place_entity, r.trig_start, r.trig_end, r.text_start, r.event, d.title, d.url "
        "FROM incident_reports r JOIN documents d ON d.id = r.doc_id WHERE r.incident_id = ? "
        "ORDER BY r.published, r.doc_id, r.trig_start", (incident_id,))
    return [_report_view(r) for r in rows]


def _report_view(row: dict[str, Any]) -> dict[str, Any]:
    d = dict(row)
    ev = json.loads(d.pop("event") or "{}")
    text_start = d.pop("text_start", None)
    place = ev.get("place") or {}
    if d.get("place_ar") is None:  # fused before schema version 9: the event still knows it
        d["place_ar"] = place.get("name_ar") or d.get("place")
    has_point = place.get("lat") is not None and place.get("lon") is not None
    d["lat"] = float(place["lat"]) if has_point else None
    d["lon"] = float(place["lon"]) if has_point else None
    d["geo_precision"] = ev.get("geo_precision") if has_point else None
    d["trigger_at"] = trigger_offset(d.get("text"), d.get("trigger_text"), int(d["trig_start"]), text_start,
                                     [ev.get(k) for k in ("source", "target", "location", "reporter")])
    return d


def trigger_offset(text: str | None, trigger: str | None, trig_start: int, text_start: int | None,
                   spans: Sequence[dict[str, Any] | None] = ()) -> int | None:
    """Where the event's own trigger (``trigger``, at ``trig_start`` in the article) is in its
    sentence ``text`` (which starts at ``text_start`` in the article); None when it is not
    there. The word's first occurrence would be wrong when the sentence says it twice
    («قصف ... بعد قصف»). For a report stored without ``text_start`` (before schema version 9)
    the sentence's start is inferred: the occurrence of the trigger at which the event's other
    ``spans`` (source, target, location, reporter: article offsets) also fall on their own
    words, the first of a tie."""
    if not text or not trigger:
        return None
    if text_start is not None:
        at = trig_start - text_start
        return at if text[at : at + len(trigger)] == trigger and at >= 0 else None
    best: tuple[int, int] | None = None  # (spans that agree, -offset)
    at = text.find(trigger)
    while at >= 0:
        shift = trig_start - at  # the sentence's start in the article, were this the trigger
        agree = sum(1 for sp in spans if sp and _falls_on(text, sp, shift))
        if best is None or (agree, -at) > best:
            best = (agree, -at)
        at = text.find(trigger, at + 1)
    return None if best is None else -best[1]


def _falls_on(text: str, span: dict[str, Any], shift: int) -> bool:
    a, b = int(span["start"]) - shift, int(span["end"]) - shift
    return 0 <= a < b <= len(text) and text[a:b] == span.get("text")


def get_incident(store: Any, incident_id: str) -> dict[str, Any] | None:
    """One incident with all its reports (None when there is no such incident)."""
    rows = store.fetchall(f"{_SELECT} WHERE i.id = ?", (incident_id,))
    if not rows:
        return None
    d = incident_dict(rows[0])
    d["reports"] = incident_reports(store, incident_id)
    if d.get("place_ar") is None and d.get("place"):  # fused before schema version 9
        d["place_ar"] = next((r["place_ar"] for r in d["reports"] if r.get("place") == d["place"]
                              and r.get("place_ar")), None)
    return d


def entity_incidents(store: Any, entity_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The latest incidents a report links to the entity (as source, target or place)."""
    return list_incidents(store, EventFilter(actor=entity_id), limit=limit)


def document_incidents(store: Any, doc_id: str) -> list[dict[str, Any]]:
    """The incidents an article reports (for its page)."""
    return list_incidents(store, EventFilter(doc_id=doc_id), limit=500)


def incident_counts(store: Any) -> dict[str, int]:
    """How many incidents, reports and articles waiting to be fused."""
    def n(sql: str) -> int:
        return int(store.fetchall(sql)[0]["n"])

    return {"incidents": n("SELECT COUNT(*) AS n FROM incidents"),
            "reports": n("SELECT COUNT(*) AS n FROM incident_reports"),
            "pending": n("SELECT COUNT(*) AS n FROM incident_pending")}


def clear(tx: Tx) -> None:
    """Forget every incident and queue every stored article to be fused again (for
    ``marsad incidents --rebuild`` and the benchmark)."""
    for table in ("incident_index", "incident_reports", "incidents", "incident_pending"):
        tx.execute(f"DELETE FROM {table}")
    tx.execute("INSERT INTO incident_pending (doc_id) SELECT id FROM documents")
