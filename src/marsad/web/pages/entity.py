"""The entity pages: the list (most mentioned first, find by name) and one entity —
names and aliases, English name and Wikidata link, mentions over time, co-occurring
entities (network), places on a map, events and latest articles."""

from __future__ import annotations

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse

from marsad.store.reads.entities import (
    NETWORK_SIZE,
    count_entities,
    entity_documents,
    entity_events,
    entity_filter,
    entity_timeline,
    get_entity,
    list_entities,
)
from marsad.web import i18n
from marsad.web.errors import not_found
from marsad.web.pages.common import pager, reader, state
from marsad.web.pages.incidents import with_dating
from marsad.web.render import lang_of, page
from marsad.web.svg import stacked_bars

PAGE_SIZE = 50
NETWORK_SIZES = (15, NETWORK_SIZE, 60, 100)  # the network's "show more" choices


def entities_page(
    request: Request,
    q: str = Query("", max_length=200),
    type_: str = Query("", alias="type", max_length=10),
    country: str = Query("", max_length=2),
    page_: int = Query(1, alias="page", ge=1, le=10000),
) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    f = entity_filter(q=q, type=type_, country=country)
    total = st.cached(("entities_n", f), lambda: count_entities(store, f))
    pg = pager(total, page_, PAGE_SIZE)
    rows = st.cached(("entities", f, pg["offset"]),
                     lambda: list_entities(store, f, limit=PAGE_SIZE, offset=pg["offset"]))
    return page(request, "entities.html", title="", rows=rows, pg=pg, q=q, type_=f.type or "",
                country=f.country or "")


def entity_page(request: Request, entity_id: str = Path(..., max_length=300)) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    # (counting a much-named entity's mentions reads thousands of rows: cached, per generation)
    ent = st.cached(("entity", entity_id), lambda: get_entity(store, entity_id))
    if ent is None:
        raise not_found(f"entity {entity_id}")
    lang = lang_of(request)
    timeline = st.cached(("entity_tl", entity_id), lambda: entity_timeline(store, entity_id))
    chart = stacked_bars(timeline, label_of=lambda k: i18n.label("documents", lang),
                         color_of=lambda k: "#1f618d", height=160)
    return page(
        request, "entity.html", title=ent["name_ar"], ent=ent, chart=chart,
        bucket=timeline.get("bucket"),
        # (its events: source or target, through the two events indexes of schema 8; cached)
        docs=st.cached(("entity_docs", entity_id), lambda: entity_documents(store, entity_id, limit=20)),
        events=st.cached(("entity_events", entity_id), lambda: entity_events(store, entity_id, limit=20)),
        # (its incidents, issue 18: those a report links it to as source, target or place)
        incidents=with_dating(st.cached(("entity_incidents", entity_id),
                                        lambda: store.entity_incidents(entity_id, limit=20))),
        network_size=NETWORK_SIZE, network_sizes=NETWORK_SIZES,
    )
