"""Search facets: the counts beside a result list (topic, source, entity, country, event
type, month), in SQL or from the per-generation in-memory tables (:class:`MetaTable`,
:class:`FacetIndex`) the web server keeps, and the database generation those tables and
the read caches are keyed by."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain
from typing import Any

from marsad.model import PLOVER_TYPES
from marsad.store.base import Store
from marsad.store.event_filters import (
    _in,
)
from marsad.store.query import Query
from marsad.store.reads.documents import match_sql
from marsad.store.reads.entities import entities_by_id


# -- in SQL ------------------------------------------------------------------------------------
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


def generation(store: Store) -> tuple[int, int]:
    """(documents, writes): the key under which read caches live. It changes whenever a
    document is added or removed and on every write transaction of the store (the write
    counter of schema version 10), so an incidents rebuild, a story update or a deletion
    that adds no document turns the caches over too. One statement: the count is answered
    from an index (MAX of a column would be a table scan), the counter by its key.
    ``[0]`` is the number of documents (the health check and the memory bound read it)."""
    r = store.fetchall("SELECT (SELECT COUNT(*) FROM documents) AS n, "
                       "(SELECT n FROM write_counter WHERE id = 1) AS w")[0]
    return (int(r["n"]), int(r["w"] or 0))


# -- the metadata table -------------------------------------------------------------------------
# SQLite keeps each article's body and analysis inside its documents row, before topic,
# dup_group and story_id, so reading those for thousands of matches walks every overflow
# page. The in-memory search (:mod:`marsad.store.reads.search`) reads only (id, rank) from the index, orders and folds duplicate
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


def index_report_entities(entity_id: str, meta: MetaTable, index: FacetIndex, *,
                          docs: int) -> dict[str, set[str]]:
    """What :func:`marsad.store.reads.entities.report_entities` reads in SQL, from the
    in-memory tables: the entity's latest ``docs`` articles (newest first, ties by id, as
    ``meta.order`` sorts), grouped into reports by ``dup_group``, each with its entities.
    A pass over the per-document entity lists, where the SQL joins thousands of mentions."""
    naming = [d for d, es in index.entities.items() if entity_id in es]
    last = len(meta.order)
    naming.sort(key=lambda d: (meta.order.get(d, last), d))
    by_report: dict[str, set[str]] = defaultdict(set)
    for d in naming[:docs]:
        m = meta.get(d)
        by_report[(m.dup_group if m is not None else None) or d].update(index.entities[d])
    return by_report


def name_entity_facet(store: Store, facets: dict[str, Any]) -> dict[str, Any]:
    """The entity facet's rows with their names and types (as :func:`sql_facets` gives them)."""
    entities = facets.get("entity", [])
    info = entities_by_id(store, [e["value"] for e in entities])
    for e in entities:
        x = info.get(e["value"], {})
        e.update(name_ar=x.get("name_ar"), name_en=x.get("name_en"), type=x.get("type"))
    return facets
