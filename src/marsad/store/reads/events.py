"""The events listing: count, page, stream, facet counts, timeline and map points of the
events an :class:`~marsad.store.event_filters.EventFilter` selects (that module is the
events' one filter vocabulary)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from marsad.store.base import Store
from marsad.store.event_filters import (
    EVENT_COLUMNS,
    EVENT_DATE,
    EventFilter,
    _event_where,
    check_page,
)

EVENTS_FROM = " FROM events e JOIN documents d ON d.id = e.doc_id"


def count_events(store: Store, f: EventFilter) -> int:
    where, args = _event_where(f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n{EVENTS_FROM}{where}", args)[0]["n"])


def list_events(store: Store, f: EventFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset, max_limit=5000)
    where, args = _event_where(f)
    sql = (
        f"SELECT {EVENT_COLUMNS}{EVENTS_FROM}{where} "
        "ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ? OFFSET ?"
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
            f"GROUP BY {col} ORDER BY n DESC, value LIMIT 40",
            args,
        )
    return out


def event_timeline(store: Store, f: EventFilter) -> dict[str, Any]:
    """Event counts per period and type; the period (day, month, year) fits the span."""
    where, args = _event_where(f)
    rows = store.fetchall(
        f"SELECT {EVENT_DATE} AS day, e.type AS type, COUNT(*) AS n{EVENTS_FROM}{where} "
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
        "SELECT e.doc_id, e.idx, e.type, e.mode, e.status, e.lat, e.lon, e.place_name, "
        "e.country, e.geo_precision, e.date_precision, e.trigger_text, e.source_text, "
        "e.target_text, e.source_name, e.source_en, e.target_name, e.target_en, e.fatalities, "
        f"e.injured, {EVENT_DATE} AS event_date, "
        f"d.title{EVENTS_FROM}{where} ORDER BY event_date DESC, e.doc_id, e.idx LIMIT ?",
        [*args, limit],
    )
