"""What the incidents pages read beyond the store's own listing
(:mod:`marsad.store.incidents_sql`): a page ordered by any column the table shows, the days
incidents fall on (for the histogram), counts by type, and the geocoded incidents (for the map).

Same filter as the store (:func:`marsad.store.event_filters.event_filter` applied by
:func:`marsad.store.incidents_sql.incident_where`); the only SQL text chosen by a caller is a
sort key picked from :data:`SORTS`, never spliced from input.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from marsad.errors import QueryError
from marsad.store.event_filters import EventFilter, check_page
from marsad.store.incidents_sql import INCIDENT_COLUMNS, incident_dict, incident_where

# the table's sortable columns: key -> SQL expression (ties: latest, then most reported)
SORTS: dict[str, str] = {
    "date": "i.date_start", "type": "i.type", "place": "COALESCE(i.place, i.admin1)",
    "country": "i.country", "actors": "COALESCE(i.actor1, i.actor2)", "fatalities": "i.fatalities",
    "articles": "i.n_articles", "sources": "i.n_sources",
}
# on Arabic pages the place column shows the Arabic name, so it sorts by it
ARABIC_SORTS: dict[str, str] = {**SORTS, "place": "COALESCE(i.place_ar, i.place, i.admin1)"}
DEFAULT_SORT = "date"
POINT_COLUMNS = ("id", "type", "status", "lat", "lon", "place", "place_ar", "admin1", "country", "date",
                 "actor1", "actor2", "fatalities", "n_articles", "n_sources")
_SELECT = "SELECT " + ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS) + " FROM incidents i"


def check_sort(sort: str | None) -> str:
    """The sort key, validated (QueryError names the allowed ones)."""
    key = (sort or DEFAULT_SORT).strip().lower()
    if key not in SORTS:
        raise QueryError(f"cannot sort incidents by {sort!r}", fix=f"use one of {', '.join(SORTS)}")
    return key


def list_sorted(store: Any, f: EventFilter, *, sort: str = DEFAULT_SORT, desc: bool = True,
                limit: int = 50, offset: int = 0, lang: str = "en") -> list[dict[str, Any]]:
    """A page of incidents ordered by ``sort`` (a :data:`SORTS` key; places by the name the
    ``lang`` page shows); rows without a value come last whichever the direction, so a column
    of blanks never hides the rest."""
    check_page(limit, offset, max_limit=5000)
    col = (ARABIC_SORTS if lang == "ar" else SORTS)[check_sort(sort)]
    where, args = incident_where(f)
    order = (f" ORDER BY CASE WHEN {col} IS NULL THEN 1 ELSE 0 END, {col} {'DESC' if desc else 'ASC'}, "
             "i.date_start DESC, i.n_articles DESC, i.id")
    rows = store.fetchall(f"{_SELECT}{where}{order} LIMIT ? OFFSET ?", [*args, limit, offset])
    return [incident_dict(r) for r in rows]


def incident_days(store: Any, f: EventFilter) -> list[tuple[str | None, int]]:
    """(first day, incidents) for every first day an incident matching ``f`` has: a
    week-precision incident counts on the first day of its week."""
    where, args = incident_where(f)
    rows = store.fetchall(
        f"SELECT i.date_start AS day, COUNT(*) AS n FROM incidents i{where} GROUP BY i.date_start", args)
    return [(r["day"], int(r["n"])) for r in rows]


def type_counts(store: Any, f: EventFilter) -> list[dict[str, Any]]:
    """Incidents matching ``f`` by PLOVER type, the most frequent first."""
    where, args = incident_where(f)
    return store.fetchall(
        f"SELECT i.type AS value, COUNT(*) AS n FROM incidents i{where} GROUP BY i.type "
        "ORDER BY n DESC, value", args)


def incident_points(store: Any, f: EventFilter, *, limit: int = 5000) -> list[dict[str, Any]]:
    """Geocoded incidents matching ``f`` for the map, latest first (at most ``limit``)."""
    where, args = incident_where(replace(f, geocoded=True))
    return store.fetchall(
        f"SELECT {', '.join('i.' + c for c in POINT_COLUMNS)} FROM incidents i{where} "
        "ORDER BY i.date_start DESC, i.id LIMIT ?", [*args, limit])
