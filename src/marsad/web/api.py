"""The JSON API under /api/: the same data as the pages, for scripts. Every list is
paginated (``limit``, ``offset``; the answer has ``total`` and a ``next`` link), every bad
parameter is a JSON error with status 400, and exports stream."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Body, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

import marsad
from marsad import export
from marsad.errors import InputError
from marsad.ingest.document import check_text, strip_controls
from marsad.model import Document
from marsad.store import event_filters
from marsad.store.reads.documents import (
    DocFilter,
    count_documents,
    doc_filter,
    iter_documents,
    list_documents,
)
from marsad.store.reads.entities import (
    NETWORK_DOCS,
    NETWORK_SIZE,
    Network,
    cooccurrence,
    count_entities,
    entity_documents,
    entity_events,
    entity_exists,
    entity_filter,
    entity_timeline,
    get_entity,
    iter_entities,
    list_entities,
)
from marsad.store.reads.entities import entity_places as read_entity_places
from marsad.store.reads.events import iter_events
from marsad.store.reads.facets import generation, index_report_entities
from marsad.store.reads.sources import list_sources
from marsad.store.reads.stories import count_stories, get_story, list_stories
from marsad.web.errors import HTTPError, not_found
from marsad.web.ingest import MAX_DOCS, bearer, check_token, document_from_fields, ingest_documents
from marsad.web.pages.article import article_data
from marsad.web.pages.common import reader, state
from marsad.web.pages.events import event_reads, filter_from_request
from marsad.web.searching import search as run_search

LIMIT = Query(20, ge=1, le=200, description="items per page (1–200)")
OFFSET = Query(0, ge=0, le=1_000_000, description="items to skip")
DATE_FROM = Query(None, alias="from", max_length=10, description="YYYY-MM-DD (or YYYY-MM, YYYY)")
ARTICLES_BODY = Body(..., description="an article {title, text | paragraphs, url, source, published, "
                     "language} or a list of up to 100")
DATE_TO = Query(None, alias="to", max_length=10, description="YYYY-MM-DD (or YYYY-MM, YYYY)")


def paged(request: Request, items: list[Any], total: int, limit: int, offset: int, **extra: Any) -> JSONResponse:
    nxt = None
    if offset + limit < total:
        params = dict(request.query_params)
        params["offset"] = str(offset + limit)
        params["limit"] = str(limit)
        nxt = f"{request.url.path}?{urlencode(params)}"
    return JSONResponse({"total": total, "limit": limit, "offset": offset, "next": nxt,
                         "items": items, **extra})


# -- health and stats ------------------------------------------------------------------------
def health(request: Request) -> JSONResponse:
    """Liveness: the database answers, and how many documents it holds."""
    st = state(request)
    n = generation(reader(request))[0]
    return JSONResponse({"status": "ok", "version": marsad.__version__, "documents": int(n),
                         "writable": st.writable})


def stats(request: Request) -> JSONResponse:
    """What the database holds: counts, date span, by language/source/topic/event type."""
    store = reader(request)
    s = dict(state(request).cached("stats", lambda: store.stats()))
    s.pop("database", None)  # the server's file path is not the client's business
    return JSONResponse(s)


# -- search and documents -------------------------------------------------------------------------
def search(
    request: Request,
    q: str = Query("", max_length=2000, description='search syntax: words, "phrase", a OR b, -word, '
                   "source: from: to: undated: topic: lang: entity: country: type: status:"),
    limit: int = LIMIT,
    offset: int = OFFSET,
    collapse: bool = Query(True, description="fold near-duplicate copies into one hit"),
    facets: bool = Query(False, description="also return facet counts"),
) -> JSONResponse:
    """Full-text search with the same syntax and filters as the search page."""
    res, f = run_search(state(request), q, limit=limit, offset=offset, collapse=collapse, facets=facets)
    # undated: the undated articles from:/to: left out (null when the query has no dates)
    extra: dict[str, Any] = {"query": q, "undated": res.undated}
    if facets:
        extra["facets"] = f
    return paged(request, [h.to_dict() for h in res.hits], res.total, limit, offset, **extra)


def _doc_filter(request: Request, q: str | None, source: str | None, topic: str | None,
                lang: str | None, date_from: str | None, date_to: str | None, story: str | None,
                entity: str | None) -> DocFilter:
    return doc_filter(source=source, topic=topic, lang=lang, date_from=date_from,
                            date_to=date_to, story=story, q=q, entity=entity)


def documents(
    request: Request,
    q: str | None = Query(None, max_length=2000, description="optional search-syntax query"),
    source: str | None = Query(None, max_length=200),
    topic: str | None = Query(None, max_length=100),
    lang: str | None = Query(None, max_length=10),
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    story: str | None = Query(None, max_length=300),
    entity: str | None = Query(None, max_length=300, description="entity id"),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> JSONResponse:
    """Documents (newest first), filtered."""
    store = reader(request)
    f = _doc_filter(request, q, source, topic, lang, date_from, date_to, story, entity)
    total = state(request).cached(("docs_n", f.key()), lambda: count_documents(store, f))
    return paged(request, list_documents(store, f, limit=limit, offset=offset), total, limit, offset)


def document(request: Request, doc_id: str = Path(..., max_length=200)) -> JSONResponse:
    """One document with its full analysis, duplicate copies and story."""
    data = article_data(reader(request), doc_id)
    if data is None:
        raise not_found(f"document {doc_id}")
    a = data["analysis"]
    return JSONResponse({"id": a.document.id, "analysis": a.to_dict(), "copies": data["copies"],
                         "story": data["story"], "summary_text": data["summary"],
                         "dup_group": data["dup_group"]})


async def add_documents(
    request: Request,
    payload: Any = ARTICLES_BODY,
    authorization: str | None = Header(None, description="Bearer TOKEN (the server's --write-token)"),
) -> JSONResponse:
    """Analyse and store articles (needs the write token)."""
    st = state(request)
    check_token(st, bearer(authorization))
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_DOCS:
        raise InputError(f"send 1 to {MAX_DOCS} articles", fix="split the batch")
    docs = [_api_document(i, it) for i, it in enumerate(items)]
    out = await run_in_threadpool(ingest_documents, st, docs)
    body = out.to_dict()
    # a date that is not one was dropped (the article is stored undated), an article over
    # the size limit was cut: say so
    body["notes"] = [f"item {i}: {d.meta[k]}" for i, d in enumerate(docs)
                     for k in ("published_note", "truncated_note") if d.meta.get(k)]
    return JSONResponse(body, status_code=201 if out.new else 200)


def _api_document(i: int, it: Any) -> Document:
    """One item of a POST /api/documents body as a Document, or InputError (a 400) naming
    the item and the field: wrong types, and lone UTF-16 surrogates (a ``\\ud800`` escape
    without its pair, which no database stores), are refused; control characters are
    removed as the file readers remove them."""
    where = f"item {i}"
    if not isinstance(it, dict):
        raise InputError(f"{where} is not an object")
    paragraphs = it.get("paragraphs")
    if paragraphs is not None and not (isinstance(paragraphs, list) and all(isinstance(p, str) for p in paragraphs)):
        raise InputError(f"{where}: paragraphs must be a list of strings")
    fields = {k: it.get(k) for k in ("title", "url", "source", "published", "language")}
    if any(v is not None and not isinstance(v, str) for v in fields.values()):
        raise InputError(f"{where}: title, url, source, published and language must be strings")
    text = it.get("text") or ""
    if not isinstance(text, str):
        raise InputError(f"{where}: text must be a string")
    for name, value in (*fields.items(), ("text", text)):
        if value:
            check_text(value, name, where)
    for p in paragraphs or ():
        check_text(p, "paragraphs", where)
    clean = {k: strip_controls(v) if isinstance(v, str) else v for k, v in fields.items()}
    if paragraphs is not None:
        paragraphs = [strip_controls(p) for p in paragraphs]
    return document_from_fields(text=strip_controls(text), paragraphs=paragraphs, **clean)


# -- entities ---------------------------------------------------------------------------------
def entities(
    request: Request,
    q: str | None = Query(None, max_length=200, description="part of a name (Arabic or English)"),
    type_: str | None = Query(None, alias="type", max_length=10, description="PER, ORG, LOC or MISC"),
    country: str | None = Query(None, max_length=2, description="ISO 3166-1 alpha-2"),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> JSONResponse:
    """Entities, the most mentioned first."""
    st = state(request)
    store = reader(request)
    f = entity_filter(q=q, type=type_, country=country)
    total = st.cached(("entities_n", f), lambda: count_entities(store, f))
    rows = st.cached(("entities", f, offset, limit),
                     lambda: list_entities(store, f, limit=limit, offset=offset))
    return paged(request, rows, total, limit, offset)


def entity(request: Request, entity_id: str = Path(..., max_length=300)) -> JSONResponse:
    """One entity: names, aliases, counts, mentions over time, latest articles, events."""
    st = state(request)
    store = reader(request)
    ent = get_entity(store, entity_id)
    if ent is None:
        raise not_found(f"entity {entity_id}")
    ent["timeline"] = st.cached(("entity_tl", entity_id), lambda: entity_timeline(store, entity_id))
    ent["latest_documents"] = entity_documents(store, entity_id, limit=20)
    ent["events"] = entity_events(store, entity_id, limit=20)
    return JSONResponse(ent)


def entity_network(request: Request, entity_id: str = Path(..., max_length=300),
                   size: int = Query(NETWORK_SIZE, ge=1, le=100,
                                     description="how many of the strongest neighbours")) -> JSONResponse:
    """The entities most often named together with this one (the ``size`` strongest), how
    many reports each pair shares, and how many neighbours there are in all (``available``)."""
    store = reader(request)
    if not entity_exists(store, entity_id):
        raise not_found(f"entity {entity_id}")
    net = state(request).cached(("net", entity_id, size), lambda: _network(request, entity_id, size))
    return JSONResponse(net.to_dict())


def _network(request: Request, entity_id: str, size: int) -> Network:
    """The co-occurrence network, its reports from the server's in-memory tables when it
    holds them (a pass in memory where the SQL joins thousands of mentions), else in SQL."""
    st = state(request)
    tables = st.search_tables()
    reports = None if tables is None else index_report_entities(
        entity_id, tables.meta, tables.facet_index(), docs=NETWORK_DOCS)
    return cooccurrence(reader(request), entity_id, size=size, reports=reports)


def entity_places(request: Request, entity_id: str = Path(..., max_length=300)) -> JSONResponse:
    """GeoJSON of where the entity is, with support: itself, its country, the places of its
    events, and places named close to it in two or more separate reports (``kind``)."""
    store = reader(request)
    if not entity_exists(store, entity_id):
        raise not_found(f"entity {entity_id}")
    feats = []
    for p in state(request).cached(("places", entity_id), lambda: read_entity_places(store, entity_id)):
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                      "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")}})
    return JSONResponse({"type": "FeatureCollection", "features": feats},
                        media_type="application/geo+json")


# -- events ------------------------------------------------------------------------------------
_EVENT_PARAMS = {
    "type_": Query(None, alias="type", description="PLOVER type(s), comma-separated"),
    "status": Query(None, description="occurred, planned, threatened, claimed, denied"),
    "actor": Query(None, max_length=200,
                   description="entity id, or part of the source/target text or canonical name"),
    "country": Query(None, description="ISO 3166-1 alpha-2 code(s) of the place"),
    "bbox": Query(None, max_length=100, description="WEST,SOUTH,EAST,NORTH in degrees"),
    "doc": Query(None, max_length=200, description="only this document's events"),
}


def events(
    request: Request,
    type_: list[str] | None = _EVENT_PARAMS["type_"],
    status: list[str] | None = _EVENT_PARAMS["status"],
    actor: str | None = _EVENT_PARAMS["actor"],
    country: list[str] | None = _EVENT_PARAMS["country"],
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    bbox: str | None = _EVENT_PARAMS["bbox"],
    doc: str | None = _EVENT_PARAMS["doc"],
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> JSONResponse:
    """Coded events (newest first), filtered by type, status, actor, country, date range
    and bounding box."""
    st = state(request)
    ev = event_reads(request)
    f = filter_from_request(request)
    total = st.cached(("events_n", f), lambda: ev.count(f))
    rows = st.cached(("events_list", f, limit, offset),
                     lambda: ev.rows(f, limit=limit, offset=offset), bucket="pages")
    return paged(request, rows, total, limit, offset)


def events_timeline(
    request: Request,
    type_: list[str] | None = _EVENT_PARAMS["type_"],
    status: list[str] | None = _EVENT_PARAMS["status"],
    actor: str | None = _EVENT_PARAMS["actor"],
    country: list[str] | None = _EVENT_PARAMS["country"],
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    bbox: str | None = _EVENT_PARAMS["bbox"],
) -> JSONResponse:
    """Event counts per period (day, month or year, to fit the span) and type."""
    ev = event_reads(request)
    f = filter_from_request(request)
    return JSONResponse(state(request).cached(("events_tl", f), lambda: ev.timeline(f)))


def events_geojson(
    request: Request,
    type_: list[str] | None = _EVENT_PARAMS["type_"],
    status: list[str] | None = _EVENT_PARAMS["status"],
    actor: str | None = _EVENT_PARAMS["actor"],
    country: list[str] | None = _EVENT_PARAMS["country"],
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    bbox: str | None = _EVENT_PARAMS["bbox"],
    limit: int = Query(5000, ge=1, le=20000, description="at most this many points (newest first)"),
) -> Response:
    """Geocoded events as GeoJSON points, for the map."""
    ev = event_reads(request)
    f = filter_from_request(request)

    def render() -> bytes:  # cached as the bytes sent: 5,000 points take longer to encode than to read
        rows = ev.points(f, limit=limit)
        feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                  "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")}} for r in rows]
        return bytes(JSONResponse({"type": "FeatureCollection", "features": feats,
                                   "truncated": len(rows) >= limit}).body)

    return Response(state(request).cached(("points", f, limit), render, bucket="points"),
                    media_type="application/geo+json")


# -- incidents -----------------------------------------------------------------------------------
def _incident_filter(request: Request) -> event_filters.EventFilter:
    """The events' filters read from the query string, for incidents (``entity`` is a synonym
    of ``actor``)."""
    qp = request.query_params
    return event_filters.event_filter(
        type=qp.getlist("type") or None, status=qp.getlist("status") or None,
        actor=qp.get("actor") or qp.get("entity"), country=qp.getlist("country") or None,
        date_from=qp.get("from"), date_to=qp.get("to"), bbox=qp.get("bbox") or None,
        doc=qp.get("doc"),
    )


_INCIDENT_PARAMS = {
    "status": Query(None, description="occurred or claimed"),
    "entity": Query(None, max_length=200, description="entity id (as actor)"),
    "doc": Query(None, max_length=200, description="only incidents this document reports"),
    "min_sources": Query(1, ge=1, le=1000, description="only incidents this many outlets reported"),
}


def incidents(
    request: Request,
    type_: list[str] | None = _EVENT_PARAMS["type_"],
    status: list[str] | None = _INCIDENT_PARAMS["status"],
    actor: str | None = _EVENT_PARAMS["actor"],
    entity: str | None = _INCIDENT_PARAMS["entity"],
    country: list[str] | None = _EVENT_PARAMS["country"],
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    bbox: str | None = _EVENT_PARAMS["bbox"],
    doc: str | None = _INCIDENT_PARAMS["doc"],
    min_sources: int = _INCIDENT_PARAMS["min_sources"],
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> JSONResponse:
    """Incidents: the events of many articles fused into one record per happening (latest
    first), filtered like events; from/to keep incidents whose dates overlap the range."""
    from marsad.store.incidents_sql import count_incidents, list_incidents

    st = state(request)
    store = reader(request)
    f = _incident_filter(request)
    total = st.cached(("incidents_n", f, min_sources),
                      lambda: count_incidents(store, f, min_sources=min_sources))
    rows = list_incidents(store, f, limit=limit, offset=offset, min_sources=min_sources)
    return paged(request, rows, total, limit, offset)


def incident(request: Request, incident_id: str = Path(..., max_length=100)) -> JSONResponse:
    """One incident with all its reports (article, sentence, trigger)."""
    from marsad.store.incidents_sql import get_incident

    d = get_incident(reader(request), incident_id)
    if d is None:
        raise not_found(f"incident {incident_id}")
    return JSONResponse(d)


# -- stories and sources ---------------------------------------------------------------------------
def stories(request: Request, limit: int = LIMIT, offset: int = OFFSET) -> JSONResponse:
    """Stories (clusters of articles about one news event), latest first."""
    st = state(request)
    store = reader(request)
    total = st.cached("stories_n", lambda: count_stories(store))
    rows = st.cached(("stories", offset, limit), lambda: list_stories(store, limit=limit, offset=offset))
    return paged(request, rows, total, limit, offset)


def story(request: Request, story_id: str = Path(..., max_length=300)) -> JSONResponse:
    """One story and its articles."""
    s = get_story(reader(request), story_id)
    if s is None:
        raise not_found(f"story {story_id}")
    return JSONResponse(s)


def sources(request: Request, limit: int = LIMIT, offset: int = OFFSET) -> JSONResponse:
    """Sources with their article counts and date spans, the largest first."""
    store = reader(request)
    rows = state(request).cached("sources", lambda: list_sources(store))
    return paged(request, rows[offset:offset + limit], len(rows), limit, offset)


# -- exports --------------------------------------------------------------------------------------
def _export_source(store: Any, request: Request, what: str) -> Any:
    qp = request.query_params
    if what == "events":
        return iter_events(store, filter_from_request(request))
    if what == "incidents":
        from marsad.store.incidents_sql import iter_incidents

        return iter_incidents(store, _incident_filter(request))
    if what == "entities":
        return iter_entities(store, entity_filter(
            q=qp.get("q"), type=qp.get("type"), country=qp.get("country")))
    return iter_documents(store, doc_filter(
        source=qp.get("source"), topic=qp.get("topic"), lang=qp.get("lang"),
        date_from=qp.get("from"), date_to=qp.get("to"), story=qp.get("story"), q=qp.get("q"),
        entity=qp.get("entity")))


def export_rows(request: Request, what: str, fmt: str) -> StreamingResponse:
    """Stream documents, entities, events or incidents as csv, json, jsonl, geojson or acled, with the
    same filters as the matching list endpoint."""
    write = export.writer_for(what, fmt)
    # a store of its own: the stream outlives this call and may be read from other threads
    store = marsad.open(state(request).settings.db, readonly=True)
    try:
        rows = _export_source(store, request, what)
    except BaseException:
        store.close()
        raise
    # pull the first chunk now so a bad filter is a 400, not a broken stream
    chunks = write(rows)
    try:
        first = next(chunks)
    except StopIteration:
        first = ""
    except BaseException:
        store.close()
        raise

    def body():
        try:
            yield first
            yield from chunks
        finally:
            store.close()

    name = f"marsad-{what}.{export.EXTENSIONS[fmt]}"
    return StreamingResponse(body(), media_type=export.MEDIA_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def export_endpoint(
    request: Request,
    what: str = Path(..., pattern="^(documents|entities|events|incidents)$",
                     description="documents, entities, events or incidents"),
    format_: str = Query("csv", alias="format", pattern="^(csv|json|jsonl|geojson|acled)$"),
) -> StreamingResponse:
    """Export the filtered set (filters as in /api/documents, /api/entities, /api/events,
    /api/incidents)."""
    return export_rows(request, what, format_)


__all__ = ["HTTPError"]
