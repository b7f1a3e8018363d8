"""Sources: how many articles each source gave, over which dates, on which topics."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from marsad.store.reads.sources import list_sources, source_topics
from marsad.web.pages.common import reader, state
from marsad.web.render import page


def sources_page(request: Request) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    rows = st.cached("sources", lambda: list_sources(store))
    topics = st.cached("source_topics", lambda: source_topics(store))
    stats = st.cached("stats", lambda: store.stats())
    return page(request, "sources.html", title="", rows=rows, topics=topics, stats=stats)
