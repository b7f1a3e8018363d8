"""The incidents pages (issue 18): the list — a map sized by toll or reports, a histogram
over the real range of the data with a range selector (undated and far-off dates counted
apart), a sortable table, filters as on the events page — and one incident with every report
of it side by side. The map's GeoJSON is this page's own query, served under the API.

Incidents are read through :mod:`marsad.store.incidents_sql` (what the store offers) and
:mod:`marsad.store.reads.incidents` (sorting, days, points)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from marsad.errors import QueryError
from marsad.model import PLOVER_TYPES
from marsad.store import event_filters
from marsad.store.incidents_sql import count_incidents, get_incident, has_pending
from marsad.store.reads.entities import entities_by_id
from marsad.store.reads.incidents import (
    SORTS,
    check_sort,
    incident_days,
    incident_points,
    list_sorted,
    type_counts,
)
from marsad.web import i18n
from marsad.web.api import _incident_filter as filter_from_request
from marsad.web.errors import not_found
from marsad.web.highlight import snippet_pieces
from marsad.web.pages.common import pager, reader, state
from marsad.web.render import lang_of, page, url_with
from marsad.web.svg import stacked_bars
from marsad.web.timeaxis import BUCKETS, Histogram, histogram, parse_day

PAGE_SIZE = 50
STATUSES = ("occurred", "claimed")  # an incident's status (see analyze.incidents.model.Incident)
SIZE_BY = ("fatalities", "reports")  # what the map's marker size shows
CHART_COLOR = "#7b241c"


def latest_day() -> date:
    """The last day a news date may name: tomorrow (a paper printed tonight dates tomorrow)."""
    return date.today() + timedelta(days=1)


def _empty(request: Request, status: int, error: str | None, fix: str | None) -> HTMLResponse:
    return page(request, "incidents.html", status=status, title="", error=error, fix=fix,
                f=event_filters.EventFilter(), rows=[], pg=None, total=0, hist=None, chart="", by="",
                types=[], sort="date", desc=True, pending=False, size_by=SIZE_BY[0], params="",
                range_params={}, PLOVER_TYPES=PLOVER_TYPES, STATUSES=STATUSES, BUCKETS=BUCKETS,
                SORTS=list(SORTS), entity_param="", type_names={})


def incidents_page(
    request: Request,
    page_: int = Query(1, alias="page", ge=1, le=10000),
    sort: str = Query("date", max_length=20),
    dir_: str = Query("desc", alias="dir", pattern="^(asc|desc)$"),
    by: str = Query("", max_length=10),
) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    lang = lang_of(request)
    try:
        f = filter_from_request(request)
        sort = check_sort(sort)
    except QueryError as exc:
        return _empty(request, 400, str(exc), exc.fix)
    desc = dir_ == "desc"
    total = st.cached(("incidents_n", f, 1), lambda: count_incidents(store, f))
    pg = pager(total, page_, PAGE_SIZE)
    rows = st.cached(("incidents_page", f, sort, desc, pg["offset"], lang if sort == "place" else ""),
                     lambda: list_sorted(store, f, sort=sort, desc=desc, limit=PAGE_SIZE,
                                         offset=pg["offset"], lang=lang), bucket="pages")
    rows = with_dating(rows)
    days = st.cached(("incident_days", f), lambda: incident_days(store, f))
    hist = histogram(days, latest=latest_day(), bucket=by or None)
    types = st.cached(("incident_types", f), lambda: type_counts(store, f))
    params = f.params()
    entity_param = params.pop("actor", "")
    if entity_param:
        params["entity"] = entity_param
    return page(
        request, "incidents.html", title="", error=None, fix=None, f=f, rows=rows, pg=pg, total=total,
        hist=hist, chart=histogram_chart(request, hist, lang), by=by if by in BUCKETS else "",
        types=types, sort=sort, desc=desc, pending=not total and has_pending(store),
        size_by=SIZE_BY[0], params=urlencode(params), range_params=_range_params(params),
        PLOVER_TYPES=PLOVER_TYPES, STATUSES=STATUSES, BUCKETS=BUCKETS, SORTS=list(SORTS),
        entity_param=entity_param, type_names={t: i18n.type_name(t, lang) for t in PLOVER_TYPES},
    )


def _range_params(params: dict[str, str]) -> dict[str, str]:
    """The filters the range selector keeps (everything but the dates it sets)."""
    return {k: v for k, v in params.items() if k not in ("from", "to")}


def histogram_chart(request: Request, hist: Histogram, lang: str) -> Any:
    """The histogram as SVG; each bar links to the incidents of its period."""
    def href(i: int) -> str:
        b = hist.bars[i]
        return url_with(request, "/incidents", **_range_params(_current(request)), from_=b.start, to=b.end)

    return stacked_bars(hist.series(), label_of=lambda k: i18n.label("incidents", lang),
                        color_of=lambda k: CHART_COLOR, height=180, href_of=href)


def _current(request: Request) -> dict[str, str]:
    qp = request.query_params
    return {k: qp[k] for k in ("type", "status", "country", "entity", "actor", "by") if qp.get(k)}


def incident_page(request: Request, incident_id: str = Path(..., max_length=100)) -> HTMLResponse:
    store = reader(request)
    lang = lang_of(request)
    inc = state(request).cached(("incident", incident_id), lambda: get_incident(store, incident_id))
    if inc is None:
        raise not_found(f"incident {incident_id}")
    ids = sorted({r[k] for r in inc["reports"] for k in ("source_entity", "target_entity", "place_entity")
                  if r.get(k)})
    entities = entities_by_id(store, ids) if ids else {}
    reports = [{**r, "pieces": sentence_pieces(r.get("text"), r.get("trigger_text"), r.get("trigger_at"))}
               for r in inc["reports"]]
    admin1_ar = next((r["place_ar"] for r in reports if inc.get("admin1") and r.get("place") == inc["admin1"]
                      and r.get("place_ar")), None)
    return page(request, "incident.html", title=i18n.type_name(inc["type"], lang),
                inc={**with_dating([inc])[0], "admin1_ar": admin1_ar}, reports=reports, entities=entities,
                features=incident_features(inc, reports, lang),
                type_names={t: i18n.type_name(t, lang) for t in PLOVER_TYPES})


def place_label(row: dict[str, Any], lang: str) -> str | None:
    """The place's name in the page's language: Arabic on Arabic pages, English when the
    knowledge base has it on English ones (else as written)."""
    en, ar = row.get("place") or row.get("admin1"), row.get("place_ar")
    return (ar or en) if lang == "ar" else (en or ar)


def incident_features(inc: dict[str, Any], reports: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The incident page's small map as GeoJSON: the incident's point and the points its
    reports give (each report's own resolved town or region: a report that names only the
    country would sit on the country's centre, where nothing happened), named in the page's
    language."""
    feats = []
    if inc.get("lat") is not None and inc.get("lon") is not None:
        feats.append(_point(inc["lat"], inc["lon"], role="incident", type=inc["type"], place=place_label(inc, lang),
                            date=inc.get("date"), fatalities=inc.get("fatalities")))
    for r in reports:
        if r.get("lat") is not None and r.get("lon") is not None and r.get("geo_precision") in ("place", "region"):
            feats.append(_point(r["lat"], r["lon"], role="report", type=inc["type"], place=place_label(r, lang),
                                source=r.get("source"), published=(r.get("published") or "")[:10] or None,
                                doc_id=r["doc_id"], title=r.get("title")))
    return {"type": "FeatureCollection", "features": feats}


def _point(lat: float, lon: float, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def with_dating(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with ``undated``: no usable date (as the histogram judges it), shown as such."""
    latest = latest_day()
    return [{**r, "undated": parse_day(r.get("date_start"), latest=latest) is None} for r in rows]


def sentence_pieces(text: str | None, trigger: str | None, at: int | None) -> list[Any]:
    """The report's sentence with the event's own trigger marked: ``at`` is its offset in the
    sentence (:func:`marsad.store.incidents_sql.trigger_offset`); None marks nothing."""
    if not text:
        return []
    if at is None or not trigger or text[at : at + len(trigger)] != trigger:
        return snippet_pieces(text, [])
    return snippet_pieces(text, [(at, at + len(trigger))])


def incidents_geojson(
    request: Request,
    limit: int = Query(5000, ge=1, le=20000, description="at most this many points (latest first)"),
) -> Response:
    """Geocoded incidents as GeoJSON points for the incidents map, filtered as /api/incidents
    (type, status, entity/actor, country, from/to, bbox, doc)."""
    store = reader(request)
    f = filter_from_request(request)

    def render() -> bytes:
        rows = incident_points(store, f, limit=limit)
        feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                  "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")}} for r in rows]
        return bytes(JSONResponse({"type": "FeatureCollection", "features": feats,
                                   "truncated": len(rows) >= limit}).body)

    return Response(state(request).cached(("incident_points", f, limit), render),
                    media_type="application/geo+json")
