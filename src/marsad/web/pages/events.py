"""The events page: map of geocoded events (clustered, coloured by type), timeline of
counts by type, a table with filters, and export of the filtered set."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from marsad.errors import QueryError
from marsad.model import EVENT_STATUSES, PLOVER_TYPES
from marsad.store import event_filters
from marsad.store.reads.events import EventReads
from marsad.web import i18n
from marsad.web.pages.common import pager, reader, state
from marsad.web.render import lang_of, page
from marsad.web.svg import stacked_bars

PAGE_SIZE = 50


def filter_from_request(request: Request) -> event_filters.EventFilter:
    """Event filters from the query string; ``type`` and ``status`` may repeat."""
    qp = request.query_params
    return event_filters.event_filter(
        type=qp.getlist("type") or None, status=qp.getlist("status") or None,
        actor=qp.get("actor"), country=qp.getlist("country") or None,
        date_from=qp.get("from"), date_to=qp.get("to"), bbox=qp.get("bbox") or None,
        doc=qp.get("doc"),
    )


def event_reads(request: Request) -> EventReads:
    """This request's events listing: from the server's in-memory event table when it
    holds one, else in SQL."""
    st = state(request)
    return EventReads(reader(request), st.events_table(), st.cached)


def events_page(request: Request, page_: int = Query(1, alias="page", ge=1, le=10000)) -> HTMLResponse:
    st = state(request)
    ev = event_reads(request)
    lang = lang_of(request)
    try:
        f = filter_from_request(request)
    except QueryError as exc:
        return page(request, "events.html", status=400, title="", error=str(exc), fix=exc.fix,
                    f=event_filters.EventFilter(), rows=[], pg=None, chart="", facets={}, params="",
                    PLOVER_TYPES=PLOVER_TYPES, EVENT_STATUSES=EVENT_STATUSES, exports=[], total=0)
    total = st.cached(("events_n", f), lambda: ev.count(f))
    pg = pager(total, page_, PAGE_SIZE)
    # the same page is asked for again and again (the unfiltered first page above all), and
    # ordering every event by date is the page's dearest query: cached like the counts
    rows = st.cached(("events_list", f, PAGE_SIZE, pg["offset"]),
                     lambda: ev.rows(f, limit=PAGE_SIZE, offset=pg["offset"]), bucket="pages")
    timeline = st.cached(("events_tl", f), lambda: ev.timeline(f))
    facets = st.cached(("events_facets", f), lambda: ev.facets(f))
    chart = stacked_bars(timeline, label_of=lambda k: i18n.type_name(k, lang))
    params = urlencode(f.params())
    exports = [(fmt, f"/api/export/events?{urlencode({**f.params(), 'format': fmt})}")
               for fmt in ("csv", "json", "geojson", "acled")]
    return page(
        request, "events.html", title="", f=f, rows=rows, pg=pg, total=total, chart=chart,
        bucket=timeline.get("bucket"), series_keys=list(timeline.get("series", {})),
        facets=facets, params=params, exports=exports, error=None, fix=None,
        PLOVER_TYPES=PLOVER_TYPES, EVENT_STATUSES=EVENT_STATUSES,
        type_names={t: i18n.type_name(t, lang) for t in PLOVER_TYPES},
    )
